// translate(wasm, {metering}): the native front end (native/frontend) turns a wasm module into
// Wasmtime-shaped CLIF per function plus the metadata needed to instantiate it.
import { z } from 'zod';
import { DEFAULT_WASM_VMCTX_LAYOUT, wasmVmctxLayoutSchema, type WasmVmctxLayout } from '../abi/wasm-layout.js';
import { addon } from '../native/addon.js';
import { throughNative } from '../native/native-errors.js';
import { NativePanic, RuntimeConfigError } from '../runtime/errors.js';
import { translatedModuleSchema, wasmMeteringSchema, type TranslatedModule, type WasmMetering } from './schemas.js';

export const translateOptionsSchema = z
  .object({
    metering: wasmMeteringSchema.default('none'),
    /** Defaults to src/abi's DEFAULT_WASM_VMCTX_LAYOUT: the layout the runtime instantiates. */
    layout: wasmVmctxLayoutSchema.optional(),
    /** vanilla: charge bulk memory/table operations per byte/element (Wasmtime's dynamic cost). */
    dynamicBulkCost: z.boolean().default(true),
  })
  .strict();

export interface TranslateOptions {
  metering?: WasmMetering;
  layout?: WasmVmctxLayout;
  dynamicBulkCost?: boolean;
}

/**
 * Translates a binary wasm module. Throws TranslateError (`invalid`, `unsupported: <feature>`,
 * `invalid-options`) for modules it cannot translate, RuntimeConfigError for bad options.
 */
export function translate(wasm: Uint8Array, options: TranslateOptions = {}): TranslatedModule {
  const parsed = translateOptionsSchema.safeParse(options);
  if (!parsed.success) throw new RuntimeConfigError(`invalid translate options: ${z.prettifyError(parsed.error)}`);
  const { metering, dynamicBulkCost } = parsed.data;
  const layout = parsed.data.layout ?? DEFAULT_WASM_VMCTX_LAYOUT;
  const json = throughNative(() =>
    addon().translateWasm(wasm, JSON.stringify({ metering, dynamicBulkCost, layout })),
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
