// run-wasm follows `wasmtime run`: options before the module, everything after it to the
// program; -W fuel=N is --fuel N; every metering mode runs, with one default; a budget with a
// mode that enforces none is refused.
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { runCli } from '../helpers/cli.js';
import { BENCH_MODE_SPECS, BENCH_MODES } from '../../src/bench/modes.js';
import { DEFAULT_METERING } from '../../src/cli/metering-option.js';

const hello = 'tests/fixtures/wasi/wasm/hello.wasm';
const argsEnv = 'tests/fixtures/wasi/wasm/args_env.wasm';
const scratch = mkdtempSync(join(tmpdir(), 'slackfuel-run-wasm-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

const reportSchema = z.object({ exitCode: z.number(), fuelConsumed: z.number().nullable(), error: z.string().nullable() });
function run(args: readonly string[]) {
  const path = join(scratch, `report-${Math.random().toString(36).slice(2)}.json`);
  const r = runCli(['run-wasm', '--report', path, ...args]);
  return { ...r, report: r.code === 2 ? null : reportSchema.parse(JSON.parse(readFileSync(path, 'utf8'))) };
}

test('every metering mode runs the program with the same output; the fuel modes agree with vanilla', (t) => {
  const vanilla = run(['--metering', 'vanilla', hello]);
  t.is(vanilla.code, 0, vanilla.stderr);
  t.true(vanilla.report!.fuelConsumed! > 0);
  for (const mode of BENCH_MODES) {
    const r = run(['--metering', mode, hello]);
    t.is(r.code, 0, `${mode}: ${r.stderr}`);
    t.is(r.stdout, vanilla.stdout, mode);
    const accounts = BENCH_MODE_SPECS[mode].accounts;
    t.is(r.report!.fuelConsumed, accounts ? vanilla.report!.fuelConsumed : null, mode);
  }
  const byDefault = run([hello]);
  t.is(byDefault.report!.fuelConsumed, vanilla.report!.fuelConsumed, `the default (${DEFAULT_METERING}) accounts fuel`);
  t.regex(runCli(['run-wasm', '--help']).stdout, new RegExp(`default ${DEFAULT_METERING}`));
});

test('--threads sets the translation threads: the same run whatever the number; a bad count is a usage error', (t) => {
  const reference = run(['--metering', 'slacked', '--no-cache', hello]);
  for (const n of ['1', '3']) {
    const r = run(['--metering', 'slacked', '--no-cache', '--threads', n, hello]);
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, reference.stdout);
    t.is(r.report!.fuelConsumed, reference.report!.fuelConsumed);
  }
  for (const bad of ['-1', 'two', '1.5']) t.is(runCli(['run-wasm', '--threads', bad, hello]).code, 2, bad);
  t.regex(runCli(['run-wasm', '--help']).stdout, /--threads N/);
});

test('everything after the module goes to the program, options included', (t) => {
  const r = runCli(['run-wasm', '--metering', 'none', argsEnv, 'one', '--metering', 'vanilla', '--', '-o', 'x']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /argc=7\n/);
  for (const [i, arg] of ['one', '--metering', 'vanilla', '--', '-o', 'x'].entries()) t.true(r.stdout.includes(`argv[${i + 1}]="${arg}"`), arg);
  // `--` before the module ends the options: a module name that starts with a dash still works.
  const dashed = runCli(['run-wasm', '--metering', 'none', '--', argsEnv, 'two']);
  t.regex(dashed.stdout, /argv\[1\]="two"/);
});

test('-W fuel=N is --fuel N; other -W keys map to their options or are refused', (t) => {
  const budget = run(['--metering', 'vanilla', '--fuel', '100', hello]);
  const w = run(['--metering', 'vanilla', '-W', 'fuel=100', hello]);
  const attached = run(['--metering', 'vanilla', '-Wfuel=100', hello]);
  for (const r of [budget, w, attached]) {
    t.is(r.code, 134);
    t.is(r.report!.error, 'OutOfFuel');
  }
  const enough = run(['--metering', 'slacked-placed', '-W', 'fuel=100000000,max-wasm-stack=1048576', hello]);
  t.is(enough.code, 0, enough.stderr);
  const unknown = runCli(['run-wasm', '-W', 'epoch-interruption=y', hello]);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /-W epoch-interruption: not supported/);
});

test('--fuel with a mode that enforces no budget is a usage error', (t) => {
  for (const mode of ['none', 'epoch', 'accounting', 'count']) {
    const r = runCli(['run-wasm', '--metering', mode, '--fuel', '1000', hello]);
    t.is(r.code, 2, mode);
    t.regex(r.stderr, new RegExp(`--fuel: --metering ${mode} .*no .*budget`), mode);
  }
});

test('--deterministic: a program reading the clocks and random_get prints and is charged the same on every run', (t) => {
  const clockRandom = 'tests/fixtures/wasi/wasm/clock_random.wasm';
  const [a, b] = [run(['--metering', 'vanilla', '--deterministic', clockRandom]), run(['--metering', 'vanilla', '--deterministic', clockRandom])];
  t.is(a.code, 0, a.stderr);
  t.regex(a.stdout, /monotonic clock never goes back: yes\n[^]*two draws differ: yes\n/);
  t.is(a.stdout, b.stdout);
  t.is(a.report!.fuelConsumed, b.report!.fuelConsumed);
  t.regex(runCli(['run-wasm', '--help']).stdout, /--deterministic/);
});

test('--preload NAME=FILE links a library into the program\'s store, as the wasmtime CLI does', async (t) => {
  const { parse } = await import('@bytecodealliance/jco');
  const write = async (name: string) => {
    const path = join(scratch, `${name}.wasm`);
    writeFileSync(path, await parse(readFileSync(`tests/fixtures/wasmtime/${name}.wat`, 'utf8')));
    return path;
  };
  const [lib, app] = [await write('wasi-lib'), await write('wasi-app')];
  const vanilla = run(['--metering', 'vanilla', '--preload', `lib=${lib}`, app]);
  t.is(vanilla.code, 52, vanilla.stderr);
  t.is(vanilla.stdout, 'hello from lib\nhello from app\nhello from lib\n');
  const slacked = run(['--metering', 'slacked-placed', '--preload', `lib=${lib}`, app]);
  t.is(slacked.code, 52, slacked.stderr);
  t.is(slacked.report!.fuelConsumed, vanilla.report!.fuelConsumed);
  const missing = runCli(['run-wasm', app]);
  t.not(missing.code, 0);
  t.regex(missing.stderr, /missing import lib\.hello/);
  const malformed = runCli(['run-wasm', '--preload', lib, app]);
  t.is(malformed.code, 2);
  t.regex(malformed.stderr, /--preload NAME=FILE\.wasm/);
});
