// The metering modes a command line names, the same in every command (run, run-wasm, wasm2clif,
// bench), with one default. Each is a runtime mode plus the fuel pipeline its CLIF goes through
// (src/bench/modes.ts). `slacked` is also accepted where a program is run or translated, with
// the runtime's meaning: slacked metering as the runtime does it, i.e. `slacked-placed`.
import { z } from 'zod';
import { BENCH_MODE_SPECS, BENCH_MODES, type BenchMode, type BenchModeSpec } from '../bench/modes.js';

export const METERING_OPTIONS = [...BENCH_MODES, 'slacked'] as const;
export type MeteringOption = (typeof METERING_OPTIONS)[number];

/** The default of every command that takes --metering: the mode this toolkit exists for. */
export const DEFAULT_METERING: MeteringOption = 'slacked-placed';

export const meteringOptionSchema = z.enum(METERING_OPTIONS, { error: `--metering takes one of ${METERING_OPTIONS.join(', ')}` });

/** What a mode compiles and runs: the runtime mode, and the pipeline replacing its default. */
export function meteringSpec(mode: MeteringOption): BenchModeSpec {
  return BENCH_MODE_SPECS[mode === 'slacked' ? 'slacked-placed' : mode];
}

/** Whether a `--fuel` budget means anything in the mode: the slacked ones (the checker) and
 *  vanilla with its inline checks; accounting (checks dropped) and count only count. */
export function enforcesBudget(mode: MeteringOption): boolean {
  const spec = meteringSpec(mode);
  return spec.metering === 'slacked' || (spec.metering === 'vanilla' && spec.pipeline === '');
}

/** The modes' help text, shared by every command's --help. */
export const METERING_MODES_HELP = `Metering modes (--metering MODE; default ${DEFAULT_METERING}):
  none            no instrumentation (the baseline)
  vanilla         Wasmtime's fuel: counter in memory, checks at entry and loop headers
  accounting      Wasmtime's counter in memory with no checks (vanilla + fuel-drop-checks):
                  fuel accounting only, no budget
  epoch           Wasmtime's epoch interruption (no fuel)
  slacked-unplaced
                  counter in the pinned register, increments where Wasmtime puts them
                  (fuel-pinned,fuel-drop-checks), asynchronous checker
  slacked-uncounted
                  slacked-unplaced plus fuel-place: increments moved to where they run least
                  (at least one per loop iteration)
  slacked-placed  slacked-uncounted plus fuel-counted-loops: counted loops charged once on
                  entry (a guarded copy of the loop without increments) where the function
                  spends its time
  slacked         the same as slacked-placed (the runtime's slacked mode)
  count           slacked-placed with no checker: fuel accounting only, no budget
  none-unhoisted  none with the memory base loaded where it is used, not hoisted out of
                  loops as every other mode does (Wasmtime's choice): an A/B variant
  slacked-unhoisted
                  slacked-placed with the memory base loaded where it is used (likewise)
  slacked-every-loop
                  slacked-placed with every counted loop versioned, hot or not
                  (fuel-counted-loops{max-hot-ratio=1e9}; the passes run in TypeScript):
                  an A/B variant of the rule that versions only where a function spends
                  its time
  none-pinned     none with the pinned register reserved (no counter in it): what taking
                  it from the register allocator costs, apart from the increments`;
