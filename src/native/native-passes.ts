// The Rust fuel passes (native/src/fuel_passes, native/src/fuel_place): fuel-pinned, fuel-drop-checks, fuel-place and fuel-counted-loops run on
// Cranelift's own `ir::Function` inside the addon, the TypeScript passes being the reference.
import { z } from 'zod';
import { addon } from './addon.js';
import { throughNative } from './native-errors.js';

/** The passes the native pipeline has, by their pipeline names. */
export const NATIVE_PASS_NAMES = ['fuel-pinned', 'fuel-drop-checks', 'fuel-place', 'fuel-counted-loops'] as const;

export const nativePipelineSchema = z
  .string()
  .refine(
    (text) => text.split(',').every((name) => name.trim() === '' || (NATIVE_PASS_NAMES as readonly string[]).includes(name.trim())),
    { message: `a native pipeline lists only ${NATIVE_PASS_NAMES.join(', ')} (without options)` },
  );

const outputSchema = z.object({
  functions: z.array(z.string()),
  /** Milliseconds in the passes alone (parse and print excluded). */
  passMs: z.number().nonnegative(),
  /** The same in CPU time of the addon's thread (steadier on a loaded machine); null where unavailable. */
  passCpuMs: z
    .number()
    .nonnegative()
    .nullish()
    .transform((v) => v ?? null),
  /** Increments moved to the pinned register, observed calls flushed around, checks removed. */
  increments: z.number().int().nonnegative(),
  flushedCalls: z.number().int().nonnegative(),
  droppedChecks: z.number().int().nonnegative(),
});
export type NativePassesOutput = z.infer<typeof outputSchema>;

/**
 * Runs `pipeline` (e.g. `fuel-pinned,fuel-drop-checks`) natively on every function of
 * `clifText`; each function printed by Cranelift's writer. A function a pass refuses throws
 * `NativePassError`.
 */
export function runNativePasses(clifText: string, pipeline: string): NativePassesOutput {
  const checked = nativePipelineSchema.parse(pipeline);
  return outputSchema.parse(throughNative(() => addon().runNativePasses(clifText, checked)));
}
