// fuel-counted-loops in Rust (native/src/fuel_counted_loops) against the TypeScript pass it
// ports: the whole default slacked pipeline run natively prints exactly what the TypeScript
// pipeline prints on every function of the built-in suite and of third-party modules, check-fuel
// proves the native output against the vanilla translation, the counted-loop cases of the
// TypeScript tests (both exits, both widths, ±2^t steps, the rejections) come out the same, and
// a program with counted loops runs with the same results and fuel either way.
import test from 'ava';
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinPrograms } from '../../src/bench/suite.js';
import { parse, print, type Function } from '../../src/ir/index.js';
import { runNativePasses } from '../../src/native/native-passes.js';
import { checkFuel } from '../../src/passes/fuel/check/check-fuel.js';
import { PassManager } from '../../src/passes/index.js';
import { MAX_VERSIONED_LOOPS } from '../../src/passes/fuel/fuel-counted-loops.js';
import { SLACKED_FUEL_PIPELINE } from '../../src/runtime/metering.js';
import { COUNT, moduleOf, NEST, TOP } from '../passes/counted/loop-shapes.js';
import { runSlacked } from './run-slacked.js';
import { compileWasm } from '../../src/wasm/index.js';
import { splitNativePrefix } from '../../src/wasm/native-prefix.js';
import { clifText, translate } from '../../src/wasm/translate.js';
import { LOOP_FNS, LOOPS_WAT } from '../passes/counted/loops-wat.js';
import { randomFunction, wasmtimeText } from '../passes/check/random-functions.js';
import { wat } from '../wasm/wat.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const benchDir = join(root, 'bench');
const thirdParty = (name: string) => join(root, 'tests', 'fixtures', 'third-party', `${name}.wasm`);
const PLACED = 'fuel-pinned,fuel-drop-checks,fuel-place';
const COUNTED = `${PLACED},fuel-counted-loops`;
const UNPLACED_COUNTED = 'fuel-pinned,fuel-drop-checks,fuel-counted-loops';

/** The TypeScript pipeline's output and how many loops it versioned. */
function tsRun(text: string, pipeline: string): { functions: string[]; versioned: number } {
  const manager = PassManager.build(pipeline);
  let versioned = 0;
  const functions = parse(text).functions.map((fn) => {
    versioned += manager.run(fn).stats.get('fuel-counted-loops.versioned') ?? 0;
    return print(fn).trimEnd();
  });
  return { functions, versioned };
}

/** Indices of the functions where the native output differs from `expected`. */
function differing(native: readonly string[], expected: readonly string[]): number[] {
  return native.map((got, i) => (got.trimEnd() === expected[i] ? -1 : i)).filter((i) => i >= 0);
}

test('the default slacked pipeline is the native pipeline, the whole of it', (t) => {
  t.is(SLACKED_FUEL_PIPELINE, COUNTED);
  t.deepEqual(splitNativePrefix(SLACKED_FUEL_PIPELINE), { native: COUNTED, rest: '' });
});

test('the whole pipeline in Rust prints what the TypeScript pipeline prints on every function of the suite, and check-fuel proves it', async (t) => {
  const programs = await builtinPrograms(benchDir, true);
  t.is(programs.length, 18);
  let versioned = 0;
  let proven = 0;
  for (const p of programs) {
    const text = clifText(translate(p.wasm, { metering: 'vanilla' }));
    const expected = tsRun(text, COUNTED);
    const native = runNativePasses(text, COUNTED);
    t.is(native.functions.length, expected.functions.length, p.name);
    const bad = differing(native.functions, expected.functions);
    if (bad.length > 0) t.fail(`${p.name}: function ${bad[0]} differs\n--- TypeScript\n${expected.functions[bad[0]!]}\n--- Rust\n${native.functions[bad[0]!]}`);
    // Every function counted loops changed is proven against the vanilla translation (the others
    // are fuel-place's output, which the fuel-place comparison covers).
    const before = parse(text).functions;
    const placed = runNativePasses(text, PLACED).functions;
    for (const i of differing(native.functions, placed.map((f) => f.trimEnd()))) {
      const proof = checkFuel(before[i]!, parse(native.functions[i]!).functions[0]!);
      if (!proof.ok) t.fail(`${p.name}: function ${i}: ${JSON.stringify(proof)}`);
      proven++;
    }
    versioned += expected.versioned;
  }
  // The suite's counted loops (sha256's round loop, memcpy's, crc32's, ...) are versioned.
  t.true(versioned >= 18, `${versioned} loops versioned`);
  t.true(proven >= 18, `${proven} functions proven`);
});

for (const name of ['lz4', 'cmark', 'zstd', 'brotli', 'lua']) {
  test(`the whole pipeline in Rust prints what the TypeScript pipeline prints on every function of ${name}`, async (t) => {
    const text = clifText(translate(new Uint8Array(await readFile(thirdParty(name))), { metering: 'vanilla' }));
    const expected = tsRun(text, COUNTED);
    const native = runNativePasses(text, COUNTED);
    t.is(native.functions.length, expected.functions.length);
    t.deepEqual(differing(native.functions, expected.functions), []);
    t.true(expected.versioned > 0, `${name}: ${expected.versioned} loops versioned`);
  });
}

