// A running instance: calls go to the addon's wasm thread and come back as promises; host
// functions run on Node's main thread while the wasm thread waits.
import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import { HOST_FAILED_TRAP, OUT_OF_FUEL_TRAP } from '../abi/index.js';
import { stepError, type CallStep, type NativeInstance } from '../native/instance.js';
import { readBits, readValue, slotView, SLOT_BYTES, writeValue, type ClifValue } from '../native/values.js';
import type { WasmExport, WasmImport } from './assemble.js';
import { AsyncFuelChecker } from './checker.js';
import { CallError, HostStop, OutOfFuel, ReentrantCallError, Trap, type OutOfFuelDetection } from './errors.js';
import { accountsFuel, fuelConvention, type MeteringMode } from './metering.js';
import { Store } from './store.js';

/** A host function: arguments by the import's signature; returns nothing, a value, or a list. */
export type HostFunction = (...args: ClifValue[]) => ClifValue | readonly ClifValue[] | void | Promise<ClifValue | readonly ClifValue[] | void>;

export interface BoundHostFunction extends WasmImport {
  readonly call: HostFunction;
}

export const callOptionsSchema = z
  .object({
    /** The budget (fuel units); the counter starts at -fuel. Ignored by count, none and epoch. */
    fuel: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    /** Also return each result's bits (`resultBits`). */
    resultBits: z.boolean().default(false),
  })
  .strict();
export type CallOptions = z.input<typeof callOptionsSchema>;

export interface CallResult {
  readonly results: ClifValue[];
  /** Fuel the call consumed (counter after − counter before); null for none and epoch. */
  readonly fuelConsumed: number | null;
  /** With the `resultBits` option: each result's bits, zero-extended (floats exactly, NaN
   *  payloads included, which a JavaScript number may not keep). */
  readonly resultBits?: readonly bigint[];
}

/** The stores whose host functions are running in the current async context. */
const servingHostCall = new AsyncLocalStorage<ReadonlySet<Store>>();

/**
 * How long (µs) the main thread waits, blocked, for a call's next step after it answered a host
 * call, before it awaits the step through the event loop. Measured on the host-call loop of
 * examples/wasmtime-host-calls.clif (docs/runtime.md, "Host calls"): 100 µs catches the steps
 * of calls that make host calls in quick succession; longer gains nothing there.
 */
export const hostStepWaitMicrosSchema = z.number().int().min(0).max(10_000).default(100);

