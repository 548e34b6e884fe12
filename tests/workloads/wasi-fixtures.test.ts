// The front-end C fixtures run under node:wasi exactly as their committed expectations say.
import test from 'ava';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadWasiFixtureManifest, runUnderNodeWasi, wasiFixtureDataDir, wasiFixtureExpectedPath,
  wasiFixturesDir, wasiFixtureSourcePath, wasiFixtureWasmPath, wasmInterface,
} from './workloads.js';

const fixtures = loadWasiFixtureManifest();
const byName = new Map(fixtures.map((f) => [f.name, f]));

function runFixture(name: string, overrides: { args?: string[]; env?: Record<string, string> } = {}) {
  const fixture = byName.get(name);
  if (fixture === undefined) throw new Error(`no fixture ${name}`);
  return runUnderNodeWasi(wasiFixtureWasmPath(name), {
    args: overrides.args ?? fixture.args,
    env: overrides.env ?? fixture.env,
    dir: wasiFixtureDataDir,
  });
}

test('the manifest lists every C source, and each has its .wasm and expectations', (t) => {
  const sources = readdirSync(join(wasiFixturesDir, 'src')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2));
  t.deepEqual([...sources].sort(), fixtures.map((f) => f.name).sort());
  t.true(fixtures.length >= 6);
  for (const { name } of fixtures) {
    t.true(existsSync(wasiFixtureSourcePath(name)), name);
    t.true(existsSync(wasiFixtureWasmPath(name)), name);
    for (const kind of ['out', 'err', 'code'] as const) t.true(existsSync(wasiFixtureExpectedPath(name, kind)), `${name}.${kind}`);
  }
});

for (const fixture of fixtures) {
  test(`${fixture.name}: stdout, stderr and exit code match the expectations`, (t) => {
    const run = runFixture(fixture.name);
    t.is(run.stdout, readFileSync(wasiFixtureExpectedPath(fixture.name, 'out'), 'utf8'));
    t.is(run.stderr, readFileSync(wasiFixtureExpectedPath(fixture.name, 'err'), 'utf8'));
    t.is(run.exitCode, Number(readFileSync(wasiFixtureExpectedPath(fixture.name, 'code'), 'utf8')));
  });
}

test('every fixture imports only WASI preview1 functions', (t) => {
  for (const { name } of fixtures) {
    const { imports, exports } = wasmInterface(wasiFixtureWasmPath(name));
    for (const entry of imports) {
      t.is(entry.module, 'wasi_snapshot_preview1', `${name} imports ${entry.module}.${entry.name}`);
      t.is(entry.kind, 'function');
    }
    t.true(exports.some((e) => e.name === '_start' && e.kind === 'function'), name);
  }
});

test('exit_code ends with proc_exit(3) after flushing its output', (t) => {
  const run = runFixture('exit_code');
  t.is(run.exitCode, 3);
  t.regex(run.stdout, /value 2 is fine\n$/);
  t.regex(run.stderr, /exiting with 3/);
});

test('args_env reflects the arguments and environment it is given', (t) => {
  const run = runFixture('args_env', { args: ['x y'], env: { GREETING: 'bonjour' } });
  t.is(run.exitCode, 0);
  t.regex(run.stdout, /^argc=2$/m);
  t.regex(run.stdout, /^argv\[1\]="x y"$/m);
  t.regex(run.stdout, /^environ has 1 entries$/m);
  t.regex(run.stdout, /^getenv\(GREETING\)=bonjour$/m);
});

test('read_file reads the committed data directory', (t) => {
  const input = readFileSync(join(wasiFixtureDataDir, 'input.txt'), 'utf8');
  const run = runFixture('read_file');
  t.is(run.exitCode, 0);
  t.true(run.stdout.includes(`input.txt: ${Buffer.byteLength(input)} bytes, ${input.split('\n').length - 1} lines`));
  t.true(run.stdout.includes(`first line: ${input.split('\n')[0] ?? ''}\n`));
  t.regex(run.stdout, /numbers\.txt: size \d+, 10 numbers, sum 398/);
});

test('without a preopened directory read_file fails cleanly instead of reading', (t) => {
  const run = runUnderNodeWasi(wasiFixtureWasmPath('read_file'), { dir: null });
  t.is(run.exitCode, 1);
  t.regex(run.stdout, /^cannot open input\.txt: /);
});
