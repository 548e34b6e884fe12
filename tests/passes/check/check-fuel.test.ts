// checkFuel on hand-written before/after pairs (tests/fixtures/check): correct rewrites are
// proven, wrong ones rejected with the exact counterexample.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { parse, type Function } from '../../../src/ir/index.js';
import { checkFuel, type FuelCheckResult } from '../../../src/passes/fuel/check/index.js';

const dir = new URL('../../fixtures/check/', import.meta.url);

function load(name: string): Function {
  const fn = parse(readFileSync(new URL(`${name}.clif`, dir), 'utf8')).functions[0];
  if (fn === undefined) throw new Error(`${name}: no function`);
  return fn;
}

function check(before: string, after: string): FuelCheckResult {
  return checkFuel(load(before), load(after));
}

const proven: Array<[string, string, string]> = [
  ['pinned form, increments in place', 'diamond.before', 'diamond.pinned'],
  ['diamond 10/15: 10 before the branch, 5 on one side', 'diamond.before', 'diamond.hoisted'],
  ['loop body charge moved to the header', 'loop.before', 'loop.header'],
  ['call: charges on both sides of the call kept', 'call.before', 'call.pinned'],
  ['critical edge split by a charging block', 'split.before', 'split.edge'],
  ['jump-chained blocks merged into one', 'merged.before', 'merged.one'],
  ['infinite loop keeps its cost', 'spin.before', 'spin.pinned'],
  ['run-time charge kept in place, constant charges merged across a builtin call', 'bulk.before', 'bulk.pinned'],
];

for (const [title, before, after] of proven) {
  test(`proven: ${title}`, (t) => {
    const r = check(before, after);
    t.true(r.ok, JSON.stringify(r));
  });
}

test('proven: the stats describe both forms', (t) => {
  const r = check('diamond.before', 'diamond.hoisted');
  if (!r.ok) return t.fail(JSON.stringify(r));
  t.deepEqual(r.stats.before, { form: 'memory', increments: 4, dynamicIncrements: 0, checks: 1 });
  t.deepEqual(r.stats.after, { form: 'pinned', increments: 2, dynamicIncrements: 0, checks: 0 });
  t.is(r.stats.productPoints, 3);
});

test('proven: a function against itself (Wasmtime form on both sides)', (t) => {
  for (const name of ['diamond.before', 'loop.before', 'call.before', 'split.before', 'merged.before', 'spin.before']) {
    t.true(check(name, name).ok, name);
  }
});

test('rejected: one path charges one less', (t) => {
  t.deepEqual(check('diamond.before', 'diamond.short'), {
    ok: false,
    reason: 'counterexample',
    counterexample: {
      kind: 'path',
      from: 'function entry',
      to: '`return v22` in block5',
      beforeBlocks: ['block0', 'block3', 'block6', 'block5'],
      afterBlocks: ['block0', 'block6', 'block5'],
      beforeTotal: 18,
      afterTotal: 17,
    },
  });
});

test('rejected: an increment moved out of a loop changes the cycle cost', (t) => {
  t.deepEqual(check('loop.before', 'loop.hoisted'), {
    ok: false,
    reason: 'counterexample',
    counterexample: {
      kind: 'path',
      from: 'function entry',
      to: '`return v22` in block8',
      beforeBlocks: ['block0', 'block3', 'block4', 'block6', 'block7', 'block4', 'block6', 'block7', 'block8'],
      afterBlocks: ['block0', 'block4', 'block4', 'block8'],
      beforeTotal: 12,
      afterTotal: 9,
    },
  });
});

test('rejected: an increment moved across a call', (t) => {
  t.deepEqual(check('call.before', 'call.moved'), {
    ok: false,
    reason: 'counterexample',
    counterexample: {
      kind: 'path',
      from: 'function entry',
      to: 'before `v12 = call fn1(v0, v0, v2)` in block2',
      beforeBlocks: ['block0', 'block2'],
      afterBlocks: ['block0'],
      beforeTotal: 2,
      afterTotal: 5,
    },
  });
});

test('rejected: an infinite loop that charges less per iteration', (t) => {
  t.deepEqual(check('spin.before', 'spin.cheap'), {
    ok: false,
    reason: 'counterexample',
    counterexample: {
      kind: 'cycle',
      from: 'the top of block1',
      to: 'the top of block1',
      beforeBlocks: ['block1', 'block3', 'block1'],
      afterBlocks: ['block1', 'block1'],
      beforeTotal: 3,
      afterTotal: 2,
    },
  });
});

test('rejected: a negative increment, even when the totals agree', (t) => {
  t.deepEqual(check('diamond.before', 'diamond.negative'), {
    ok: false,
    reason: 'counterexample',
    counterexample: { kind: 'negative-increment', block: 'block4', inst: 'v32 = iadd v30, v31', value: -5 },
  });
});

test('rejected: changed non-fuel code is a diagnostic naming both instructions', (t) => {
  const r = check('diamond.before', 'diamond.changed');
  if (r.ok || r.reason !== 'diagnostic') return t.fail(JSON.stringify(r));
  t.regex(r.diagnostic.message, /^structural mismatch: /);
  t.deepEqual(r.diagnostic.before, { block: 'block6', inst: 'v19 = iadd v17, v18' });
  t.deepEqual(r.diagnostic.after, { block: 'block6', inst: 'v19 = isub v17, v18' });
});

