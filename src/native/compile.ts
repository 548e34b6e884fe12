// Ahead-of-time compilation for x86_64 or, as a cross target, aarch64.
import { z } from 'zod';
import { addon } from './addon.js';
import { throughNative } from './native-errors.js';
import { compiledFunctionsSchema } from './schemas.js';
import { settingsSchema, toNativeSettings } from './settings.js';

export const isaSchema = z.enum(['x86_64', 'aarch64']);
export type Isa = z.infer<typeof isaSchema>;

export const optLevelSchema = z.enum(['none', 'speed', 'speed_and_size']);
export type OptLevel = z.infer<typeof optLevelSchema>;

export const compileOptionsSchema = z.object({
  isa: isaSchema,
  optLevel: optLevelSchema.optional(),
  flags: settingsSchema.optional(),
});
export type CompileOptions = z.infer<typeof compileOptionsSchema>;

export interface CompiledFunction {
  /** As Cranelift prints it: `%name` or `u0:1`. */
  readonly name: string;
  readonly code: Uint8Array;
  readonly codeSize: number;
  /** Cranelift's VCode listing of the function (its own disassembly). */
  readonly disassembly: string;
}

/**
 * Compiles every function of `clifText`. The text's `set` lines apply, then `optLevel`, then
 * `flags` (shared or ISA-specific Cranelift settings; unknown names throw SettingError).
 */
export function compile(clifText: string, options: CompileOptions): CompiledFunction[] {
  const valid = compileOptionsSchema.parse(options);
  const settings = toNativeSettings(valid.flags);
  const raw = throughNative(() => addon().compile(clifText, valid.isa, valid.optLevel, settings));
  return compiledFunctionsSchema.parse(raw);
}

/** The ISA the JIT compiles for on this machine, or undefined if this host is unsupported. */
export function hostIsa(): Isa | undefined {
  const parsed = isaSchema.safeParse(addon().hostIsa());
  return parsed.success ? parsed.data : undefined;
}
