// `bench --suite third-party`: the real programs at their bench inputs, the generated cmark
// input and its removal, and the CLI's use of the flag.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runBench } from '../../src/bench/suite.js';
import { THIRD_PARTY_BENCH_NAMES, thirdPartyPrograms } from '../../src/bench/third-party.js';
import { THIRD_PARTY } from '../third-party/programs.js';
import { runCli } from '../helpers/cli.js';

const fixtures = fileURLToPath(new URL('../fixtures/third-party/', import.meta.url));

test('every bench program is one of the tested third-party programs', (t) => {
  const tested = new Set(THIRD_PARTY.map((p) => p.name));
  for (const name of THIRD_PARTY_BENCH_NAMES) t.true(tested.has(name), name);
});

test('cmark reads a generated input of copies of the fixture, removed by dispose', async (t) => {
  const doc = await readFile(join(fixtures, 'markdown/doc.md'), 'utf8');
  const suite = await thirdPartyPrograms(fixtures, true, new Set(['cmark', 'lz4']));
  const [lz4, cmark] = suite.programs;
  t.is(lz4!.name, 'lz4');
  t.is(lz4!.dir, null);
  t.deepEqual(lz4!.args, []);
  t.not(cmark!.dir, null);
  const input = await readFile(join(cmark!.dir!, 'doc.md'), 'utf8');
  t.is(input, `${doc}\n`.repeat(100));
  await suite.dispose();
  t.false(existsSync(cmark!.dir!));
});

test('the quick lz4 run charges the fuel Wasmtime charged at that input', async (t) => {
  const suite = await thirdPartyPrograms(fixtures, true, new Set(['lz4']));
  try {
    const report = await runBench(suite.programs, { modes: ['none', 'vanilla'], repeats: 1, quick: true, optLevel: 'speed', profile: false, progress: () => {} });
    t.true(report.benchmarks[0]!.modes.none!.medianMs > 0);
    // The recorded Wasmtime fuel of lz4 at the quick input, its default (tests/fixtures/third-party/wasmtime.json).
    t.is(report.benchmarks[0]!.modes.vanilla!.fuelConsumed, 282113059);
  } finally {
    await suite.dispose();
  }
});

test('CLI: --suite third-party runs and names its files; bad combinations are usage errors', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'sf-bench-tp-'));
  const r = runCli(['bench', '--suite', 'third-party', '--quick', '--only', 'lz4', '--modes', 'none', '--repeats', '1', '--no-profile', '--out', out]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /\| lz4 \|/);
  t.true((await readFile(join(out, 'third-party-quick.md'), 'utf8')).includes('| lz4 |'));
  t.is(runCli(['bench', '--suite', 'nope']).code, 2);
  t.is(runCli(['bench', '--suite', 'third-party', '--wasm', 'x.wasm']).code, 2);
  t.is(runCli(['bench', '--suite', 'third-party', '--only', 'nope']).code, 2);
  t.true(runCli(['bench', '--help']).stdout.includes('--suite NAME'));
});
