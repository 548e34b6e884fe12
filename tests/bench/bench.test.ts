// The benchmark: the increment counter on a function whose count is known, the quick suite on
// two programs (outputs and fuel agree across modes), the JSON shape, the table and the chart.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parseModes, BENCH_MODES } from '../../src/bench/modes.js';
import { benchJsonSchema, markdownReport, svgChart, toJson } from '../../src/bench/report.js';
import { BenchMismatch, builtinPrograms, geometricMean, runBench, type BenchReport } from '../../src/bench/suite.js';
import { registerUnitIncrements } from '../../src/bench/unit-increments.js';
import { Engine } from '../../src/runtime/index.js';
import { runCli } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const benchDir = join(root, 'bench');

// Wasmtime's increments in examples/wasmtime-fuel.clif: 1 at entry, 6 per iteration, 2 at exit.
test('the instrumented run counts the increments executed', async (t) => {
  registerUnitIncrements();
  const text = await readFile(join(root, 'examples/wasmtime-fuel.clif'), 'utf8');
  const engine = new Engine();
  const run = async (passes: string, metering: 'count' | 'vanilla', n: number) => {
    const instance = (await engine.compile(text, { metering, passes })).instantiate();
    try {
      return (await instance.call('u0:0', [n])).fuelConsumed;
    } finally {
      instance.dispose();
    }
  };
  for (const n of [1, 10, 1000]) {
    t.is(await run('', 'vanilla', n), 6 * n + 3, 'the fuel itself');
    t.is(await run('fuel-pinned,fuel-drop-checks,fuel-unit-increments', 'count', n), n + 2, 'as Wasmtime places them');
    const placed = await run('fuel-pinned,fuel-drop-checks,fuel-place,fuel-unit-increments', 'count', n);
    // One increment per iteration is the least any placement can do (the loop is a cycle).
    t.true(placed !== null && placed >= n && placed <= n + 2, `placed: ${placed}`);
  }
});

test('modes parse, none and vanilla always included', (t) => {
  t.deepEqual(parseModes('slacked-placed'), ['none', 'vanilla', 'slacked-placed']);
  t.deepEqual(parseModes(BENCH_MODES.join(',')), [...BENCH_MODES]);
  t.throws(() => parseModes('fast'));
  // The bench's pinned-but-unplaced mode is not the runtime's `slacked` (which places), so it has its own name.
  t.deepEqual(parseModes('slacked-unplaced'), ['none', 'vanilla', 'slacked-unplaced']);
  t.throws(() => parseModes('slacked'));
  t.is(geometricMean([1, 4]), 2);
});

let quick: BenchReport | undefined;
async function quickReport(): Promise<BenchReport> {
  quick ??= await runBench(await builtinPrograms(benchDir, true, new Set(['fib', 'interp'])), { modes: BENCH_MODES, repeats: 1, quick: true, optLevel: 'speed', profile: true, progress: () => {} });
  return quick;
}

test('quick suite on two programs: every mode, fuel equal to vanilla, increments counted', async (t) => {
  const report = await quickReport();
  t.deepEqual(report.benchmarks.map((b) => b.name), ['interp', 'fib']);
  for (const b of report.benchmarks) {
    const vanilla = b.modes.vanilla!;
    t.true(vanilla.fuelConsumed! > 0);
    for (const m of ['accounting', 'slacked-unplaced', 'slacked-uncounted', 'slacked-placed', 'count', 'slacked-unhoisted', 'slacked-every-loop'] as const) t.is(b.modes[m]!.fuelConsumed, vanilla.fuelConsumed);
    t.is(b.modes.none!.ratio, 1);
    t.is(b.modes.none!.fuelConsumed, null);
    t.is(b.modes['slacked-unplaced']!.dynamicIncrements, vanilla.dynamicIncrements);
    const placed = b.modes['slacked-placed']!.dynamicIncrements!;
    const uncounted = b.modes['slacked-uncounted']!.dynamicIncrements!;
    t.true(uncounted > 0 && uncounted <= vanilla.dynamicIncrements!, `${b.name}: placement never runs more increments`);
    t.true(placed > 0 && placed <= uncounted, `${b.name}: counted loops never run more increments`);
    t.true(b.modes['slacked-placed']!.staticIncrements! <= b.modes['slacked-unplaced']!.staticIncrements!);
    // Where the memory base is loaded changes the machine code, not the placement.
    t.is(b.modes['slacked-unhoisted']!.dynamicIncrements, placed);
    // Versioning every counted loop runs no more increments than versioning the hot ones.
    const every = b.modes['slacked-every-loop']!.dynamicIncrements!;
    t.true(every > 0 && every <= placed, `${b.name}: ${every} increments with every loop versioned, ${placed} with the hot ones`);
    t.is(b.modes['none-unhoisted']!.fuelConsumed, null);
    t.is(b.modes['none-pinned']!.fuelConsumed, null);
    if (b.name === 'interp') {
      t.not(b.modes['none-unhoisted']!.codeBytes, b.modes.none!.codeBytes);
      t.not(b.modes['slacked-unhoisted']!.codeBytes, b.modes['slacked-placed']!.codeBytes);
    }
    for (const m of BENCH_MODES) t.true(b.modes[m]!.codeBytes > 0);
    t.true(b.modes.vanilla!.codeBytes > b.modes.none!.codeBytes, 'checks and increments cost code');
  }
  t.true(report.incrementsRatio! > 0 && report.incrementsRatio! <= 1);
});

