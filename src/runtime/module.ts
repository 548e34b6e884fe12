// A CLIF file prepared for one metering mode: the transformed functions, the assembled text
// (functions + trampolines + builtins) and what it exports and imports.
import { z } from 'zod';
import { layoutJson } from '../abi/index.js';
import type { Function } from '../ir/index.js';
import type { ClifValue } from '../native/values.js';
import type { Assembled, WasmExport, WasmImport } from './assemble.js';
import type { Engine } from './engine.js';
import { RuntimeConfigError } from './errors.js';
import { hostStepWaitMicrosSchema, Instance, type HostFunction } from './instance.js';
import { fuelConvention, type MeteringMode } from './metering.js';
import { NativeInstance } from '../native/instance.js';
import { Store } from './store.js';

/** A layout seed: any safe non-negative integer (it crosses to the addon as a JSON number). */
export const codeLayoutSeedSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const instantiateOptionsSchema = z
  .object({
    /** Host functions by the name the CLIF calls them (`log`, `%log`, `u1:0`). */
    imports: z.record(z.string(), z.custom<HostFunction>((f) => typeof f === 'function', 'a host function')).default({}),
    /** Bytes of zeroed linear memory (vmctx memory base/bound). */
    memoryBytes: z.number().int().nonnegative().max(2 ** 31).default(65536),
    /** Stack of the wasm thread. */
    stackBytes: z.number().int().min(256 * 1024).max(2 ** 30).default(8 * 1024 * 1024),
    /**
     * Store-context offset of the stack limit the code's `stack_limit` reads (translated wasm
     * sets it): the runtime stores `sp - maxWasmStack` there at every entry, so deep recursion
     * ends in a stack-overflow trap rather than in the guard page.
     */
    stackLimit: z.number().int().nonnegative().multipleOf(8).optional(),
    /** Bytes of stack wasm code may use (Wasmtime's `max_wasm_stack`, default 512 KiB); with
     *  256 KiB for host code it must fit `stackBytes`. */
    maxWasmStack: z.number().int().min(16 * 1024).max(2 ** 30).default(512 * 1024),
    /**
     * Slacked mode: the asynchronous checker's interval while a call runs (ms), or false for
     * none (then only the boundary checks and traps detect exhaustion).
     */
    checkIntervalMs: z.union([z.number().positive().finite().max(60_000), z.literal(false)]).default(1),
    /**
     * Slacked mode: the longest the checker waits between checks while the fuel rate it
     * observes says the budget cannot run out sooner (default: the larger of 20 ms and
     * `checkIntervalMs`; equal to `checkIntervalMs`: a fixed period).
     */
    checkMaxIntervalMs: z.number().positive().finite().max(60_000).optional(),
    /**
     * After answering a host call, how long (µs) the main thread waits, blocked, for the call's
     * next step before it awaits it through the event loop (docs/runtime.md, "Host calls").
     * 0: always through the event loop (never blocks it). Default 100.
     */
    hostStepWaitMicros: hostStepWaitMicrosSchema,
    /**
     * Lay the machine code out by this seed: each function (and trampoline) starts after a
     * pseudo-random 0–63 bytes instead of at a 32-byte boundary, so a benchmark can take its
     * median over layouts rather than hang on one (`bench --shuffle-layout`). Same seed, same
     * layout. Absent: aligned, as Wasmtime lays out code.
     */
    codeLayoutSeed: codeLayoutSeedSchema.optional(),
    /** The store to join (its wasm thread and store context); a new one when absent. */
    store: z.instanceof(Store).optional(),
  })
  .strict();

/** The checker's default longest wait (ms): a late detection costs at most this much run time. */
export const DEFAULT_CHECK_MAX_INTERVAL_MS = 20;
export type InstantiateOptions = z.input<typeof instantiateOptionsSchema>;

/**
 * The Cranelift flags a module is compiled with: the engine's, with the pinned register
 * reserved only where the fuel counter lives in it (slacked, count). Modes that keep the counter
 * in memory, or have none, get every register, as Wasmtime's code does.
 */
export function codegenFlags(flags: Readonly<Record<string, string | boolean | number>>, pinned: boolean, tailCalls = false): Record<string, string | boolean | number> {
  // Cranelift's x64 tail calls rely on frame pointers (it panics emitting one without them);
  // Wasmtime keeps them always. Code without tail calls keeps the frame-pointer register free.
  const frames: Record<string, boolean> = tailCalls ? { preserve_frame_pointers: true } : {};
  // Multi-value: more results than return registers go through a hidden return area, as
  // Wasmtime sets it (without it Cranelift refuses such a function).
  const abi = { ...flags, ...frames, enable_multi_ret_implicit_sret: true };
  return pinned ? abi : { ...abi, enable_pinned_reg: false };
}

