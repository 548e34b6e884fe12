// Which loops fuel-counted-loops versions, and why it leaves the others alone (its statistics),
// on small wasm functions translated by the front end and placed by fuel-place; every result is
// proven by check-fuel against the vanilla translation.
import test from 'ava';
import { parse } from '../../../src/ir/index.js';
import { checkFuel } from '../../../src/passes/fuel/check/index.js';
import { PassManager } from '../../../src/passes/index.js';
import { translate } from '../../../src/wasm/index.js';
import { wat } from '../../wasm/wat.js';
import { COUNT, moduleOf, NEST, TOP } from './loop-shapes.js';
import { profileBlockCounts } from '../../../src/passes/fuel/counted/hot-loops.js';
import { AnalysisCache } from '../../../src/analysis/cache.js';
import { incrementsByBlock, recogniseLoop } from '../../../src/passes/fuel/counted/find.js';
import { findPinnedIncrements } from '../../../src/passes/fuel/web/shapes.js';
import { functionFlowGraph } from '../../../src/passes/flow-graph.js';

const pipeline = PassManager.build('fuel-pinned,fuel-drop-checks,fuel-place,fuel-counted-loops');

/** The pass's statistics for a module of one exported function `f` (with a helper `g`). */
async function statsOf(body: string, t: { true: (v: boolean, m?: string) => void }): Promise<Record<string, number>> {
  const bytes = await wat(moduleOf(body));
  const out: Record<string, number> = {};
  for (const f of translate(bytes, { metering: 'vanilla' }).functions) {
    const fn = parse(f.clif).functions[0]!;
    const run = pipeline.run(fn);
    for (const [k, v] of run.stats) if (k.startsWith('fuel-counted-loops.')) out[k.slice('fuel-counted-loops.'.length)] = (out[k.slice('fuel-counted-loops.'.length)] ?? 0) + v;
    const r = checkFuel(parse(f.clif).functions[0]!, fn);
    t.true(r.ok, JSON.stringify(r));
  }
  return out;
}

test('a counted loop is versioned', async (t) => {
  t.deepEqual(await statsOf(COUNT, t), { versioned: 1 });
});

test('a loop with a call is left alone', async (t) => {
  const body = `(loop $l
    (local.set $acc (call $g (local.get $acc)))
    (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`;
  t.deepEqual(await statsOf(body, t), { 'rejected.call': 1 });
});

test('a loop with an early exit is left alone', async (t) => {
  const body = `(block $out (loop $l
    (br_if $out (i32.eq (local.get $acc) (i32.const 77)))
    (local.set $acc (i32.add (local.get $acc) (local.get $i)))
    (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))`;
  t.deepEqual(await statsOf(body, t), { 'rejected.exits': 1 });
});

test('a loop whose exit depends on data, or whose step is not a power of two, is not counted', async (t) => {
  const data = `(loop $l
    (local.set $acc (i32.add (local.get $acc) (i32.const 3)))
    (br_if $l (i32.lt_u (local.get $acc) (local.get $n))))`;
  t.deepEqual(await statsOf(data, t), { 'rejected.not-counted': 1 });
  const three = COUNT.replace('(i32.const 1)', '(i32.const 3)');
  t.deepEqual(await statsOf(three, t), { 'rejected.not-counted': 1 });
});

test('an iteration that charges differently on two paths is left alone', async (t) => {
  const body = `(loop $l
    (if (i32.and (local.get $i) (i32.const 1))
      (then (local.set $acc (i32.mul (i32.add (local.get $acc) (i32.const 7)) (i32.const 3)))))
    (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`;
  t.deepEqual(await statsOf(body, t), { 'rejected.uneven-charge': 1 });
});

/** A counted loop of 10 iterations inside a counted loop up to n. */
const COUNTED_NEST = `(loop $outer
    (local.set $j (i32.const 0))
    (loop $inner
      (local.set $acc (i32.add (local.get $acc) (local.get $j)))
      (br_if $inner (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 10))))
    (br_if $outer (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`;

test('nested counted loops: the inner one is versioned, the outer one has an inner cycle', async (t) => {
  t.deepEqual(await statsOf(COUNTED_NEST, t), { 'rejected.nested': 1, versioned: 1 });
});

