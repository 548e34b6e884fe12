// AsyncFuelChecker: interrupts an instance's wasm thread to look at its fuel counter. On Linux
// (x86_64, aarch64) `check()` sends the thread a real-time signal (SIGRTMIN+6) with our cookie (pthread_sigqueue);
// the handler unwinds the running call with OutOfFuel only when the thread is executing
// metered wasm code and the pinned register is >= 0, and otherwise returns at once. Signals of
// the same number without the cookie go to the handler installed before ours.
//
// The handle is bound to one thread and stays safe after that thread exits: the thread clears
// its id (under the lock senders hold) as it exits, so no signal reaches a dead or reused thread.
// Platforms without signals would implement the same interface by suspending the thread and
// reading its registers; the interface has no signal in it.
import { z } from 'zod';
import type { NativeFuelChecker } from '../native/addon.js';
import { throughNative } from '../native/native-errors.js';

export const checkIntervalSchema = z.number().positive().finite().max(60_000);

export class AsyncFuelChecker {
  readonly #native: NativeFuelChecker;
  #running = false;

  /** Use `instance.checker()`. */
  constructor(native: NativeFuelChecker) {
    this.#native = native;
  }

  /** Interrupts the wasm thread once; false when the thread has exited. */
  check(): boolean {
    return this.#native.check();
  }

  /**
   * Calls `check()` from a timer thread until `stop()`: every `intervalMs` milliseconds, or,
   * given `maxIntervalMs` above it, paced by the fuel rate the checks observe — every
   * `intervalMs` while the budget could run out within a few intervals, up to every
   * `maxIntervalMs` while the observed rate says it cannot. The outcome of a call never depends
   * on the pace (design.md); how late an exhausted budget is noticed does.
   */
  start(intervalMs: number, maxIntervalMs?: number): void {
    const interval = checkIntervalSchema.parse(intervalMs);
    const max = maxIntervalMs === undefined ? interval : checkIntervalSchema.min(interval, 'the maximum interval is below the minimum').parse(maxIntervalMs);
    throughNative(() => this.#native.start(interval, max));
    this.#running = true;
  }

  stop(): void {
    this.#native.stop();
    this.#running = false;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Checks delivered to the thread so far (all checkers of the instance together). */
  get sent(): number {
    return this.#native.sent;
  }
}
