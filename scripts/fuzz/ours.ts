// Running one exported function of a module under our metering modes, as the reference runner
// does under Wasmtime: a fresh instance per call, values as strings of their bits.
import { compileWasm, type WasmModule } from '../../src/wasm/instance.js';
import { WasmTrap } from '../../src/wasm/trap-kinds.js';
import { OutOfFuel, SlackfuelError, TranslateError } from '../../src/runtime/errors.js';
import { UNCOUNTED_FUEL_PIPELINE, type MeteringMode } from '../../src/runtime/metering.js';
import type { ClifValue } from '../../src/native/values.js';
import type { FuelCosts } from '../../src/wasm/fuel-costs.js';
import { FUZZ_MAX_MEMORY_BYTES } from './runner.js';
import type { Function } from '../../src/ir/index.js';
import type { NumericType, Outcome } from './outcome.js';

export const OUR_MODES = ['none', 'vanilla', 'slacked', 'uncounted', 'count', 'count-uncounted'] as const;
export type OurMode = (typeof OUR_MODES)[number];

/**
 * How each of our modes is compiled: a runtime metering mode and, where it is not the mode's
 * default, the fuel pipeline. `uncounted` is slacked without fuel-counted-loops (the bench's
 * `slacked-uncounted`), checked by the same rules as `slacked`; `count-uncounted` is its code
 * with no budget, whose counter at a trap says whether that code had spent the budget there.
 */
const MODE_SPECS: Record<OurMode, { metering: MeteringMode; pipeline?: string }> = {
  none: { metering: 'none' },
  vanilla: { metering: 'vanilla' },
  slacked: { metering: 'slacked' },
  uncounted: { metering: 'slacked', pipeline: UNCOUNTED_FUEL_PIPELINE },
  count: { metering: 'count' },
  'count-uncounted': { metering: 'count', pipeline: UNCOUNTED_FUEL_PIPELINE },
};

const scratch = new DataView(new ArrayBuffer(8));

export function toClif(type: NumericType, text: string): ClifValue {
  switch (type) {
    case 'i32':
      return Number(BigInt.asIntN(32, BigInt(text)));
    case 'i64':
      return BigInt.asIntN(64, BigInt(text));
    case 'f32':
      scratch.setUint32(0, Number(text));
      return scratch.getFloat32(0);
    case 'f64':
      scratch.setBigUint64(0, BigInt(text));
      return scratch.getFloat64(0);
  }
}

export function fromClif(type: NumericType, value: ClifValue): string {
  switch (type) {
    case 'i32':
      return BigInt.asIntN(32, BigInt(value)).toString();
    case 'i64':
      return BigInt.asIntN(64, BigInt(value)).toString();
    case 'f32':
      scratch.setFloat32(0, Number(value));
      return scratch.getUint32(0).toString();
    case 'f64':
      scratch.setFloat64(0, Number(value));
      return scratch.getBigUint64(0).toString();
  }
}

/** Per mode, a look at the CLIF after the mode's pipeline (e.g. to count versioned loops). */
export type CompileObserver = Partial<Record<OurMode, (functions: readonly Function[]) => void>>;

/** A module compiled in each of our modes, or why it could not be. */
export type Compiled = { modules: Record<OurMode, WasmModule> } | { refused: TranslateError } | { error: string };

export async function compileAll(wasm: Uint8Array, fuelCosts?: FuelCosts, observe: CompileObserver = {}): Promise<Compiled> {
  try {
    const modules = {} as Record<OurMode, WasmModule>;
    for (const mode of OUR_MODES) {
      const { metering, pipeline } = MODE_SPECS[mode];
      const transform = observe[mode];
      modules[mode] = await compileWasm(wasm, metering, undefined, {
        ...(fuelCosts === undefined ? {} : { fuelCosts }),
        ...(pipeline === undefined ? {} : { pipeline }),
        ...(transform === undefined ? {} : { transform }),
      });
    }
    return { modules };
  } catch (error) {
    if (error instanceof TranslateError) return { refused: error };
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

export interface Signature {
  readonly name: string;
  readonly params: readonly NumericType[];
  readonly results: readonly NumericType[];
}

/**
 * One call on a fresh instance. `fuel` is the budget (vanilla, slacked; count runs unbounded,
 * none unmetered). A call that takes longer than `timeoutMs` is disposed and reported as an error.
 */
export async function callOurs(module: WasmModule, f: Signature, args: readonly string[], fuel: number, timeoutMs = 20_000): Promise<Outcome> {
  let instance;
  try {
    instance = await module.instantiate({ checkIntervalMs: module.metering === 'slacked' ? 1 : false, limits: { maxMemoryBytes: FUZZ_MAX_MEMORY_BYTES } });
  } catch (error) {
    return asOutcome(error);
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const call = instance.call(
      f.name,
      f.params.map((t, i) => toClif(t, args[i]!)),
      module.metering === 'vanilla' || module.metering === 'slacked' ? { fuel, resultBits: true } : { resultBits: true },
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    });
    const r = await Promise.race([call, timeout]);
    // Floats by their bits as stored: a JavaScript number would quiet a signalling f32 NaN.
    const results = f.results.map((t, i) => (t === 'f32' || t === 'f64' ? r.resultBits![i]!.toString() : fromClif(t, r.results[i]!)));
    return { kind: 'ok', results, fuel: r.fuelConsumed };
  } catch (error) {
    return asOutcome(error);
  } finally {
    clearTimeout(timer);
    instance.dispose();
  }
}

function asOutcome(error: unknown): Outcome {
  if (error instanceof OutOfFuel) return { kind: 'oof' };
  if (error instanceof WasmTrap) return { kind: 'trap', trap: error.kind, fuel: error.fuelConsumed };
  if (error instanceof SlackfuelError) return { kind: 'error', message: `${error.name}: ${error.message}` };
  return { kind: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
