// The pipeline on worker threads: the same output as on one thread, in input order, with the
// same errors.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { print } from '../../src/ir/index.js';
import { PipelinePool, PipelineWorkerError, jobsFor, runPipelineOnTexts, splitFunctions, PARALLEL_THRESHOLD_CHARS } from '../../src/passes/parallel/index.js';
import { compileWasm } from '../../src/wasm/index.js';
import { runCli } from '../helpers/cli.js';
import { wat } from '../wasm/wat.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/fuel/${name}`, import.meta.url));
const SLACKED = 'fuel-pinned,fuel-drop-checks,fuel-place';
const FILES = ['loop-2026.clif', 'if-else-2026.clif', 'calls-2026.clif', 'br-table-2026.clif', 'nested-loops-2026-opt.clif', 'switch-calls-2022.clif'];

test('splitFunctions cuts at each line that starts a function and keeps the header lines apart', (t) => {
  const text = 'set opt_level=speed\ntarget x86_64\n\nfunction %a() {\nblock0:\n    return\n}\n\n; comment\nfunction %b() {\nblock0:\n    return\n}\n';
  const split = splitFunctions(text);
  t.is(split.headers, 'set opt_level=speed\ntarget x86_64\n\n');
  t.deepEqual(split.functions, ['function %a() {\nblock0:\n    return\n}\n\n; comment\n', 'function %b() {\nblock0:\n    return\n}\n']);
  t.deepEqual(splitFunctions('set opt_level=none\n'), { headers: 'set opt_level=none\n', functions: [] });
});

test('jobsFor: an explicit count wins; by default small inputs stay on this thread', (t) => {
  t.is(jobsFor(10, 3), 3);
  t.is(jobsFor(PARALLEL_THRESHOLD_CHARS * 4, 1), 1);
  t.is(jobsFor(10), 1);
  t.true(jobsFor(PARALLEL_THRESHOLD_CHARS) >= 1);
  t.throws(() => jobsFor(10, 0));
});

test('opt --jobs 2 prints exactly what --jobs 1 prints, over several files', (t) => {
  const files = FILES.map(fixture);
  const serial = runCli(['opt', '--jobs', '1', '--passes', SLACKED, ...files]);
  const parallel = runCli(['opt', '--jobs', '2', '--passes', SLACKED, ...files]);
  t.is(serial.code, 0, serial.stderr);
  t.is(parallel.code, 0, parallel.stderr);
  t.is(parallel.stdout, serial.stdout);
  t.true(serial.stdout.includes('set enable_pinned_reg=true'));
});

test('opt --jobs 2 reports a failing function like the serial path and keeps the others', (t) => {
  const files = [fixture('invalid/escape-arith.clif'), fixture('loop-2026.clif')];
  const serial = runCli(['opt', '--jobs', '1', '--passes', 'fuel-pinned', ...files]);
  const parallel = runCli(['opt', '--jobs', '2', '--passes', 'fuel-pinned', ...files]);
  t.is(serial.code, 1);
  t.is(parallel.code, 1);
  t.is(parallel.stderr, serial.stderr);
  t.is(parallel.stdout, serial.stdout);
  t.regex(parallel.stderr, /fuel-pinned failed on u0:20/);
});

test('opt --jobs 2 on text that does not parse gives the serial path\'s error', (t) => {
  const input = 'function %a() {\nblock0:\n    v0 = iconst.i32\n    return\n}\n';
  const serial = runCli(['opt', '--jobs', '1', '--passes', SLACKED, '-'], input);
  const parallel = runCli(['opt', '--jobs', '2', '--passes', SLACKED, '-'], input);
  t.is(serial.code, 1);
  t.is(parallel.code, serial.code);
  t.is(parallel.stderr, serial.stderr);
});

test('opt --jobs 0 is a usage error', (t) => {
  const r = runCli(['opt', '--jobs', '0', '--passes', SLACKED, fixture('loop-2026.clif')]);
  t.is(r.code, 2);
  t.regex(r.stderr, /jobs/);
});

test('a pool keeps input order across tasks and batches', async (t) => {
  const texts = FILES.map((f) => splitFunctions(readFileSync(fixture(f), 'utf8'))).flatMap((s) => s.functions);
  const pool = new PipelinePool(SLACKED, 2);
  try {
    const once = await pool.run(texts);
    const again = await pool.run([...texts].reverse());
    t.is(once.length, texts.length);
    const printed = (r: (typeof once)[number]) => (r.kind === 'functions' ? r.functions.map((f) => (f.ok ? f.text : `error ${f.message}`)) : [`parse ${r.message}`]);
    t.deepEqual(again.map(printed).reverse(), once.map(printed));
    t.true(once.every((r) => r.kind === 'functions' && r.functions.length === 1 && r.functions[0]!.ok));
  } finally {
    await pool.close();
  }
});

test('a worker reports a syntax error as such', async (t) => {
  const [result] = await runPipelineOnTexts(['function %a() {\nblock0:\n    bogus\n}\n'], SLACKED, 2);
  t.is(result?.kind, 'parse-error');
});

test('compileWasm with jobs 2 prepares the same CLIF as jobs 1 and runs the same', async (t) => {
  const bytes = await wat(`(module
    (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
    (func (export "sum") (param $n i32) (result i32) (local $acc i32)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $acc (i32.add (local.get $acc) (call $sq (local.get $n))))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $next)))
      (local.get $acc)))`);
  const serial = await compileWasm(bytes, 'slacked', undefined, { jobs: 1 });
  const parallel = await compileWasm(bytes, 'slacked', undefined, { jobs: 2 });
  const text = (m: typeof serial) => m.module.functions.map((fn) => print(fn)).join('\n');
  t.is(text(parallel), text(serial));
  const run = async (m: typeof serial) => {
    const instance = await m.instantiate({ checkIntervalMs: false });
    try {
      const r = await instance.call('sum', [100]);
      return [r.results, r.fuelConsumed];
    } finally {
      instance.dispose();
    }
  };
  t.deepEqual(await run(parallel), await run(serial));
});

test('a worker that dies fails the batch with a typed error instead of hanging', async (t) => {
  // The pipeline is only built inside the workers here, so an unknown pass kills them at start.
  const pool = new PipelinePool('no-such-pass', 2);
  try {
    const error = await t.throwsAsync(pool.run(['function %a() {\nblock0:\n    return\n}\n']), { instanceOf: PipelineWorkerError });
    t.regex(error?.message ?? '', /unknown pass 'no-such-pass'|exited/);
  } finally {
    await pool.close();
  }
});