test('recogniseLoop: allowInner looks past the inner loop, and finds the outer test on values the inner header passes through', async (t) => {
  // The module's second function is `f`, the first its helper `g`.
  const fn = parse(translate(await wat(moduleOf(COUNTED_NEST)), { metering: 'vanilla' }).functions[1]!.clif).functions[0]!;
  PassManager.build('fuel-pinned,fuel-drop-checks,fuel-place').run(fn);
  const analyses = new AnalysisCache(() => functionFlowGraph(fn));
  const increments = incrementsByBlock(findPinnedIncrements(fn));
  const [outer, inner] = analyses.loops().loops;
  t.is(outer!.children.length, 1);
  t.is(recogniseLoop(fn, analyses, outer!, increments, false), 'nested');
  // i and n reach the outer test through the inner header's parameters, so the outer loop's
  // test is not on its own induction variable: what a rule for whole nests would meet first.
  t.is(recogniseLoop(fn, analyses, outer!, increments, false, true), 'not-counted');
  const innermost = recogniseLoop(fn, analyses, inner!, increments, false);
  if (typeof innermost === 'string') return t.fail(innermost);
  t.deepEqual(innermost.bound, { kind: 'const', value: 10n });
  t.is(innermost.charge > 0n, true);
});

test('a loop that exits from its top is versioned, whether it tests i or i + s', async (t) => {
  t.deepEqual(await statsOf(TOP, t), { versioned: 1, 'versioned-top-exit': 1 });
  const stepped = `(block $out (loop $l
    (local.set $acc (i32.add (local.get $acc) (local.get $i)))
    (br_if $out (i32.eq (local.tee $j (i32.add (local.get $i) (i32.const -2))) (local.get $n)))
    (local.set $acc (i32.xor (local.get $acc) (i32.const 5)))
    (local.set $i (local.get $j))
    (br $l)))`;
  t.deepEqual(await statsOf(stepped, t), { versioned: 1, 'versioned-top-exit': 1 });
});

test('a loop exiting from its top is left alone when some iterations skip the test', async (t) => {
  const body = `(block $out (loop $l
    (if (i32.and (local.get $acc) (i32.const 1))
      (then (br_if $out (i32.eq (local.get $i) (local.get $n)))))
    (local.set $acc (i32.add (local.get $acc) (local.get $i)))
    (local.set $i (i32.add (local.get $i) (i32.const 4)))
    (br $l)))`;
  t.deepEqual(await statsOf(body, t), { 'rejected.exits': 1 });
});

test('a loop exiting from its top keeps the other guards: a call, a bound computed in the loop, a second exit', async (t) => {
  const call = TOP.replace('(i32.const 5)', '(call $g (i32.const 5))');
  t.deepEqual(await statsOf(call, t), { 'rejected.call': 1 });
  const moving = TOP.replace('(local.get $n)', '(local.get $acc)');
  t.deepEqual(await statsOf(moving, t), { 'rejected.not-counted': 1 });
  const second = TOP.replace('(br $l)', '(br_if $out (i32.eq (local.get $acc) (i32.const 77)))\n  (br $l)');
  t.deepEqual(await statsOf(second, t), { 'rejected.exits': 1 });
  const three = TOP.replace('(i32.const 4)', '(i32.const 12)');
  t.deepEqual(await statsOf(three, t), { 'rejected.not-counted': 1 });
});

test('a counted loop beside a hotter loop nest is left alone: its copy would grow the function around the nest', async (t) => {
  t.deepEqual(await statsOf(`${COUNT}\n${NEST}`, t), { 'rejected.not-hottest': 1, 'rejected.nested': 1, 'rejected.not-counted': 1 });
});

test('counted loops in a row, or a branch deep, are as hot as the hottest block: all versioned', async (t) => {
  const second = COUNT.replaceAll('$i', '$j').replace('$l', '$m').replace('(br_if $l', '(br_if $m');
  t.deepEqual(await statsOf(`${COUNT}\n${second}`, t), { versioned: 2 });
  const branch = `(if (i32.and (local.get $n) (i32.const 1)) (then ${second}))`;
  t.deepEqual(await statsOf(`${COUNT}\n${branch}`, t), { versioned: 2 });
});

