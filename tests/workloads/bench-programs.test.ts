// The benchmark programs: consistent with their manifest, and correct at their quick size under node:wasi.
import test from 'ava';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  benchDir, benchExpectedPath, benchSourcePath, benchWasmPath, loadBenchManifest, runUnderNodeWasi, wasmInterface,
} from './workloads.js';

const programs = loadBenchManifest();

test('the manifest lists every C program, and each has its .wasm and expectations', (t) => {
  const sources = readdirSync(join(benchDir, 'programs')).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2));
  t.deepEqual([...sources].sort(), programs.map((p) => p.name).sort());
  t.true(programs.length >= 15);
  for (const { name } of programs) {
    t.true(existsSync(benchWasmPath(name)), name);
    t.true(existsSync(benchExpectedPath(name, 'default')), name);
    t.true(existsSync(benchExpectedPath(name, 'quick')), name);
    t.true(statSync(benchWasmPath(name)).size < 64 * 1024, `${name}.wasm stays small`);
  }
});

test('manifest sizes agree with the sources and the default-size expectations', (t) => {
  for (const p of programs) {
    const source = readFileSync(benchSourcePath(p.name), 'utf8');
    t.true(source.startsWith(`// Stresses: ${p.stresses}\n`), `${p.name}: first line states what it stresses`);
    t.regex(source, new RegExp(`bench_size\\(argc, argv, ${p.size}\\)`), `${p.name}: default size`);
    t.true(p.quickSize < p.size, `${p.name}: quick size is smaller`);
    t.is(readFileSync(benchExpectedPath(p.name, 'default'), 'utf8').split('\n')[0], `${p.name} size=${p.size}`);
    t.is(readFileSync(benchExpectedPath(p.name, 'quick'), 'utf8').split('\n')[0], `${p.name} size=${p.quickSize}`);
  }
});

test('every program imports WASI plus bench.start and bench.end, nothing else', (t) => {
  for (const { name } of programs) {
    const { imports } = wasmInterface(benchWasmPath(name));
    const bench = imports.filter((i) => i.module === 'bench').map((i) => i.name).sort();
    t.deepEqual(bench, ['end', 'start'], name);
    t.true(imports.every((i) => i.kind === 'function' && (i.module === 'bench' || i.module === 'wasi_snapshot_preview1')), name);
  }
});

for (const p of programs) {
  test(`${p.name} at size ${p.quickSize} prints the expected output`, (t) => {
    const run = runUnderNodeWasi(benchWasmPath(p.name), { args: [String(p.quickSize)] });
    t.is(run.stderr, '');
    t.is(run.exitCode, 0);
    t.is(run.stdout, readFileSync(benchExpectedPath(p.name, 'quick'), 'utf8'));
    t.is(typeof run.report?.regionMs, 'number', 'bench.start and bench.end were both called');
  });
}

test('a bad size argument is rejected with a usage message', (t) => {
  for (const bad of ['0', '-3', '12x', '']) {
    const run = runUnderNodeWasi(benchWasmPath('fib'), { args: [bad] });
    t.is(run.exitCode, 2, JSON.stringify(bad));
    t.regex(run.stderr, /^usage: fib\.wasm \[SIZE\]/, JSON.stringify(bad));
    t.is(run.stdout, '');
  }
});

test('a small size argument gives a known answer', (t) => {
  const small = runUnderNodeWasi(benchWasmPath('fib'), { args: ['10'] });
  t.is(small.stdout, 'fib size=10\nfib(10)=55\n');
  const primes = runUnderNodeWasi(benchWasmPath('interp'), { args: ['100'] });
  t.regex(primes.stdout, /^primes below 100: 25 /m);
});

test('the expected outputs contain the published known answers and self-checks', (t) => {
  const expected = (name: string) => readFileSync(benchExpectedPath(name, 'quick'), 'utf8');
  t.regex(expected('sha256'), /^sha256\(abc\)=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad$/m);
  t.regex(expected('crc32'), /^crc32\(123456789\)=cbf43926 crc32c\(123456789\)=e3069283$/m);
  t.regex(expected('lz77'), /roundtrip=ok/);
  t.regex(expected('sort'), /^unsorted=0 differ=0 /m);
  t.regex(expected('interp'), /^primes below 70000: 6935 /m);
  t.regex(expected('strings'), /same_as_input=1$/m);
  t.regex(expected('nbody'), /^nbody size=\d+\n-0\.169075164\n/);
});
