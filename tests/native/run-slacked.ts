// Runs a built-in program in slacked mode through the Rust passes or the TypeScript ones, for
// tests that compare the two end to end (output, fuel, exit code).
import type { BenchProgram } from '../../src/bench/suite.js';
import { runWasi } from '../../src/wasi/index.js';

export interface SlackedRun {
  readonly out: string;
  readonly fuel: number | null;
  readonly exit: number;
}

export async function runSlacked(program: BenchProgram, nativePasses: boolean): Promise<SlackedRun> {
  let out = '';
  const report = await runWasi(program.wasm, {
    metering: 'slacked',
    args: [...program.args],
    nativePasses,
    stdout: (b) => (out += new TextDecoder().decode(b)),
    stderr: () => {},
    checkIntervalMs: false,
  });
  return { out, fuel: report.fuelConsumed, exit: report.exitCode };
}
