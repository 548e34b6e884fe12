// Typed errors of running code (fuel, runtime options, host calls, limits). The native
// facade's errors (syntax, verifier, compile, trap, call, ...) are defined in
// src/native/errors.ts and re-exported here, so `slackfuel` exports them all from one place.
import { CallError, SlackfuelError } from '../native/errors.js';

export * from '../native/errors.js';

/** How an OutOfFuel was detected. */
export type OutOfFuelDetection =
  /** A trampoline's check at a host boundary (entry, return, before a host call) or vanilla's inline check. */
  | 'boundary'
  /** The asynchronous fuel checker interrupted wasm code with the counter >= 0. */
  | 'checker'
  /** Wasm code trapped while the counter was >= 0 (a trap with the budget exhausted is out of fuel). */
  | 'trap';

/** A call ran out of fuel: the counter reached 0 (Wasmtime's convention: F = -budget, counts up). */
export class OutOfFuel extends SlackfuelError {
  override readonly name = 'OutOfFuel';
  constructor(
    message: string,
    /** The budget the call was given. */
    readonly budget: number,
    readonly detectedBy: OutOfFuelDetection,
  ) {
    super(message);
  }
}

/** Bad runtime options: unknown metering mode, a missing import, a budget out of range. */
export class RuntimeConfigError extends SlackfuelError {
  override readonly name = 'RuntimeConfigError';
}

/**
 * Thrown by a host function to end the call on purpose (WASI's proc_exit). The call rejects
 * with this very error, and the runtime fills in the fuel consumed up to the host call.
 */
export class HostStop extends SlackfuelError {
  override readonly name: string = 'HostStop';
  /** Fuel consumed by the call until the host function ran (null for none and epoch). */
  fuelConsumed: number | null = null;
}

/**
 * A guest asked for more than the embedder's resource limits allow at instantiation (memory,
 * table elements, live instances), as Wasmtime's `ResourceLimiter` refuses it. Growth past a
 * limit is not an error: `memory.grow` / `table.grow` return -1.
 */
export class ResourceLimitError extends SlackfuelError {
  override readonly name = 'ResourceLimitError';
}

/** A host function called back into the instance whose call it is serving. */
export class ReentrantCallError extends CallError {
  override readonly name = 'ReentrantCallError';
}
