import { readFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import { packageFile } from '../package-file.js';
import { formatFunctionName, parse, print } from '../../ir/index.js';
import { verify } from '../../native/index.js';
import { checkFuel, formatFuelCheck } from '../../passes/fuel/check/index.js';
import { FUEL_ABI_FLAGS } from '../../abi/index.js';
import { applyPipeline, compareModes, defaultPipeline } from '../../runtime/index.js';
import type { HostFunction } from '../../runtime/index.js';
import { METERING_MODES } from '../../runtime/index.js';
import { runWasi, type WasiRunReport } from '../../wasi/index.js';


/** One line of a mode table: a CLIF run (compareModes) or a wasm program run (its last output line). */
interface Row {
  readonly mode: string;
  readonly results: readonly unknown[];
  readonly fuelConsumed: number | null;
  readonly medianMs: number;
  readonly ratioToNone: number;
}

function table(rows: readonly Row[]): string {
  const head = ['mode', 'results', 'fuel consumed', 'median time', 'vs none'];
  const body = rows.map((r) => [
    r.mode,
    r.results.map(String).join(', '),
    r.fuelConsumed === null ? '-' : String(r.fuelConsumed),
    `${r.medianMs.toFixed(3)} ms`,
    `${r.ratioToNone.toFixed(2)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n') + '\n';
}

function fuelAgreement(rows: readonly Row[]): string {
  const fuels = rows.filter((r) => r.fuelConsumed !== null).map((r) => `${r.mode} ${r.fuelConsumed}`);
  const distinct = new Set(rows.filter((r) => r.fuelConsumed !== null).map((r) => r.fuelConsumed));
  return distinct.size === 1 ? `equal fuel in every metered mode: ${fuels.join(', ')}\n` : `FUEL DIFFERS: ${fuels.join(', ')}\n`;
}

/** The bundled C program (bench/programs/interp.c, quick size): a switch-dispatch interpreter. */
const WASM_PROGRAM = { file: 'bench/wasm/interp.wasm', args: ['70000'] };
const WASM_ROUNDS = 3;

/** Runs the bundled wasm program in every metering mode, rounds interleaved, median region time. */
async function wasmModes(io: { out(text: string): void }): Promise<boolean> {
  const wasm = await readFile(packageFile(WASM_PROGRAM.file));
  const runs = new Map<string, { report: WasiRunReport; stdout: string; ms: number }[]>();
  for (let round = 0; round < WASM_ROUNDS; round++) {
    for (const mode of METERING_MODES) {
      const chunks: Uint8Array[] = [];
      const report = await runWasi(wasm, {
        metering: mode,
        fuel: 1e15,
        args: WASM_PROGRAM.args,
        programName: WASM_PROGRAM.file,
        stdout: (b) => void chunks.push(b),
        stderr: () => undefined,
      });
      const { start, end } = report.marks;
      const ms = start !== null && end !== null ? Number(end - start) / 1e6 : Number.NaN;
      const list = runs.get(mode) ?? [];
      list.push({ report, stdout: Buffer.concat(chunks).toString('utf8').trim(), ms });
      runs.set(mode, list);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const noneMs = median(runs.get('none')!.map((r) => r.ms));
  const rows = METERING_MODES.map((mode): Row => {
    const list = runs.get(mode)!;
    const ms = median(list.map((r) => r.ms));
    return { mode, results: [list[0]!.stdout.split('\n').at(-1) ?? ''], fuelConsumed: list[0]!.report.fuelConsumed, medianMs: ms, ratioToNone: ms / noneMs };
  });
  io.out(table(rows));
  io.out(fuelAgreement(rows));
  const outputs = new Set(METERING_MODES.flatMap((mode) => runs.get(mode)!.map((r) => `${r.report.exitCode}:${r.stdout}`)));
  return outputs.size === 1 && new Set(rows.filter((r) => r.fuelConsumed !== null).map((r) => r.fuelConsumed)).size === 1;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run the main job on the bundled Wasmtime-shaped examples',
  help: `Usage: slackfuel demo

Runs the main job end to end on the bundled examples:
  1. the Wasmtime-shaped CLIF (examples/wasmtime-fuel.clif) is parsed and printed
     canonically, exactly as Cranelift's writer prints it (the "before");
  2. the slacked fuel pipeline (fuel-pinned, fuel-drop-checks, and fuel-place when it is
     available) rewrites it; the "after" is printed, proven to charge the same fuel as the
     "before" on every path (checkFuel), and checked by Cranelift's verifier with the
     pinned register enabled;
  3. the function is compiled and run in every metering mode (none, vanilla, slacked,
     count, epoch) on the slackfuel runtime, calls interleaved across modes; a table shows
     the results, the fuel consumed (equal in every metered mode) and the median time of
     each mode relative to none;
  4. the same for examples/wasmtime-host-calls.clif, whose loop calls a host function;
  5. a bundled C program compiled to WebAssembly (bench/wasm/interp.wasm, a bytecode
     interpreter) is translated, rewritten and run under WASI in every metering mode:
     same output, same fuel in every metered mode, median time of the measured region.
Exit status: 0, or 1 if the proof or the verifier rejects the rewritten code, or the modes disagree.`,
  async run(argv, io) {
    if (argv.length > 0) {
      io.err(`demo takes no arguments\n`);
      return 2;
    }
    const text = await readFile(packageFile('examples/wasmtime-fuel.clif'), 'utf8');
    for (const fn of parse(text).functions) io.out(print(fn));

    let ok = true;
    const pipeline = await defaultPipeline('slacked');
    io.out(`\n== after the fuel passes (${pipeline}) ==\n`);
    const after = parse(text).functions;
    await applyPipeline(after, pipeline);
    const afterText = after.map((f) => print(f)).join('\n');
    io.out(afterText);
    const before = parse(text).functions;
    after.forEach((fn, i) => {
      const proof = checkFuel(before[i]!, fn);
      io.out(`checkFuel: ${formatFuelCheck(formatFunctionName(fn.name), proof)}`);
      ok &&= proof.ok;
    });
    const verdict = verify(afterText, FUEL_ABI_FLAGS);
    io.out(verdict.ok ? 'verifier: ok (enable_pinned_reg=true)\n' : `verifier: FAILED\n${verdict.errors.map((e) => `  ${e.message}`).join('\n')}\n`);
    ok &&= verdict.ok;

    const n = 10_000_000;
    io.out(`\n== u0:0(${n}) in every metering mode (budget 100000000; median of 9 interleaved calls) ==\n`);
    const rows = await compareModes(text, { fn: 'u0:0', args: [n], fuel: 100_000_000, repeats: 9 });
    io.out(table(rows));
    io.out(fuelAgreement(rows));
    ok &&= new Set(rows.map((r) => r.results.join())).size === 1 && new Set(rows.filter((r) => r.fuelConsumed !== null).map((r) => r.fuelConsumed)).size === 1;

    const hostText = await readFile(packageFile('examples/wasmtime-host-calls.clif'), 'utf8');
    const accumulate: HostFunction = (acc, i) => Number(acc) + Number(i);
    io.out(`\n== examples/wasmtime-host-calls.clif: u0:0(2000), one host call per iteration ==\n`);
    const hostRows = await compareModes(hostText, { fn: 'u0:0', args: [2000], fuel: 1_000_000, repeats: 5, imports: { accumulate } });
    io.out(table(hostRows));
    io.out(fuelAgreement(hostRows));
    ok &&= new Set(hostRows.filter((r) => r.fuelConsumed !== null).map((r) => r.fuelConsumed)).size === 1;

    io.out(`\n== ${WASM_PROGRAM.file} ${WASM_PROGRAM.args.join(' ')} (C compiled to wasm32-wasi) in every metering mode (median of ${WASM_ROUNDS} interleaved runs, measured region) ==\n`);
    ok &&= await wasmModes(io);
    return ok ? 0 : 1;
  },
};
