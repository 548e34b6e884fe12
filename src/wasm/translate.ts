// translate(wasm, {metering}): the native front end (native/frontend) turns a wasm module into
// Wasmtime-shaped CLIF per function plus the metadata needed to instantiate it.
import { z } from 'zod';
import { DEFAULT_WASM_VMCTX_LAYOUT, wasmVmctxLayoutSchema, type WasmVmctxLayout } from '../abi/wasm-layout.js';
import { addon } from '../native/addon.js';
import { throughNative } from '../native/native-errors.js';
import { NativePanic, RuntimeConfigError } from '../runtime/errors.js';
import { nativePipelineSchema } from '../native/native-passes.js';
import { fuelCostsSchema, type FuelCosts } from './fuel-costs.js';
import { translatedModuleSchema, wasmMeteringSchema, type TranslatedModule, type WasmMetering } from './schemas.js';

/**
 * How linear memory is laid out, as Wasmtime's `memory_reservation` / `memory_guard_size`: with
 * the full 4 GiB reserved, accesses whose static `offset + size` fit the guard carry no bounds
 * check (the hardware faults instead); a smaller reservation checks every access explicitly.
 * The code and the instance must agree, so this is fixed when a module is compiled.
 */
export const memoryConfigSchema = z.object({
  memoryReservation: z.number().int().nonnegative().max(2 ** 32).default(2 ** 32),
  memoryGuardSize: z.number().int().nonnegative().max(2 ** 31).multipleOf(65536).default(32 * 2 ** 20),
});
export type MemoryConfig = z.output<typeof memoryConfigSchema>;

/** The guard the code relies on: bytes behind a full 4 GiB reservation, or null (explicit checks). */
export function guardBytes(config: MemoryConfig): number | null {
  return config.memoryReservation >= 2 ** 32 ? config.memoryGuardSize : null;
}

/** Threads that translate the function bodies: 0 takes the machine's cores, up to 8. */
export const translateThreadsSchema = z.number().int().nonnegative().max(256);

export const translateOptionsSchema = z
  .object({
    metering: wasmMeteringSchema.default('none'),
    /** Defaults to src/abi's DEFAULT_WASM_VMCTX_LAYOUT: the layout the runtime instantiates. */
    layout: wasmVmctxLayoutSchema.optional(),
    /** vanilla: charge bulk memory/table operations per byte/element (Wasmtime's dynamic cost). */
    dynamicBulkCost: z.boolean().default(true),
    /** Wasmtime's `relaxed_simd_deterministic` (default false): relaxed SIMD operators lower to
     *  their deterministic form instead of the x86 instruction Wasmtime picks on this host. */
    relaxedSimdDeterministic: z.boolean().default(false),
    /** vanilla: the fuel each operator costs (Wasmtime's operator_cost; default Wasmtime's table). */
    fuelCosts: fuelCostsSchema.default({}),
    /** Rust fuel passes run on each function before it is printed (`fuel-pinned,fuel-drop-checks`). */
    nativePasses: nativePipelineSchema.optional(),
    /** Threads that translate the function bodies: 0 takes the machine's cores, up to 8. The
     *  text is the same whatever the number (the bodies are independent). */
    threads: translateThreadsSchema.default(0),
    /** Load memory bases `readonly can_move`, as Wasmtime does, so Cranelift hoists them out of
     *  loops (default false here: plain `readonly` loads where used; compileWasm turns it on). */
    hoistMemoryBase: z.boolean().default(false),
    ...memoryConfigSchema.shape,
  })
  .strict();

export interface TranslateOptions {
  metering?: WasmMetering;
  layout?: WasmVmctxLayout;
  dynamicBulkCost?: boolean;
  relaxedSimdDeterministic?: boolean;
  fuelCosts?: FuelCosts;
  memoryReservation?: number;
  memoryGuardSize?: number;
  nativePasses?: string;
  threads?: number;
  hoistMemoryBase?: boolean;
}

/**
 * Translates a binary wasm module. Throws TranslateError (`invalid`, `unsupported: <feature>`,
 * `invalid-options`) for modules it cannot translate, RuntimeConfigError for bad options.
 */
export function translate(wasm: Uint8Array, options: TranslateOptions = {}): TranslatedModule {
  // Checked here: past this point napi reports only "Failed to get Buffer pointer and length"
  // (a Promise of the bytes, from an async assembler, is the usual cause).
  if (!(wasm instanceof Uint8Array)) {
    throw new TypeError(`translate expects the module's bytes as a Uint8Array, got ${Object.prototype.toString.call(wasm)}`);
  }
  const parsed = translateOptionsSchema.safeParse(options);
  if (!parsed.success) throw new RuntimeConfigError(`invalid translate options: ${z.prettifyError(parsed.error)}`);
  const { metering, dynamicBulkCost, relaxedSimdDeterministic, fuelCosts, memoryReservation, memoryGuardSize, nativePasses, threads, hoistMemoryBase } = parsed.data;
  const layout = parsed.data.layout ?? DEFAULT_WASM_VMCTX_LAYOUT;
  const json = throughNative(() =>
    addon().translateWasm(
      wasm,
      JSON.stringify({ metering, dynamicBulkCost, relaxedSimdDeterministic, fuelCosts, layout, memoryReservation, memoryGuardSize, threads, hoistMemoryBase }),
      nativePasses === undefined || nativePasses.trim() === '' ? undefined : nativePasses,
    ),
  );
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new NativePanic('the front end returned unreadable JSON');
  }
  const result = translatedModuleSchema.safeParse(raw);
  if (!result.success) throw new NativePanic(`the front end returned malformed metadata: ${z.prettifyError(result.error)}`);
  return result.data;
}

/** The CLIF of every defined function, as one text (what `wasm2clif` prints). */
export function clifText(module: TranslatedModule): string {
  return module.functions.map((f) => f.clif.trimEnd()).join('\n\n') + '\n';
}
