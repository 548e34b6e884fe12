// The runtime's metering modes as the linking tests run them (slacked both without placement and
// with: the runtime's own), a module compiled for one of them, and an importer for import checks.
import { PINNED_FUEL_PIPELINE } from '../../src/runtime/metering.js';
import { compileWasm, type WasmModule } from '../../src/wasm/index.js';
import { wat } from './wat.js';

export const MODES = [
  { name: 'none', metering: 'none', pipeline: undefined },
  { name: 'vanilla', metering: 'vanilla', pipeline: undefined },
  { name: 'slacked', metering: 'slacked', pipeline: PINNED_FUEL_PIPELINE },
  { name: 'slacked-placed', metering: 'slacked', pipeline: undefined },
  { name: 'count', metering: 'count', pipeline: undefined },
] as const;
export type Mode = (typeof MODES)[number];

export async function compiled(bytes: Promise<Uint8Array>, mode: Mode): Promise<WasmModule> {
  return compileWasm(await bytes, mode.metering, undefined, mode.pipeline === undefined ? {} : { pipeline: mode.pipeline });
}

/** A module that only imports `lib.NAME` as `decl` (a WAT import description), for import checks. */
export function importing(name: string, decl: string, mode: Mode): Promise<WasmModule> {
  return compiled(wat(`(module (import "lib" "${name}" ${decl}))`), mode);
}
