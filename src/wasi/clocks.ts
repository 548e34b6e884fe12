// The clocks WASI programs read (clock_time_get, and poll_oneoff's absolute deadlines): the
// host's by default, or fixed sequences (deterministic.ts). Only the realtime (0) and
// monotonic (1) clocks exist, as in Wasmtime's preview1; the CPU-time clocks are refused.

export interface WasiClocks {
  /** Nanoseconds since the Unix epoch. */
  wall(): bigint;
  /** Nanoseconds since an arbitrary start, never decreasing. */
  monotonic(): bigint;
}

export const systemClocks: WasiClocks = {
  wall: () => BigInt(Date.now()) * 1_000_000n,
  monotonic: () => process.hrtime.bigint(),
};

export const CLOCK = { realtime: 0, monotonic: 1, processCputime: 2, threadCputime: 3 } as const;

/** Reads clock `id`: its time, or null for a clock id Wasmtime's preview1 does not have. */
export function readClock(clocks: WasiClocks, id: number): bigint | null {
  if (id === CLOCK.realtime) return clocks.wall();
  if (id === CLOCK.monotonic) return clocks.monotonic();
  return null;
}