test('rejected: a different callee is a structural mismatch at the call', (t) => {
  const after = load('call.pinned');
  const text = readFileSync(new URL('call.pinned.clif', dir), 'utf8').replace('fn1 = colocated u0:4 sig1', 'fn1 = colocated u0:9 sig1');
  const r = checkFuel(load('call.before'), parse(text).functions[0]!);
  t.true(checkFuel(load('call.before'), after).ok);
  if (r.ok || r.reason !== 'diagnostic') return t.fail(JSON.stringify(r));
  t.is(r.diagnostic.message, 'structural mismatch: different instructions');
  t.deepEqual(r.diagnostic.before, { block: 'block2', inst: 'v12 = call fn1(v0, v0, v2)' });
  t.deepEqual(r.diagnostic.after, { block: 'block0', inst: 'v12 = call fn1(v0, v0, v2)' });
});

test('rejected: a run-time charge of a different amount names the differing operands', (t) => {
  const r = check('bulk.before', 'bulk.wrong-amount');
  if (r.ok || r.reason !== 'diagnostic') return t.fail(JSON.stringify(r));
  t.is(
    r.diagnostic.message,
    'structural mismatch: run-time-valued increments add different amounts; operand 1 is v4 before but v3 after, which do not correspond at block0: v9 = uextend.i64 v4 / block0: v8 = uextend.i64 v3',
  );
  t.deepEqual(r.diagnostic.before, { block: 'block0', inst: 'v10 = iadd v8, v9' });
  t.deepEqual(r.diagnostic.after, { block: 'block0', inst: 'v9 = iadd v7, v8' });
});

test('a builtin call the original keeps its counter across is not an observation point', (t) => {
  const r = check('bulk.before', 'bulk.pinned');
  if (!r.ok) return t.fail(JSON.stringify(r));
  // Entry and return only: the memory.fill call is paired but observes nothing.
  t.is(r.stats.observationPoints, 2);
  t.deepEqual(r.stats.before, { form: 'memory', increments: 2, dynamicIncrements: 1, checks: 1 });
});

test('traps are observation points only when asked', (t) => {
  // Before: 1 charged, then a conditional trap, then 2 more. After: all 3 charged up front.
  const before = parse(`function %f(i64 vmctx, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i64 notrap aligned readonly can_move v0+8
    v3 = load.i64 notrap aligned v2
    v4 = iconst.i64 1
    v5 = iadd v3, v4
    store notrap aligned v5, v2
    trapnz v1, user1
    v6 = load.i64 notrap aligned v2
    v7 = iconst.i64 2
    v8 = iadd v6, v7
    store notrap aligned v8, v2
    return v1
}`).functions[0]!;
  const after = parse(`function %f(i64 vmctx, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = get_pinned_reg.i64
    v3 = iconst.i64 3
    v4 = iadd v2, v3
    set_pinned_reg v4
    trapnz v1, user1
    return v1
}`).functions[0]!;
  t.true(checkFuel(before, after).ok);
  const r = checkFuel(before, after, { observeTraps: true });
  if (r.ok || r.reason !== 'counterexample' || r.counterexample.kind === 'negative-increment') return t.fail(JSON.stringify(r));
  t.is(r.counterexample.to, 'at `trapnz v1, user1` in block0');
  t.is(r.counterexample.beforeTotal, 1);
  t.is(r.counterexample.afterTotal, 3);
});

test('legacy dialect (iadd_imm, ifcmp + brif sge, brz) is read through a modernized copy', (t) => {
  const legacy = parse(readFileSync(new URL('../../fixtures/fuel/straight-2022.clif', import.meta.url), 'utf8')).functions[0]!;
  t.true(checkFuel(legacy, legacy).ok);
});

test('bad options are a TypeError listing the problem', (t) => {
  const fn = load('diamond.before');
  t.throws(() => checkFuel(fn, fn, { observeTraps: 'yes' } as unknown as { observeTraps: boolean }), { instanceOf: TypeError, message: /observeTraps/ });
});

// A placement written with `iadd_imm` is proven (or refuted) like one written with `iconst`.
test('iadd_imm increments in the pinned form are counted', (t) => {
  const before = parse(`function %f(i64 vmctx, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = load.i64 notrap aligned v0+8
    v3 = iconst.i64 2
    v4 = iadd v2, v3
    v5 = iconst.i64 3
    v6 = iadd v4, v5
    store notrap aligned v6, v0+8
    return v1
}`).functions[0]!;
  const after = (k: number) =>
    parse(`function %f(i64 vmctx, i32) -> i32 {
block0(v0: i64, v1: i32):
    v2 = get_pinned_reg.i64
    v3 = iadd_imm v2, ${k}
    set_pinned_reg v3
    return v1
}`).functions[0]!;
  t.true(checkFuel(before, after(5)).ok);
  const r = checkFuel(before, after(4));
  if (r.ok || r.reason !== 'counterexample' || r.counterexample.kind === 'negative-increment') return t.fail(JSON.stringify(r));
  t.is(r.counterexample.beforeTotal, 5);
  t.is(r.counterexample.afterTotal, 4);
});
