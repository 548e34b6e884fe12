// The shared recogniser of the fuel web's shapes (src/passes/fuel/web/shapes.ts).
import test from 'ava';
import { parse, type Function } from '../../src/ir/index.js';
import { findPinnedIncrements, isCounterFlush, isPinnedRead, matchCounterAdd, pinnedIncrementAt, readsPinnedRegister } from '../../src/passes/index.js';

const fn = (body: string): Function => parse(`function %f(i64, i64) -> i64 {\nblock0(v0: i64, v1: i64):\n${body}\n}`).functions[0]!;
const insts = (f: Function) => [...f.layout.blockInsts(f.layout.entryBlock()!)];

test('pinned increments in every spelling: iadd_imm, iadd with iconst either side, run-time amount', (t) => {
  const f = fn(`    v2 = get_pinned_reg.i64
    v3 = iadd_imm v2, 4
    set_pinned_reg v3
    v4 = get_pinned_reg.i64
    v5 = iconst.i64 7
    v6 = iadd v5, v4
    set_pinned_reg v6
    v7 = get_pinned_reg.i64
    v8 = iadd v7, v1
    set_pinned_reg v8
    v9 = get_pinned_reg.i64
    store v9, v0
    return v0`);
  const found = findPinnedIncrements(f);
  t.deepEqual(
    found.map((i) => i.amount),
    [4n, 7n, null],
  );
  t.is(found[0]!.constInst, undefined);
  t.is(f.dfg.insts[found[1]!.constInst!]!.opcode, 'iconst');
  t.true(readsPinnedRegister(f));
  const [, , , , , , , , , , flushRead, store] = insts(f);
  t.true(isPinnedRead(f, f.dfg.firstResult(flushRead!)));
  t.true(isCounterFlush(f, store!));
  t.false(isCounterFlush(f, insts(f)[2]!));
});

test('a write of something else is no increment; two counters or a subtracted counter are problems', (t) => {
  const f = fn(`    v2 = get_pinned_reg.i64
    v3 = iadd v2, v2
    set_pinned_reg v3
    v4 = isub v1, v2
    set_pinned_reg v1
    return v0`);
  const [get, add, set, sub, set2] = insts(f);
  const isCounter = (v: number) => isPinnedRead(f, v);
  t.is(matchCounterAdd(f, add!, isCounter), 'adds-two-counters');
  t.is(pinnedIncrementAt(f, set!), undefined);
  t.is(pinnedIncrementAt(f, set2!), undefined);
  t.is(matchCounterAdd(f, sub!, isCounter), undefined, 'isub only when asked for');
  t.is(matchCounterAdd(f, sub!, isCounter, true), 'subtracts-counter');
  t.is(matchCounterAdd(f, get!, isCounter), undefined);
  t.deepEqual(findPinnedIncrements(f), []);
});