test('JSON has exactly the issue shape; markdown and SVG have a row and a bar group per program', async (t) => {
  const report = await quickReport();
  const json = toJson(report);
  t.deepEqual(Object.keys(json), ['geomean', 'incrementsRatio', 'benchmarks']);
  t.deepEqual(Object.keys(json.benchmarks[0]!.modes.vanilla!), ['medianMs', 'ratio', 'fuelConsumed', 'dynamicIncrements', 'codeBytes']);
  t.deepEqual(Object.keys(json.geomean), [...BENCH_MODES]);
  t.notThrows(() => benchJsonSchema.parse(JSON.parse(JSON.stringify(json))));
  t.throws(() => benchJsonSchema.parse({ ...json, extra: 1 }));
  const md = markdownReport(report, 'slackfuel bench --quick');
  t.true(md.includes('`slackfuel bench --quick`'));
  t.regex(md, /\| interp \| 1\.000 \(/);
  t.regex(md, /\| \*\*geomean\*\* \|/);
  const svg = svgChart(report);
  t.true(svg.startsWith('<svg'));
  t.is(svg.match(/class="bar"/g)?.length, (2 + 1) * BENCH_MODES.length, 'two programs and the geomean, a bar per mode');
  t.true(svg.includes('data-benchmark="fib" data-mode="slacked-placed"'));
});

test('a program whose output differs from the expected one fails the run', async (t) => {
  const [fib] = await builtinPrograms(benchDir, true, new Set(['fib']));
  await t.throwsAsync(runBench([{ ...fib!, expected: 'something else\n' }], { modes: ['none', 'vanilla'], repeats: 1, quick: true, optLevel: 'speed', profile: false, progress: () => {} }), { instanceOf: BenchMismatch });
});

test('shuffled layouts: every round runs under its own layout, and fuel and output stay those of vanilla', async (t) => {
  const [fib] = await builtinPrograms(benchDir, true, new Set(['fib']));
  const report = await runBench([fib!], { modes: ['none', 'vanilla', 'slacked-placed'], repeats: 3, quick: true, optLevel: 'speed', profile: false, shuffleLayout: true, progress: () => {} });
  const row = report.benchmarks[0]!;
  t.is(row.modes['slacked-placed']?.fuelConsumed, row.modes.vanilla?.fuelConsumed);
  t.true((row.modes.none?.medianMs ?? 0) > 0);
});

test('CLI: --wasm module, --json written, files under --out, usage errors', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'sf-bench-'));
  const help = runCli(['bench', '--help']);
  t.is(help.code, 0);
  t.true(help.stdout.includes('Usage: slackfuel bench'));
  t.is(runCli(['bench', '--modes', 'fast']).code, 2);
  t.is(runCli(['bench', '--dir', '.']).code, 2);
  const json = join(out, 'r.json');
  const r = runCli(['bench', '--wasm', 'tests/fixtures/wasi/wasm/hello.wasm', '--modes', 'slacked-placed', '--repeats', '1', '--json', json, '--out', out]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /\[1\/1\] hello: round 1\/1/);
  const parsed = benchJsonSchema.parse(JSON.parse(await readFile(json, 'utf8')));
  t.deepEqual(Object.keys(parsed.geomean), ['none', 'vanilla', 'slacked-placed']);
  t.true((await readFile(join(out, 'wasm.svg'), 'utf8')).includes('data-benchmark="hello"'));
  t.true((await readFile(join(out, 'wasm.md'), 'utf8')).includes('| hello |'));
});