test('maxHotRatio: a large one versions the loop beside the nest; below 1 is refused', async (t) => {
  const bytes = await wat(moduleOf(`${COUNT}\n${NEST}`));
  const any = PassManager.build('fuel-pinned,fuel-drop-checks,fuel-place,fuel-counted-loops{"maxHotRatio":1e9}');
  const versioned = translate(bytes, { metering: 'vanilla' })
    .functions.map((f) => any.run(parse(f.clif).functions[0]!).stats.get('fuel-counted-loops.versioned') ?? 0)
    .reduce((a, b) => a + b, 0);
  t.is(versioned, 1);
  t.throws(() => PassManager.build('fuel-counted-loops{"maxHotRatio":0.5}'), { message: /maxHotRatio/ });
});

/** Versioned loops of `f` (u0:1) in `body`'s module under the default pipeline given `profile` for it. */
async function versionedWith(body: string, profile: Record<string, unknown> | undefined): Promise<number> {
  const bytes = await wat(moduleOf(body));
  const text = translate(bytes, { metering: 'vanilla' }).functions.find((f) => f.clif.startsWith('function u0:1('))!.clif;
  const options = profile === undefined ? '' : JSON.stringify({ profile });
  const manager = PassManager.build(`fuel-pinned,fuel-drop-checks,fuel-place${options},fuel-counted-loops${options}`);
  const fn = parse(text).functions[0]!;
  const versioned = manager.run(fn).stats.get('fuel-counted-loops.versioned') ?? 0;
  return versioned;
}

test('with an edge profile, the measured counts decide: a loop that never ran gets no copy, one that ran as the hottest does', async (t) => {
  // f's loop: header block4, latch block7 (the translation's numbers, which fuel-place keeps).
  t.is(await versionedWith(COUNT, undefined), 1);
  t.is(await versionedWith(COUNT, { 'u0:1': { entryCount: 1, edges: {} } }), 0, 'the header never ran');
  const ran = { '0->3': 1, '3->4': 1, '4->7': 1000, '7->4': 999, '7->8': 1, '8->5': 1, '5->1': 1 };
  t.is(await versionedWith(COUNT, { 'u0:1': { entryCount: 1, edges: ran } }), 1, 'the header ran 1000 times, the most of any block');
  t.is(await versionedWith(COUNT, { 'u0:0': { entryCount: 1, edges: {} } }), 1, 'a function the profile does not have keeps the estimate');
});

test('profileBlockCounts: the entry count for the entry block, the sum of the edges into any other, with or without the block prefix', async (t) => {
  const bytes = await wat(moduleOf(COUNT));
  const text = translate(bytes, { metering: 'vanilla' }).functions.find((f) => f.clif.startsWith('function u0:1('))!.clif;
  const fn = parse(text).functions[0]!;
  const count = profileBlockCounts(fn, { entryCount: 2, edges: { '0->3': 2, 'block3->block4': 2, '4->7': 10, '7 -> 4': 8 } });
  t.is(count(0), 2);
  t.is(count(3), 2);
  t.is(count(4), 10);
  t.is(count(7), 10);
  t.is(count(5), 0, 'a block no edge reaches ran 0 times');
});

test('a profile that cannot be read, or is not a profile, is a clear error naming it', async (t) => {
  const bytes = await wat(moduleOf(COUNT));
  const text = translate(bytes, { metering: 'vanilla' }).functions.find((f) => f.clif.startsWith('function u0:1('))!.clif;
  const run = (options: string) => PassManager.build(`fuel-pinned,fuel-drop-checks,fuel-place,fuel-counted-loops${options}`).run(parse(text).functions[0]!);
  t.throws(() => run('{"profile":"/nonexistent/profile.json"}'), { message: /cannot read the profile \/nonexistent\/profile\.json/ });
  t.throws(() => run(JSON.stringify({ profile: { 'u0:1': { entryCount: -1, edges: {} } } })), { message: /entryCount/ });
  // A malformed edge key is named with its path, not only as the option's bad union.
  t.throws(() => run(JSON.stringify({ profile: { 'u0:1': { entryCount: 1, edges: { '3 to 4': 1 } } } })), {
    name: 'PassOptionsError',
    message: /profile\.u0:1\.edges\.3 to 4: edge keys look like "0->3", not "3 to 4"/,
  });
});