test('check-fuel proves every lz4 function the native counted loops changed against the vanilla translation', async (t) => {
  const text = clifText(translate(new Uint8Array(await readFile(thirdParty('lz4'))), { metering: 'vanilla' }));
  const before = parse(text).functions;
  const native = runNativePasses(text, COUNTED);
  const changed = differing(native.functions, runNativePasses(text, PLACED).functions.map((f) => f.trimEnd()));
  for (const i of changed) {
    const proof = checkFuel(before[i]!, parse(native.functions[i]!).functions[0]!);
    if (!proof.ok) t.fail(`lz4: function ${i}: ${JSON.stringify(proof)}`);
  }
  t.true(changed.length > 0);
});

test('the counted-loop module of the TypeScript tests (both widths, ±2^t steps up to the sign bit, top exits, a trapping loop): same text, every loop versioned', async (t) => {
  const text = clifText(translate(await wat(LOOPS_WAT), { metering: 'vanilla' }));
  for (const pipeline of [COUNTED, UNPLACED_COUNTED]) {
    const expected = tsRun(text, pipeline);
    const native = runNativePasses(text, pipeline);
    t.deepEqual(differing(native.functions, expected.functions), [], pipeline);
    t.is(expected.versioned, LOOP_FNS.length, pipeline);
    // Versioning shows in the text: each function now has the prepaid copy and its guard.
    const placedOnly = runNativePasses(text, pipeline.replace(',fuel-counted-loops', ''));
    t.is(differing(native.functions, placedOnly.functions.map((f) => f.trimEnd())).length, LOOP_FNS.length, pipeline);
  }
});

const CASES: ReadonlyArray<readonly [string, string, number]> = [
  ['counted', COUNT, 1],
  ['a call', COUNT.replace('(local.get $i))', '(call $g (local.get $i)))'), 0],
  ['an early exit', `(block $out ${COUNT.replace('(loop $l', '(loop $l (br_if $out (i32.eq (local.get $acc) (i32.const 77)))')})`, 0],
  ['a data-dependent exit', `(loop $l (local.set $acc (i32.add (local.get $acc) (i32.const 3))) (br_if $l (i32.lt_u (local.get $acc) (local.get $n))))`, 0],
  ['a step of 3', COUNT.replace('(i32.const 1)', '(i32.const 3)'), 0],
  ['the bound first in the test', COUNT.replace('(i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))', '(i32.ne (local.get $n) (local.tee $i (i32.add (i32.const 1) (local.get $i))))'), 1],
  ['a constant bound', COUNT.replace('(local.get $n))))', '(i32.const 1000))))'), 1],
  [
    'an uneven charge',
    `(loop $l (if (i32.and (local.get $i) (i32.const 1)) (then (local.set $acc (i32.mul (i32.add (local.get $acc) (i32.const 7)) (i32.const 3)))))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`,
    0,
  ],
  [
    'nested loops',
    `(loop $outer (local.set $j (i32.const 0))
      (loop $inner (local.set $acc (i32.add (local.get $acc) (local.get $j)))
        (br_if $inner (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 10))))
      (br_if $outer (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`,
    1,
  ],
  ['two loops in a row', `${COUNT} (local.set $i (i32.const 0)) ${TOP.replace(/\$l/g, '$m').replace(/\$out/g, '$out2')}`, 2],
  ['a top exit', TOP, 1],
  [
    'a top exit testing i + s',
    `(block $out (loop $l (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (br_if $out (i32.eq (local.tee $j (i32.add (local.get $i) (i32.const -2))) (local.get $n)))
      (local.set $acc (i32.xor (local.get $acc) (i32.const 5))) (local.set $i (local.get $j)) (br $l)))`,
    1,
  ],
  [
    'a top exit some iterations skip',
    `(block $out (loop $l (if (i32.and (local.get $acc) (i32.const 1)) (then (br_if $out (i32.eq (local.get $i) (local.get $n)))))
      (local.set $acc (i32.add (local.get $acc) (local.get $i))) (local.set $i (i32.add (local.get $i) (i32.const 4))) (br $l)))`,
    0,
  ],
  ['a top exit with a call', TOP.replace('(i32.const 5)', '(call $g (i32.const 5))'), 0],
  ['a top exit against a moving bound', TOP.replace('(local.get $n)', '(local.get $acc)'), 0],
  ['a top exit and a second exit', TOP.replace('(br $l)', '(br_if $out (i32.eq (local.get $acc) (i32.const 77)))\n  (br $l)'), 0],
  ['a used loop value after the loop', `${COUNT} (local.set $acc (i32.add (local.get $acc) (local.get $i)))`, 1],
  ['beside a hotter loop nest (not hot enough)', `${COUNT} ${NEST}`, 0],
  ['two in a row, one a branch deep (both hot enough)', `${COUNT} (local.set $i (i32.const 0)) (if (i32.and (local.get $n) (i32.const 1)) (then ${TOP.replace(/\$l/g, '$m').replace(/\$out/g, '$out2')}))`, 2],
];

