// The clocks WASI programs read (clock_time_get, and poll_oneoff's absolute deadlines): the
// host's by default, or fixed sequences (deterministic.ts). Only the realtime (0) and
// monotonic (1) clocks exist, as in Wasmtime's preview1; the CPU-time clocks are refused.
import { ERRNO } from './errno.js';

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

/** Whether clock `id` exists here (realtime or monotonic). */
export function hasClock(id: number): boolean {
  return id === CLOCK.realtime || id === CLOCK.monotonic;
}

/** clock_time_get's and clock_res_get's answer for a clock that does not exist, as Wasmtime's p1: EBADF for the CPU-time clocks preview1 names, EINVAL for any other id. */
export function missingClockErrno(id: number): number {
  return id === CLOCK.processCputime || id === CLOCK.threadCputime ? ERRNO.badf : ERRNO.inval;
}

/** Reads clock `id`: its time, or null for a clock id Wasmtime's preview1 does not have. */
export function readClock(clocks: WasiClocks, id: number): bigint | null {
  if (id === CLOCK.realtime) return clocks.wall();
  if (id === CLOCK.monotonic) return clocks.monotonic();
  return null;
}
