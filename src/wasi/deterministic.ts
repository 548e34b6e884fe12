// Deterministic WASI inputs (`run-wasm --deterministic`): random_get's bytes and the clocks
// as fixed sequences, so a program whose control flow reads them (Go's runtime seeds its map
// hashes from random_get and paces its scheduler and collector by the monotonic clock) runs
// the same way every time and its fuel can be compared with Wasmtime's to the unit. The
// reference runner defines the same sequences (peers/wasmtime-runner/src/deterministic.rs);
// sleeps still take real time, only what the guest reads is fixed.
import type { WasiClocks } from './clocks.js';

/** Every clock read advances the clock it reads by this much (1 ms). */
export const STEP_NS = 1_000_000n;
/** The wall clock's first reading: 2023-11-14T22:13:20Z. */
export const WALL_START_NS = 1_700_000_000n * 1_000_000_000n;

const MASK = (1n << 64n) - 1n;

/** Byte `k` of the random stream: the low byte of SplitMix64's `k`-th output (seed 0). */
export function randomByte(k: bigint): number {
  let z = ((k + 1n) * 0x9e3779b97f4a7c15n) & MASK;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return Number((z ^ (z >> 31n)) & 0xffn);
}

/** A random_get source giving bytes 0, 1, 2, ... of the stream across all calls. */
export function deterministicRandom(): (bytes: Uint8Array) => void {
  let next = 0n;
  return (bytes) => {
    for (let i = 0; i < bytes.length; i++) bytes[i] = randomByte(next++);
  };
}

/** The n-th wall reading (from 0) is WALL_START_NS + n×STEP_NS; the n-th monotonic one (n+1)×STEP_NS. */
export function deterministicClocks(): WasiClocks {
  let wallReads = 0n;
  let monotonicReads = 0n;
  return {
    wall: () => WALL_START_NS + wallReads++ * STEP_NS,
    monotonic: () => ++monotonicReads * STEP_NS,
  };
}
