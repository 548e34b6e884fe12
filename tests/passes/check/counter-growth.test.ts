// The checker follows folded increments (optimized code adds to an earlier copy of the counter)
// and rejects any update of the rewritten function that makes the counter go down, whatever
// constant it adds.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { checkFuel } from '../../../src/passes/fuel/check/index.js';
import { parse, type Function } from '../../../src/ir/index.js';
import { PassManager } from '../../../src/passes/index.js';

const fixture = (path: string): Function =>
  parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8')).functions[0]!;
const fn = (text: string): Function => parse(text).functions[0]!;

const before = fn(`function u0:1(i64 vmctx, i64) -> i64 tail {
block0(v0: i64, v1: i64):
    v3 = load.i64 notrap aligned readonly can_move v0+8
    v4 = load.i64 notrap aligned v3
    v5 = iconst.i64 5
    v6 = iadd v4, v5
    store notrap aligned v6, v3
    return v1
}`);

test('a folded increment of optimized Wasmtime code is followed, and its rewrite proven', (t) => {
  const original = fixture('fuel/folded/folded-2026-opt.clif');
  const rewritten = original.clone();
  t.true(PassManager.build('fuel-pinned,fuel-drop-checks').run(rewritten).changed);
  const result = checkFuel(original, rewritten);
  t.true(result.ok, JSON.stringify(result));
});

test('setting the pinned register back to an earlier reading is a negative increment', (t) => {
  const after = fn(`function u0:1(i64 vmctx, i64) -> i64 tail {
block0(v0: i64, v1: i64):
    v2 = get_pinned_reg.i64
    v3 = iconst.i64 9
    v4 = iadd v2, v3
    set_pinned_reg v4
    v5 = iconst.i64 0
    v6 = iadd v2, v5
    set_pinned_reg v6
    return v1
}`);
  const result = checkFuel(before, after);
  t.false(result.ok);
  if (result.ok || result.reason !== 'counterexample') return t.fail(JSON.stringify(result));
  t.deepEqual(result.counterexample, { kind: 'negative-increment', block: 'block0', inst: 'set_pinned_reg v6', value: -9 });
});

test('a memory-form rewrite that adds to a stale copy is a negative increment', (t) => {
  const after = fn(`function u0:1(i64 vmctx, i64) -> i64 tail {
block0(v0: i64, v1: i64):
    v3 = load.i64 notrap aligned readonly can_move v0+8
    v4 = load.i64 notrap aligned v3
    v5 = iconst.i64 7
    v6 = iadd v4, v5
    v7 = iconst.i64 5
    v8 = iadd v4, v7
    store notrap aligned v8, v3
    return v1
}`);
  const result = checkFuel(before, after);
  t.false(result.ok);
  if (result.ok || result.reason !== 'counterexample') return t.fail(JSON.stringify(result));
  t.is(result.counterexample.kind, 'negative-increment');
  if (result.counterexample.kind === 'negative-increment') t.is(result.counterexample.value, -2);
});