function canonicalName(name: string): string {
  return name.startsWith('%') || /^u\d+:\d+$/.test(name) ? name : `%${name}`;
}

export type { HostFunction, ClifValue };

export class Module {
  #functions: readonly Function[] | (() => readonly Function[]);

  /** Use `engine.compile()`. */
  constructor(
    readonly engine: Engine,
    readonly metering: MeteringMode,
    /** The pipeline that produced the functions ('' for none). */
    readonly pipeline: string,
    /** The functions after the pipeline, or how to get them when first asked (parsing text
     *  nobody reads would cost more than compiling it). */
    functions: readonly Function[] | (() => readonly Function[]),
    readonly assembled: Assembled,
    /** Instance state for translated wasm modules (src/wasm), passed to the addon as is. */
    readonly wasmSetup?: unknown,
    /** Reserve the pinned register even where no counter lives in it (an A/B of what taking it
     *  from the register allocator costs: the bench's `none-pinned`). */
    readonly reservePinnedRegister = false,
  ) {
    this.#functions = functions;
  }

  /** The Cranelift flags its instances compile with (frame pointers only where the code makes
   *  tail calls: Cranelift's x64 tail calls need them, and Wasmtime always keeps them). */
  get flags(): Record<string, string | boolean | number> {
    const pinned = this.reservePinnedRegister || fuelConvention(this.metering) === 'pinned';
    return codegenFlags(this.engine.flags, pinned, /\breturn_call(?:_indirect)?\b/.test(this.text));
  }

  /** Whether `functions` has been parsed yet (a compile without a pipeline parses on demand). */
  get functionsParsed(): boolean {
    return typeof this.#functions !== 'function';
  }

  /** The functions after the pipeline. */
  get functions(): readonly Function[] {
    if (typeof this.#functions === 'function') this.#functions = this.#functions();
    return this.#functions;
  }

  /** The CLIF the addon compiles (functions, trampolines, builtins). */
  get text(): string {
    return this.assembled.text;
  }

  get exports(): readonly WasmExport[] {
    return this.assembled.exports;
  }

  get imports(): readonly WasmImport[] {
    return this.assembled.imports;
  }

  /** Compiles the module for this machine and starts an instance on its own wasm thread. */
  instantiate(options: InstantiateOptions = {}): Instance {
    return this.instantiateWithNative(options).instance;
  }

  /** Like `instantiate`, also returning the native instance (src/wasm reads its memory). */
  instantiateWithNative(options: InstantiateOptions = {}): { instance: Instance; native: NativeInstance } {
    const parsed = instantiateOptionsSchema.safeParse(options);
    if (!parsed.success) throw new RuntimeConfigError(`invalid instantiate options: ${z.prettifyError(parsed.error)}`);
    const o = parsed.data;
    const given = new Map(Object.entries(o.imports).map(([k, f]) => [canonicalName(k), f]));
    const hostFunctions = this.imports.map((imp) => {
      const f = given.get(imp.name);
      if (f === undefined) throw new RuntimeConfigError(`missing host function ${imp.name} ${imp.signature}`);
      return { ...imp, call: f };
    });
    for (const name of given.keys()) {
      if (!this.imports.some((i) => i.name === name)) throw new RuntimeConfigError(`host function ${name} is not imported by the module (it imports ${this.imports.map((i) => i.name).join(', ') || 'nothing'})`);
    }
    const pinned = fuelConvention(this.metering) === 'pinned';
    const store = o.store ?? new Store();
    const via = store.joinVia(this.metering);
    const native = new NativeInstance(this.text, {
      flags: this.flags,
      options: JSON.stringify({
        layout: JSON.parse(layoutJson(this.engine.layout)) as unknown,
        metered: pinned ? this.assembled.wasmFunctions : [],
        memoryBytes: o.memoryBytes,
        stackBytes: o.stackBytes,
        maxWasmStack: o.maxWasmStack,
        ...(o.stackLimit === undefined ? {} : { stackLimit: o.stackLimit }),
        ...(o.codeLayoutSeed === undefined ? {} : { codeLayoutSeed: o.codeLayoutSeed }),
        ...(this.wasmSetup === undefined ? {} : { wasm: this.wasmSetup }),
      }),
      ...(via === undefined ? {} : { store: via }),
    });
    const interval = this.metering === 'slacked' ? o.checkIntervalMs : false;
    const max = interval === false ? 0 : (o.checkMaxIntervalMs ?? Math.max(DEFAULT_CHECK_MAX_INTERVAL_MS, interval));
    if (interval !== false && max < interval) throw new RuntimeConfigError(`checkMaxIntervalMs (${max}) is below checkIntervalMs (${interval})`);
    const instance = new Instance(native, this.metering, this.exports, hostFunctions, interval, max, o.hostStepWaitMicros, store);
    store.add(instance, native, this.metering);
    return { instance, native };
  }
}
