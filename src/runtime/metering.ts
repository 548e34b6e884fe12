// Metering modes and how each gets its CLIF from a Wasmtime-shaped input (design.md, "Slacked
// fuel semantics"):
//   vanilla — the input as is (counter in memory, inline checks calling the out-of-gas builtin);
//   slacked — fuel-pinned, fuel-drop-checks, fuel-place, fuel-counted-loops: counter in the
//             pinned register, no inline checks, increments placed where they run least and
//             counted loops charged once on entry, asynchronous checker, checks at boundaries;
//   count   — the slacked code without a checker (accounting only);
//   none    — fuel-strip: no instrumentation at all (the baseline);
//   epoch   — fuel-strip then epoch-insert (Wasmtime's epoch checks, for comparison).
import { z } from 'zod';
import type { FuelConvention } from '../abi/trampolines.js';
import type { Function } from '../ir/index.js';
import { PassManager } from '../passes/pass-manager.js';


export const meteringModeSchema = z.enum(['none', 'vanilla', 'slacked', 'count', 'epoch']);
export type MeteringMode = z.infer<typeof meteringModeSchema>;
export const METERING_MODES: readonly MeteringMode[] = meteringModeSchema.options;

/** The passes that turn Wasmtime's fuel into the pinned-register form, before any placement. */
export const PINNED_FUEL_PIPELINE = 'fuel-pinned,fuel-drop-checks';

/** Slacked metering without counted loops: one increment per iteration of every loop at least. */
export const UNCOUNTED_FUEL_PIPELINE = `${PINNED_FUEL_PIPELINE},fuel-place`;

/**
 * The pipeline of slacked and count: increments placed, then counted loops charged in bulk
 * (fuel-counted-loops; measured and fuzzed before it became the default, docs/results.md).
 */
export const SLACKED_FUEL_PIPELINE = `${UNCOUNTED_FUEL_PIPELINE},fuel-counted-loops`;

/** Where each mode keeps the counter at run time. */
export function fuelConvention(mode: MeteringMode): FuelConvention {
  return mode === 'slacked' || mode === 'count' ? 'pinned' : 'memory';
}

/** Whether the mode accounts fuel (reports fuelConsumed). */
export function accountsFuel(mode: MeteringMode): boolean {
  return mode === 'vanilla' || mode === 'slacked' || mode === 'count';
}

/** The default pipeline of a mode; slacked and count place their increments and count loops. */
export async function defaultPipeline(mode: MeteringMode): Promise<string> {
  switch (mode) {
    case 'vanilla':
      return '';
    case 'slacked':
    case 'count':
      return SLACKED_FUEL_PIPELINE;
    case 'none':
      return 'fuel-strip';
    case 'epoch':
      return 'fuel-strip,epoch-insert';
  }
}

/** Runs `pipeline` (empty: nothing) on each function in place. */
export async function applyPipeline(functions: readonly Function[], pipeline: string): Promise<void> {
  if (pipeline.trim() === '') return;
  const manager = PassManager.build(pipeline);
  for (const fn of functions) manager.run(fn);
}
