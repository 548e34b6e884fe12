// Engine → Module → Instance. The engine holds what every module shares: Cranelift flags (the
// pinned register is always reserved, so every mode is compiled with the same flags) and the
// vmctx layout. A module is one CLIF file prepared for one metering mode; an instance runs it.
import { z } from 'zod';
import { DEFAULT_VMCTX_LAYOUT, FUEL_ABI_FLAGS, vmctxLayoutSchema, type VmctxLayout } from '../abi/index.js';
import { parse, type Function } from '../ir/index.js';
import { settingsSchema, type Settings } from '../native/settings.js';
import { assemble } from './assemble.js';
import { applyPipeline, defaultPipeline, fuelConvention, meteringModeSchema, type MeteringMode } from './metering.js';
import { Module } from './module.js';

export const engineOptionsSchema = z
  .object({
    /**
     * Extra Cranelift settings. `enable_pinned_reg` is always on; `opt_level` defaults to
     * `speed`, as in Wasmtime (`{ opt_level: 'none' }` compiles faster, runs slower).
     */
    flags: settingsSchema.optional(),
    layout: vmctxLayoutSchema.optional(),
  })
  .strict();
export type EngineOptions = z.input<typeof engineOptionsSchema>;

export const compileOptionsSchema = z
  .object({
    metering: meteringModeSchema,
    /** A pipeline replacing the mode's default (e.g. `fuel-pinned,fuel-drop-checks,fuel-place`). */
    passes: z.string().optional(),
    /** Reserve the pinned register though no counter lives in it (an A/B: `none-pinned`). */
    reservePinnedRegister: z.boolean().default(false),
  })
  .strict();
export type CompileOptions = z.input<typeof compileOptionsSchema>;

export class Engine {
  readonly flags: Settings;
  readonly layout: VmctxLayout;

  constructor(options: EngineOptions = {}) {
    const o = engineOptionsSchema.parse(options);
    this.flags = { opt_level: 'speed', ...(o.flags ?? {}), ...FUEL_ABI_FLAGS };
    this.layout = o.layout ?? DEFAULT_VMCTX_LAYOUT;
  }

  /**
   * Prepares Wasmtime-shaped CLIF for a metering mode: parses it, runs the mode's pipeline
   * (or `passes`), and adds trampolines and builtins. Compilation happens per instance.
   */
  async compile(clifText: string, options: CompileOptions): Promise<Module> {
    const o = compileOptionsSchema.parse(options);
    const mode: MeteringMode = o.metering;
    const functions: Function[] = parse(clifText).functions;
    const pipeline = o.passes ?? (await defaultPipeline(mode));
    await applyPipeline(functions, pipeline);
    const assembled = assemble(functions, fuelConvention(mode), this.layout);
    return new Module(this, mode, pipeline, functions, assembled, undefined, o.reservePinnedRegister);
  }
}