/** The budget when none is given (and always in count mode): effectively unlimited. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

export class Instance {
  readonly #native: NativeInstance;
  readonly #exports: Map<string, WasmExport & { index: number }>;

  /** Use `module.instantiate()`. */
  constructor(
    native: NativeInstance,
    readonly metering: MeteringMode,
    exports: readonly WasmExport[],
    readonly hostFunctions: readonly BoundHostFunction[],
    /** The checker interval while a call runs (slacked), or false. */
    readonly checkIntervalMs: number | false,
    /** The checker's longest wait while the observed fuel rate allows it (ms). */
    readonly checkMaxIntervalMs: number = checkIntervalMs === false ? 0 : checkIntervalMs,
    /** See `hostStepWaitMicrosSchema`. */
    readonly hostStepWaitMicros: number = hostStepWaitMicrosSchema.parse(undefined),
    /** The store it is a member of (a store of its own unless given at instantiation). */
    readonly store: Store = new Store(),
  ) {
    this.#native = native;
    this.#exports = new Map();
    for (const e of exports) {
      const index = native.functions.findIndex((f) => f.name === e.entry);
      if (index < 0) throw new CallError(`internal error: no entry trampoline for ${e.name}`);
      const entry = { ...e, index };
      this.#exports.set(e.name, entry);
      if (e.name.startsWith('%')) this.#exports.set(e.name.slice(1), entry);
    }
  }

  /** One native step (a call, or the resumption after a host function) in the group's turn. */
  #step(op: () => Promise<CallStep>): Promise<CallStep> {
    return this.store.gated ? this.store.gate.through(op) : op();
  }

  /** This instance's id in its store. */
  get member(): number {
    return this.#native.member;
  }

  /** Exported wasm functions, as CLIF names them. */
  get exportNames(): string[] {
    return [...new Set([...this.#exports.values()].map((e) => e.name))];
  }

  /** A checker bound to this instance's wasm thread. */
  checker(): AsyncFuelChecker {
    return new AsyncFuelChecker(this.#native.checker());
  }

  /** Whether the wasm thread is still alive (false some time after dispose). */
  get threadAlive(): boolean {
    return this.#native.threadAlive;
  }

  /**
   * Calls wasm function `name` with `args`; resolves to its results and the fuel consumed, or
   * rejects with OutOfFuel, Trap, or the error a host function threw. Calls on one instance run
   * one after another.
   */
  call(name: string, args: readonly ClifValue[] = [], options: CallOptions = {}): Promise<CallResult> {
    // The wasm thread is blocked in the host call that made this one: queueing it behind that
    // call would wait forever, so refuse it now.
    if (servingHostCall.getStore()?.has(this.store)) {
      return Promise.reject(new ReentrantCallError(`${name}: a host function cannot call back into the instance (or the store) whose call it is serving (re-entrant calls are not supported)`));
    }
    return this.store.enqueue(() => this.#call(name, args, options));
  }

  async #call(name: string, args: readonly ClifValue[], options: CallOptions): Promise<CallResult> {
    const o = callOptionsSchema.parse(options);
    const e = this.#exports.get(name);
    if (e === undefined) throw new CallError(`no wasm function ${name} (exports: ${this.exportNames.join(', ')})`);
    if (args.length !== e.params.length) throw new CallError(`${e.name} takes ${e.params.length} argument(s), got ${args.length}`);
    const buffer = new Uint8Array(args.length * SLOT_BYTES);
    args.forEach((v, i) => writeValue(slotView(buffer, i), e.params[i]!, v, `argument ${i + 1} of ${e.name}`));
    const budget = this.metering === 'count' ? UNLIMITED : (o.fuel ?? UNLIMITED);
    const counts = accountsFuel(this.metering);
    const checker = this.checkIntervalMs === false ? undefined : this.#native.checker();
    let hostError: { error: unknown } | undefined;
    let step: CallStep;
    try {
      checker?.start(this.checkIntervalMs as number, this.checkMaxIntervalMs);
      step = await this.#step(() => this.#native.call(e.index, buffer, counts ? -budget : 0));
      while (step.kind === 'host') {
        // The import may be another member's: this call may run its code.
        const owner = step.hostMember === this.member ? this : this.store.member(step.hostMember);
        const host = owner?.hostFunctions[step.hostIndex];
        let failed = false;
        const out = new Uint8Array(Math.max(host?.returns.length ?? 0, 1) * SLOT_BYTES);
        try {
          if (host === undefined) throw new CallError(`no host function with index ${step.hostIndex} in store member ${step.hostMember}`);
          const slots = step.slots;
          const hostArgs = host.params.map((t, i) => readValue(slotView(slots, i), t));
          const serving = new Set(servingHostCall.getStore() ?? []).add(this.store);
          const value = await servingHostCall.run(serving, () => host.call(...hostArgs));
          const values: readonly ClifValue[] = value === undefined ? [] : Array.isArray(value) ? value : [value as ClifValue];
          if (values.length !== host.returns.length) throw new CallError(`host function ${host.name} returned ${values.length} value(s), its signature has ${host.returns.length}`);
          values.forEach((v, i) => writeValue(slotView(out, i), host.returns[i]!, v, `result ${i + 1} of ${host.name}`));
        } catch (error) {
          hostError = { error };
          failed = true;
        }
        // Ungated, wait a moment on this thread for the next step: in a call that makes many
        // host calls it usually comes within microseconds, and the event loop's wake-up would
        // cost more than the host function (docs/runtime.md, "Host calls").
        const soon = !this.store.gated && this.hostStepWaitMicros > 0;
        step = soon ? (this.#native.resumeWait(out, failed, this.hostStepWaitMicros) ?? (await this.#native.nextStep())) : await this.#step(() => this.#native.resume(out, failed));
      }
    } finally {
      checker?.stop();
    }
    switch (step.kind) {
      case 'returned':
        return {
          results: e.returns.map((t, i) => readValue(slotView(step.slots, i), t)),
          ...(o.resultBits ? { resultBits: e.returns.map((t, i) => readBits(slotView(step.slots, i), t)) } : {}),
          fuelConsumed: counts ? step.fuelCounter + budget : null,
        };
      case 'failed':
        throw stepError(step.error);
      case 'trapped': {
        const outOfFuel = (by: OutOfFuelDetection) =>
          new OutOfFuel(`${e.name} ran out of fuel (budget ${budget}, detected by ${by === 'checker' ? 'the asynchronous checker' : by === 'boundary' ? 'a fuel check' : 'a trap with the counter >= 0'})`, budget, by);
        if (step.interrupted) throw outOfFuel('checker');
        if (counts) {
          // Pinned modes read the exact counter at the trap: spent means out of fuel. Vanilla's
          // counter in memory is as of the last store (before a call, a builtin, unreachable),
          // so a trap after it stays the trap, as in Wasmtime; only its check is out of fuel.
          const pinned = fuelConvention(this.metering) === 'pinned';
          const counter = pinned ? step.pinned : step.fuelCounter;
          if (counter >= 0 && (pinned || step.trapCode === OUT_OF_FUEL_TRAP)) throw outOfFuel(step.trapCode === OUT_OF_FUEL_TRAP ? 'boundary' : 'trap');
        }
        if (step.trapCode === HOST_FAILED_TRAP && hostError !== undefined) {
          if (hostError.error instanceof HostStop && counts) {
            const counter = fuelConvention(this.metering) === 'pinned' ? step.pinned : step.fuelCounter;
            hostError.error.fuelConsumed = counter + budget;
          }
          throw hostError.error;
        }
        const error = stepError(step.error);
        // The counter is exact at a trap (docs/runtime.md), so the fuel spent up to it is known.
        if (error instanceof Trap && counts) error.fuelConsumed = (fuelConvention(this.metering) === 'pinned' ? step.pinned : step.fuelCounter) + budget;
        throw error;
      }
    }
  }

  /** Stops the wasm thread and frees the code once the current call (if any) ends. Idempotent. */
  dispose(): void {
    this.#native.dispose();
  }

  get disposed(): boolean {
    return this.#native.disposed;
  }
}
