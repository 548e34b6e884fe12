// JIT modules: every function of a CLIF text compiled for this machine, calling each other by
// name, callable from JavaScript. Freed by dispose() or, failing that, by the garbage collector
// (the addon's finalizer frees the machine code).
import { CallError, ModuleDisposedError } from './errors.js';
import { addon, type NativeJitModule } from './addon.js';
import { throughNative } from './native-errors.js';
import { jitFunctionsSchema, resultSlotsSchema } from './schemas.js';
import { settingsSchema, toNativeSettings, type Settings } from './settings.js';
import { isScalarType, readValue, SLOT_BYTES, slotView, writeValue, type ClifValue, type ScalarType } from './values.js';
import { z } from 'zod';

export const jitOptionsSchema = z.object({ flags: settingsSchema.optional(), target: z.number().int().nonnegative().optional() });
export interface JitOptions {
  /** Cranelift settings, e.g. `{ enable_pinned_reg: true, opt_level: 'speed' }`. */
  readonly flags?: Settings;
  /** Which of the text's `target` lines supplies the settings (see `runtestTargets`); default the first. */
  readonly target?: number;
}

export interface JitFunction {
  /** As Cranelift prints it: `%name` or `u0:1`. */
  readonly name: string;
  readonly params: readonly string[];
  readonly returns: readonly string[];
  readonly codeSize: number;
  /** Where its code starts within a 64-byte cache line: 0 or 32 (functions are 32-byte aligned,
   *  as Wasmtime places them), anything with an instance's `codeLayoutSeed`. */
  readonly lineOffset: number;
  /** Why JavaScript cannot call it (a parameter type it cannot pass), if it cannot. */
  readonly notCallable?: string;
}

export class JitModule {
  readonly functions: readonly JitFunction[];
  readonly #native: NativeJitModule;
  readonly #byName = new Map<string, number>();

  /** Use `jit()`. */
  constructor(native: NativeJitModule) {
    this.#native = native;
    this.functions = jitFunctionsSchema.parse(throughNative(() => native.functions()));
    this.functions.forEach((f, index) => {
      this.#byName.set(f.name, index);
      if (f.name.startsWith('%')) this.#byName.set(f.name.slice(1), index);
    });
  }

  get disposed(): boolean {
    return this.#native.disposed;
  }

  /** The function called `name` (`add`, `%add` or `u0:1`). */
  function(name: string): JitFunction {
    return this.functions[this.#indexOf(name)] as JitFunction;
  }

  #indexOf(name: string): number {
    const index = this.#byName.get(name);
    if (index === undefined) {
      throw new CallError(`no function ${name} in this module (it has ${this.functions.map((f) => f.name).join(', ')})`);
    }
    return index;
  }

  /**
   * Calls `name` with `args` typed by its signature: i8–i32, f32, f64 as numbers, i64 and i128
   * as bigints (or safe-integer numbers). Returns the results, integers signed. A trap throws
   * `Trap` with Cranelift's trap code.
   */
  call(name: string, args: readonly ClifValue[] = []): ClifValue[] {
    const f = this.function(name);
    const types = this.#scalarTypes(f);
    if (args.length !== f.params.length) {
      throw new CallError(`${f.name} takes ${f.params.length} argument(s), got ${args.length}`);
    }
    const buffer = new Uint8Array(args.length * SLOT_BYTES);
    args.forEach((value, i) => writeValue(slotView(buffer, i), types.params[i] as ScalarType, value, `argument ${i + 1} of ${f.name} (${f.params[i]})`));
    const results = this.callSlots(name, buffer);
    return types.returns.map((ty, i) => readValue(slotView(results, i), ty));
  }

  /**
   * Calls `name` with arguments already encoded as 16-byte little-endian slots (one per
   * parameter); returns the result slots. For callers that compare bits, like `; run:` checks.
   */
  callSlots(name: string, argSlots: Uint8Array): Uint8Array {
    const index = this.#indexOf(name);
    if (this.#native.disposed) throw new ModuleDisposedError('the JIT module has been disposed');
    const raw = throughNative(() => this.#native.call(index, argSlots));
    return resultSlotsSchema.parse(raw);
  }

  /** Frees the machine code now (idempotent); later calls throw ModuleDisposedError. */
  dispose(): void {
    this.#native.dispose();
  }

  #scalarTypes(f: JitFunction): { params: ScalarType[]; returns: ScalarType[] } {
    if (f.notCallable !== undefined) throw new CallError(`${f.name} cannot be called from JavaScript: ${f.notCallable}`);
    const check = (types: readonly string[]): ScalarType[] =>
      types.map((ty) => {
        if (!isScalarType(ty)) throw new CallError(`${f.name}: type ${ty} cannot be passed from JavaScript`);
        return ty;
      });
    return { params: check(f.params), returns: check(f.returns) };
  }
}

/**
 * Compiles every function of `clifText` for this machine into one module; function references
 * (`fn0 = %other sig0`, `u0:1`) resolve to the module's functions by name. The text's `set`
 * lines apply (those of target line `target`), then `flags`. Throws ClifSyntaxError, VerifierError, SettingError, CompileError.
 */
export function jit(clifText: string, options: JitOptions = {}): JitModule {
  const valid = jitOptionsSchema.parse(options);
  const settings = toNativeSettings(valid.flags);
  return new JitModule(throughNative(() => addon().jit(clifText, settings, valid.target ?? null)));
}

/** Number of code ranges currently registered for trap handling (all live modules). */
export function registeredCodeRanges(): number {
  return z.number().int().nonnegative().parse(addon().registeredCodeRanges());
}
