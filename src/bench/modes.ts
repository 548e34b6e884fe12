// The benchmark's metering modes: each is a runtime metering mode plus the fuel pipeline its
// CLIF goes through. The runtime's `slacked` default adds fuel-place and fuel-counted-loops to
// the pinned form; the benchmark separates the steps so each one's effect shows apart:
// `slacked-unplaced` is the runtime's `slacked` without either (increments where Wasmtime puts
// them), `slacked-uncounted` without fuel-counted-loops (fuel-place alone: one increment per
// loop iteration at least), and `slacked-placed` is the runtime's `slacked` as it is.
// `none-unhoisted` and `slacked-unhoisted` load the memory base where it is used instead of
// hoisting it out of loops as every mode does (Wasmtime's choice): an A/B of it within one run.
// `none-pinned` is `none` with the pinned register reserved: what taking it from the register
// allocator costs, apart from the increments. `slacked-every-loop` versions every counted loop, hot or not (fuel-counted-loops before
// `maxHotRatio`): the A/B of that rule.
import { z } from 'zod';
import { PINNED_FUEL_PIPELINE, SLACKED_FUEL_PIPELINE, UNCOUNTED_FUEL_PIPELINE, type MeteringMode } from '../runtime/metering.js';

export const BENCH_MODES = ['none', 'vanilla', 'accounting', 'epoch', 'slacked-unplaced', 'slacked-uncounted', 'slacked-placed', 'count', 'none-unhoisted', 'slacked-unhoisted', 'slacked-every-loop', 'none-pinned'] as const;
/** The A/B variants: measured only when `--modes` names them. */
export const AB_BENCH_MODES: readonly BenchMode[] = ['none-unhoisted', 'slacked-unhoisted', 'slacked-every-loop', 'none-pinned'];
/** What `bench` measures without `--modes`: every mode but the A/B variants. */
export const DEFAULT_BENCH_MODES = BENCH_MODES.filter((m) => !AB_BENCH_MODES.includes(m));
export const benchModeSchema = z.enum(BENCH_MODES);
export type BenchMode = z.infer<typeof benchModeSchema>;

export interface BenchModeSpec {
  /** The runtime mode: where the counter lives, whether a checker runs, whether fuel is reported. */
  readonly metering: MeteringMode;
  /** The fuel pipeline, replacing the runtime's default (undefined: the mode's own). */
  readonly pipeline: string | undefined;
  /** Whether the mode accounts fuel (its fuelConsumed must equal vanilla's). */
  readonly accounts: boolean;
  /** The instrumented variant that counts its increments ('' when it has none). */
  readonly increments: IncrementsKind | '';
  /** Load the memory base `can_move` (CompileWasmOptions.hoistMemoryBase); undefined: the runtime's default (true). */
  readonly hoistMemoryBase?: boolean;
  /** Reserve the pinned register though no counter lives in it (CompileWasmOptions.reservePinnedRegister). */
  readonly reservePinnedRegister?: boolean;
}

export { PINNED_FUEL_PIPELINE as PINNED_PIPELINE } from '../runtime/metering.js';
const PINNED = PINNED_FUEL_PIPELINE;
const UNCOUNTED = UNCOUNTED_FUEL_PIPELINE;
const PLACED = SLACKED_FUEL_PIPELINE;
/** fuel-counted-loops on every counted loop: no function's hottest block is 10^9 times its loop's header. */
const EVERY_LOOP = `${UNCOUNTED},fuel-counted-loops{max-hot-ratio=1e9}`;

/** Which placement an instrumented run counts the increments of. */
export const INCREMENTS_KINDS = ['as-wasmtime', 'uncounted', 'placed', 'every-loop'] as const;
export type IncrementsKind = (typeof INCREMENTS_KINDS)[number];

export const BENCH_MODE_SPECS: Readonly<Record<BenchMode, BenchModeSpec>> = {
  none: { metering: 'none', pipeline: undefined, accounts: false, increments: '' },
  vanilla: { metering: 'vanilla', pipeline: '', accounts: true, increments: 'as-wasmtime' },
  accounting: { metering: 'vanilla', pipeline: 'fuel-drop-checks', accounts: true, increments: 'as-wasmtime' },
  epoch: { metering: 'epoch', pipeline: undefined, accounts: false, increments: '' },
  'slacked-unplaced': { metering: 'slacked', pipeline: PINNED, accounts: true, increments: 'as-wasmtime' },
  'slacked-uncounted': { metering: 'slacked', pipeline: UNCOUNTED, accounts: true, increments: 'uncounted' },
  'slacked-placed': { metering: 'slacked', pipeline: PLACED, accounts: true, increments: 'placed' },
  count: { metering: 'count', pipeline: PLACED, accounts: true, increments: 'placed' },
  'none-unhoisted': { metering: 'none', pipeline: undefined, accounts: false, increments: '', hoistMemoryBase: false },
  'slacked-unhoisted': { metering: 'slacked', pipeline: PLACED, accounts: true, increments: 'placed', hoistMemoryBase: false },
  'slacked-every-loop': { metering: 'slacked', pipeline: EVERY_LOOP, accounts: true, increments: 'every-loop' },
  'none-pinned': { metering: 'none', pipeline: undefined, accounts: false, increments: '', reservePinnedRegister: true },
};

/** The compile options a mode's spec adds to its pipeline. */
export function specCompileOptions(spec: BenchModeSpec): { pipeline?: string; hoistMemoryBase?: boolean; reservePinnedRegister?: boolean } {
  return {
    ...(spec.pipeline === undefined ? {} : { pipeline: spec.pipeline }),
    ...(spec.hoistMemoryBase === undefined ? {} : { hoistMemoryBase: spec.hoistMemoryBase }),
    ...(spec.reservePinnedRegister === undefined ? {} : { reservePinnedRegister: spec.reservePinnedRegister }),
  };
}

/** Pipelines of the instrumented runs: each increment adds 1, so fuel = increments executed. */
export const INCREMENT_PIPELINES = {
  'as-wasmtime': `${PINNED},fuel-unit-increments`,
  uncounted: `${UNCOUNTED},fuel-unit-increments`,
  placed: `${PLACED},fuel-unit-increments`,
  'every-loop': `${EVERY_LOOP},fuel-unit-increments`,
} as const;

/** Parses `--modes a,b,c`: known names, no duplicates; `none` and `vanilla` are always measured. */
export function parseModes(list: string): BenchMode[] {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const modes = z.array(benchModeSchema).min(1).parse(names);
  const wanted = new Set<BenchMode>(['none', 'vanilla', ...modes]);
  return BENCH_MODES.filter((m) => wanted.has(m));
}