for (const [name, body, versioned] of CASES) {
  test(`counted-loop case, Rust against TypeScript: ${name}`, async (t) => {
    const text = clifText(translate(await wat(moduleOf(body)), { metering: 'vanilla' }));
    const expected = tsRun(text, COUNTED);
    t.is(expected.versioned, versioned);
    const native = runNativePasses(text, COUNTED);
    t.deepEqual(differing(native.functions, expected.functions), []);
    const before = parse(text).functions;
    native.functions.forEach((got, i) => t.true(checkFuel(before[i]!, parse(got).functions[0]!).ok, `function ${i}`));
  });
}

// Each loop is found again after the one before is versioned, so a function of many counted
// loops made the pass quadratic (1,000 in a row took 18.5 s): both languages version at most
// MAX_VERSIONED_LOOPS per function and stop at the same loop.
test(`${MAX_VERSIONED_LOOPS + 6} counted loops in a row: both languages version the first ${MAX_VERSIONED_LOOPS} and leave the rest, the same text, proven`, async (t) => {
  const loops = Array.from({ length: MAX_VERSIONED_LOOPS + 6 }, (_, k) => `(local.set $i (i32.const 0)) ${COUNT.replace(/\$l\b/g, `$l${k}`)}`).join('\n');
  const text = clifText(translate(await wat(moduleOf(loops)), { metering: 'vanilla' }));
  const manager = PassManager.build(COUNTED);
  // The module's second function, f, holds the loops (the first is the helper g).
  const fn = parse(text).functions[1]!;
  const stats = manager.run(fn).stats;
  t.is(stats.get('fuel-counted-loops.versioned'), MAX_VERSIONED_LOOPS);
  t.is(stats.get('fuel-counted-loops.rejected.over-limit'), 6);
  const native = runNativePasses(text, COUNTED);
  t.is(native.functions[1]!.trimEnd(), print(fn).trimEnd());
  t.true(checkFuel(parse(text).functions[1]!, parse(native.functions[1]!).functions[0]!).ok);
});

test('random Wasmtime-shaped functions: the native pipeline prints what the TypeScript one prints (property)', (t) => {
  fc.assert(
    fc.property(randomFunction, (f) => {
      const text = wasmtimeText(f);
      const fns = parse(text).functions;
      const expected = tsRun(text, COUNTED).functions;
      t.is(fns.length, expected.length);
      const native = runNativePasses(text, COUNTED);
      return differing(native.functions, expected).length === 0;
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('sha256 (counted loops, one exiting from its top) runs with the same output and fuel through the native and the TypeScript passes', async (t) => {
  const [p] = await builtinPrograms(benchDir, true, new Set(['sha256']));
  const viaTs = await runSlacked(p!, false);
  const viaRust = await runSlacked(p!, true);
  t.is(viaRust.out, p!.expected ?? '');
  t.deepEqual(viaRust, viaTs);
  t.true((viaRust.fuel ?? 0) > 0);
});

test('the translate fast path with the whole pipeline: each function is the TypeScript text, or proven as far as the TypeScript output is', async (t) => {
  const programs = await builtinPrograms(benchDir, true);
  let renumbered = 0;
  for (const p of programs) {
    const text = clifText(translate(p.wasm, { metering: 'vanilla' }));
    const vanilla = parse(text).functions;
    const expected = tsRun(text, COUNTED).functions;
    const fast = parse(clifText(translate(p.wasm, { metering: 'vanilla', nativePasses: COUNTED }))).functions;
    t.is(fast.length, expected.length, p.name);
    fast.forEach((fn, i) => {
      if (print(fn).trimEnd() === expected[i]) return;
      // The front end's function numbers new values and blocks after its dead ones.
      renumbered++;
      const proof = checkFuel(vanilla[i]!, fn);
      const reference = checkFuel(vanilla[i]!, parse(expected[i]!).functions[0]!);
      if (proof.ok !== reference.ok) t.fail(`${p.name}: function ${i}: ${JSON.stringify(proof)}`);
    });
  }
  t.true(renumbered > 0);
});

test('compileWasm by default runs the whole pipeline in Rust and parses nothing until module.functions is read', async (t) => {
  const [p] = await builtinPrograms(benchDir, true, new Set(['sha256']));
  const native = await compileWasm(p!.wasm, 'slacked');
  t.false(native.module.functionsParsed);
  const ts = await compileWasm(p!.wasm, 'slacked', undefined, { nativePasses: false });
  t.true(ts.module.functionsParsed);
  // Read on demand: the same functions, with the versioned loops' prepay blocks.
  t.is(native.module.functions.length, ts.module.functions.length);
  t.true(native.module.functionsParsed);
  const counted = (fns: readonly Function[]) => fns.filter((fn) => print(fn).split('set_pinned_reg').length > 2).length;
  t.is(counted(native.module.functions), counted(ts.module.functions));
});
