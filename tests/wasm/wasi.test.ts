// The C fixture programs (tests/fixtures/wasi) under slackfuel's WASI, in every metering mode:
// the same stdout, stderr and exit code as under node:wasi, and identical fuel across vanilla,
// slacked and count.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { METERING_MODES } from '../../src/runtime/metering.js';
import { runWasi, type WasiRunReport } from '../../src/wasi/index.js';
import { runCli } from '../helpers/cli.js';
import {
  loadWasiFixtureManifest,
  runUnderNodeWasi,
  wasiFixtureDataDir,
  wasiFixtureExpectedPath,
  wasiFixtureWasmPath,
  type WasiFixture,
} from '../workloads/workloads.js';

/** The same bytes on every run (xorshift32): clock_random's memcmp loops end where the bytes decide. */
function seededRandom(): (bytes: Uint8Array) => void {
  let x = 0x9e3779b9;
  return (bytes) => {
    for (let i = 0; i < bytes.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
  };
}

async function run(p: WasiFixture, metering: (typeof METERING_MODES)[number], fuel?: number): Promise<WasiRunReport & { stdout: string; stderr: string }> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const report = await runWasi(readFileSync(wasiFixtureWasmPath(p.name)), {
    metering,
    ...(fuel === undefined ? {} : { fuel }),
    args: p.args,
    env: p.env,
    programName: `${p.name}.wasm`,
    dir: wasiFixtureDataDir,
    stdout: (b) => out.push(b),
    stderr: (b) => err.push(b),
    // Identical fuel across modes needs identical control flow, so the same random bytes.
    random: seededRandom(),
  });
  return { ...report, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

// clock_random checks that time() is within a second of the realtime clock it read just before,
// across a host call. Tests of one file share an event loop, and a sibling's synchronous
// compile can hold a host call that long, so that one runs alone (serial tests go first).
const ALONE = new Set(['clock_random']);

for (const p of loadWasiFixtureManifest()) {
  (ALONE.has(p.name) ? test.serial : test)(`${p.name}: the same output and exit code as node:wasi in every metering mode, identical fuel`, async (t) => {
    const expected = {
      stdout: readFileSync(wasiFixtureExpectedPath(p.name, 'out'), 'utf8'),
      stderr: readFileSync(wasiFixtureExpectedPath(p.name, 'err'), 'utf8'),
      exitCode: Number(readFileSync(wasiFixtureExpectedPath(p.name, 'code'), 'utf8').trim()),
    };
    const fuel = new Map<string, number | null>();
    for (const metering of METERING_MODES) {
      const r = await run(p, metering);
      t.deepEqual({ stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode }, expected, metering);
      t.is(r.error, null, metering);
      fuel.set(metering, r.fuelConsumed);
    }
    const vanilla = fuel.get('vanilla');
    t.true(typeof vanilla === 'number' && vanilla > 0);
    t.is(fuel.get('slacked'), vanilla);
    t.is(fuel.get('count'), vanilla);
    t.is(fuel.get('none'), null);
    t.is(fuel.get('epoch'), null);
  });
}

test('read_file and args_env agree with a live node:wasi run', async (t) => {
  for (const p of loadWasiFixtureManifest().filter((x) => x.name === 'read_file' || x.name === 'args_env')) {
    const node = runUnderNodeWasi(wasiFixtureWasmPath(p.name), { args: p.args, env: p.env, dir: wasiFixtureDataDir });
    const ours = await run(p, 'slacked');
    t.deepEqual({ stdout: ours.stdout, stderr: ours.stderr, exitCode: ours.exitCode }, { stdout: node.stdout, stderr: node.stderr, exitCode: node.exitCode }, p.name);
  }
});

test('a budget below the cost ends in OutOfFuel with no further output, in vanilla and slacked', async (t) => {
  const p = loadWasiFixtureManifest().find((x) => x.name === 'malloc_grow')!;
  const full = await run(p, 'count');
  for (const metering of ['vanilla', 'slacked'] as const) {
    const r = await run(p, metering, Math.floor(full.fuelConsumed! / 2));
    t.is(r.error, 'OutOfFuel', metering);
    t.is(r.exitCode, 134);
    t.true(full.stdout.startsWith(r.stdout));
    t.not(r.stdout, full.stdout);
  }
});

test('run-wasm: output passes through, the exit code is the program\'s, --report writes the summary', (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'slackfuel-run-wasm-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  const reportPath = join(scratch, 'report.json');
  const exit = runCli(['run-wasm', '--metering', 'slacked', '--report', reportPath, 'tests/fixtures/wasi/wasm/exit_code.wasm']);
  t.is(exit.code, 3, exit.stderr);
  t.is(exit.stdout, readFileSync(wasiFixtureExpectedPath('exit_code', 'out'), 'utf8'));
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { exitCode: number; fuelConsumed: number; error: null };
  t.is(report.exitCode, 3);
  t.true(report.fuelConsumed > 0);
  t.is(report.error, null);
  const args = runCli(['run-wasm', '--metering', 'none', '--env', 'GREETING=hi', wasiFixtureWasmPath('args_env'), 'one', '--flag']);
  t.is(args.code, 0, args.stderr);
  t.true(args.stdout.includes('argv[2]="--flag"'));
  t.true(args.stdout.includes('getenv(GREETING)=hi'));
  const starved = runCli(['run-wasm', '--metering', 'vanilla', '--fuel', '10', '--report', reportPath, wasiFixtureWasmPath('hello')]);
  t.is(starved.code, 134);
  t.deepEqual(JSON.parse(readFileSync(reportPath, 'utf8')), { exitCode: 134, fuelConsumed: null, error: 'OutOfFuel' });
  t.regex(starved.stderr, /OutOfFuel/);
  const usage = runCli(['run-wasm', '--metering', 'turbo', 'x.wasm']);
  t.is(usage.code, 2);
});
