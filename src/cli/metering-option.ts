// The metering modes a command line names, the same seven in every command (run, run-wasm,
// wasm2clif, bench), with one default. Each is a runtime mode plus the fuel pipeline its CLIF
// goes through (src/bench/modes.ts), so `slacked` means the same thing wherever it is typed.
import { z } from 'zod';
import { BENCH_MODE_SPECS, BENCH_MODES, type BenchMode, type BenchModeSpec } from '../bench/modes.js';

export type MeteringOption = BenchMode;

/** The default of every command that takes --metering: the mode this toolkit exists for. */
export const DEFAULT_METERING: MeteringOption = 'slacked-placed';

export const meteringOptionSchema = z.enum(BENCH_MODES, { error: `--metering takes one of ${BENCH_MODES.join(', ')}` });

/** What a mode compiles and runs: the runtime mode, and the pipeline replacing its default. */
export function meteringSpec(mode: MeteringOption): BenchModeSpec {
  return BENCH_MODE_SPECS[mode];
}

/** Whether a `--fuel` budget means anything in the mode: accounting and count only count. */
export function enforcesBudget(mode: MeteringOption): boolean {
  return mode === 'vanilla' || mode === 'slacked' || mode === 'slacked-placed';
}

/** The modes' help text, shared by every command's --help. */
export const METERING_MODES_HELP = `Metering modes (--metering MODE; default ${DEFAULT_METERING}):
  none            no instrumentation (the baseline)
  vanilla         Wasmtime's fuel: counter in memory, checks at entry and loop headers
  accounting      Wasmtime's counter in memory with no checks (vanilla + fuel-drop-checks):
                  fuel accounting only, no budget
  epoch           Wasmtime's epoch interruption (no fuel)
  slacked         counter in the pinned register, increments where Wasmtime puts them
                  (fuel-pinned,fuel-drop-checks), asynchronous checker
  slacked-placed  slacked plus fuel-place: increments moved to where they run least
  count           slacked-placed with no checker: fuel accounting only, no budget`;
