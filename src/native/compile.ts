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

const compileTimingSchema = z.object({
  functions: z.number().int().nonnegative(),
  codeSize: z.number().nonnegative(),
  compileMs: z.number().nonnegative(),
  compileCpuMs: z.number().nonnegative().nullish(),
});

/** How long Cranelift alone took to compile a file's functions. */
export interface CompileTiming {
  readonly functions: number;
  /** Bytes of machine code. */
  readonly codeSize: number;
  /** Milliseconds in Cranelift's `Context::compile`, all functions together. */
  readonly compileMs: number;
  /** CPU milliseconds of the compiling thread in it, where the platform has a thread clock. */
  readonly compileCpuMs?: number;
}

/**
 * Compiles every function of `clifText` as an engine does and times Cranelift alone: the text
 * is parsed and verified first (not timed), then each function is compiled with the verifier
 * off and no disassembly, as Wasmtime compiles. The code is not returned.
 */
export function timeCompile(clifText: string, options: CompileOptions): CompileTiming {
  const valid = compileOptionsSchema.parse(options);
  const settings = toNativeSettings(valid.flags);
  const raw = compileTimingSchema.parse(throughNative(() => addon().timeCompile(clifText, valid.isa, valid.optLevel, settings)));
  return {
    functions: raw.functions,
    codeSize: raw.codeSize,
    compileMs: raw.compileMs,
    ...(raw.compileCpuMs === undefined || raw.compileCpuMs === null ? {} : { compileCpuMs: raw.compileCpuMs }),
  };
}

/** The ISA the JIT compiles for on this machine, or undefined if this host is unsupported. */
export function hostIsa(): Isa | undefined {
  const parsed = isaSchema.safeParse(addon().hostIsa());
  return parsed.success ? parsed.data : undefined;
}
