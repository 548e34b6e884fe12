// fuel-place on small hand-made pinned-form functions: exactly which increments land where
// (per block, in layout order; blocks created on split edges named by the edge they sit on),
// and every result is proven equivalent to its input by checkFuel (inside `place`).
import test from 'ava';
import { buildControlFlow } from '../../../src/analysis/cfg.js';
import type { Function } from '../../../src/ir/index.js';
import { functionFlowGraph, PassManager, PassRunError } from '../../../src/passes/index.js';
import { FuelPlaceError } from '../../../src/passes/fuel/placement-clif/index.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, print } from '../../../src/ir/index.js';
import { verify } from '../../../src/native/index.js';
import { checkFuel } from '../../../src/passes/fuel/check/index.js';
import { expand, fn, increments, place } from './helpers.js';
import { PLACE_CASES } from './place-cases.js';

/** Blocks numbered `firstNew` and up (created by the pass): `from->to` of the edge they split. */
function splitBlocks(f: Function, firstNew: number): Record<string, string> {
  const cfg = buildControlFlow(functionFlowGraph(f));
  const out: Record<string, string> = {};
  for (const b of f.layout.blockList()) {
    if (b < firstNew) continue;
    out[`block${b}`] = `block${cfg.predecessors(b).join(',block')}->block${cfg.successors(b).join(',block')}`;
  }
  return out;
}

const STRAIGHT = PLACE_CASES['straight']!;

test('straight line: one increment at the entry for the whole run', (t) => {
  const r = place(STRAIGHT);
  t.deepEqual(increments(r.after), { block0: [6] });
  t.like(r.stats, { 'fuel-place.static-before': 3, 'fuel-place.static-after': 1, 'fuel-place.dynamic-before': 3, 'fuel-place.dynamic-after': 1, 'fuel-place.split-edges': 0 });
  t.true(r.run.passes[0]!.changed);
});

const diamond = (a: number, b: number) => `function %diamond(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +2
    brif v1, block1, block2
block1:
    +${a}
    jump block3
block2:
    +${b}
    jump block3
block3:
    +1
    return v1
}`;

test('diamond costing 10 and 15: each side charges its whole path, nothing before the branch or in the join', (t) => {
  const r = place(diamond(10, 15));
  t.deepEqual(increments(r.after), { block1: [13], block2: [18] });
  t.like(r.stats, { 'fuel-place.static-before': 4, 'fuel-place.static-after': 2, 'fuel-place.dynamic-before': 3, 'fuel-place.dynamic-after': 1 });
});

test('diamond costing 10 and 10: the common charge is hoisted before the branch', (t) => {
  const r = place(diamond(10, 10));
  t.deepEqual(increments(r.after), { block0: [13] });
});

test('nested loops: one increment per inner iteration, one per outer iteration, one per call', (t) => {
  const r = place(PLACE_CASES['nested loops']!);
  // Entry prepays the first header test and the exit (1 + 2 + 1); the inner loop costs 3 + 4;
  // the outer latch pays itself and the next header test (5 + 2).
  t.deepEqual(increments(r.after), { block0: [4], block2: [7], block4: [7] });
  t.is(r.stats['fuel-place.static-after'], 3);
  t.true(r.stats['fuel-place.dynamic-after']! < r.stats['fuel-place.dynamic-before']! / 2);
});

test('loop with an early exit: the exit edge out of the body gets its own block', (t) => {
  const r = place(PLACE_CASES['loop with an early exit (a split critical edge)']!);
  // 0 prepays 1 + 2 + 5 (the exit through the header); the latch pays 4 + 2 + 3 for the next
  // trip, and the early exit pays only what differs: 5 - 2 ... = 3.
  t.deepEqual(increments(r.after), { block0: [8], block5: [3], block3: [9] });
  t.deepEqual(splitBlocks(r.after, 5), { block5: 'block2->block4' });
  t.like(r.stats, { 'fuel-place.static-before': 5, 'fuel-place.static-after': 3, 'fuel-place.split-edges': 1 });
});

test('br_table switch: each arm charges its own path, the shared join none', (t) => {
  const r = place(PLACE_CASES['br_table switch']!);
  t.deepEqual(increments(r.after), { block1: [6], block2: [6], block3: [10], block4: [3] });
  t.like(r.stats, { 'fuel-place.dynamic-after': 1 });
});

test('irreducible loop (two entries): exact on every entry path and around the cycle', (t) => {
  const r = place(PLACE_CASES['irreducible loop']!);
  // The cycle 1 -> 2 -> 1 costs 5, all charged in block2; the entry into 1 and the exit from 1
  // are critical edges that carry the rest.
  t.deepEqual(increments(r.after), { block4: [2], block5: [2], block2: [5] });
  t.deepEqual(splitBlocks(r.after, 4), { block4: 'block0->block1', block5: 'block1->block3' });
});

test('infinite loop: the cycle keeps its cost; charges before it, never observed, are dropped', (t) => {
  const r = place(PLACE_CASES['infinite loop']!);
  t.deepEqual(increments(r.after), { block1: [5] });
});

test('calls split blocks: exact before and after each call, the segments between merge', (t) => {
  const r = place(PLACE_CASES['calls']!);
  t.deepEqual(increments(r.after), { block0: [1, 5], block1: [4] });
  t.regex(r.text, /set_pinned_reg v\d+\n {4}v2 = call fn0/);
});

test('flushes and reloads around a host call stay outside the moved charges', (t) => {
  const text = readFileSync(new URL('../../fixtures/fuel/calls-2026.clif', import.meta.url), 'utf8');
  const original = parse(text).functions[0]!;
  const f = parse(text).functions[0]!;
  PassManager.build('fuel-pinned,fuel-drop-checks,fuel-place').run(f);
  t.true(checkFuel(original, f).ok);
  const out = print(f);
  // Before the host call: the charge, then the flush; after it: the reload, then the charge.
  t.regex(out, /set_pinned_reg v\d+\n {4}v31 = get_pinned_reg\.i64 \n {4}store notrap aligned v31, v3\n {4}v24 = call fn1\(v0, v20\)\n {4}v32 = load\.i64 notrap aligned v3\n {4}set_pinned_reg v32\n {4}v26 = iconst\.i64 1\n {4}v\d+ = get_pinned_reg\.i64 \n {4}v27 = iadd/);
});

test('unreachable blocks are left as they are', (t) => {
  const r = place(PLACE_CASES['unreachable block']!);
  t.deepEqual(increments(r.after), { block0: [3], block1: [9] });
  t.like(r.stats, { 'fuel-place.static-before': 2, 'fuel-place.static-after': 1 });
});

test('a dynamic (bulk-memory) cost stays where it is; constants move around it', (t) => {
  const r = place(PLACE_CASES['dynamic bulk cost']!);
  t.deepEqual(increments(r.after), { block0: [3], block1: [4, 'dyn'] });
});

test('conditional traps split segments only when observed', (t) => {
  const text = PLACE_CASES['conditional trap']!;
  t.deepEqual(increments(place(text).after), { block0: [6] });
  t.deepEqual(increments(place(text, { observeTraps: true }).after), { block0: [3], block1: [3] });
});

test('an edge profile decides which side of a critical edge pays', (t) => {
  const text = `function %profiled(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +1
    brif v1, block1, block2
block1:
    +4
    jump block2
block2:
    +2
    return v1
}`;
  // Estimate (each side half the time), and a profile where block1 never runs: pay 3 before
  // the branch and 4 in block1.
  t.deepEqual(increments(place(text).after), { block0: [3], block1: [4] });
  const cold = place(text, { profile: { '%profiled': { entryCount: 10, edges: { '0->2': 10 } } } });
  t.deepEqual(increments(cold.after), { block0: [3], block1: [4] });
  t.like(cold.stats, { 'fuel-place.dynamic-after': 1 });
  // A profile where block1 always runs: one increment of 7 there, and the edge 0 -> 2 (never
  // taken) gets its own block.
  const hot = place(text, { profile: { profiled: { entryCount: 10, edges: { 'block0->block1': 10, '1->2': 10 } } } });
  t.deepEqual(increments(hot.after), { block1: [7], block3: [3] });
  t.deepEqual(splitBlocks(hot.after, 3), { block3: 'block0->block2' });
  t.like(hot.stats, { 'fuel-place.dynamic-before': 3, 'fuel-place.dynamic-after': 1, 'fuel-place.split-edges': 1 });
});

test('an edge profile can be a JSON file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fuel-place-'));
  const file = join(dir, 'profile.json');
  writeFileSync(file, JSON.stringify({ '%straight': { entryCount: 2, edges: { '0->1': 2, '1->2': 2 } } }));
  t.like(place(STRAIGHT, { profile: file }).stats, { 'fuel-place.dynamic-after': 1 });
  writeFileSync(file, '{"%straight": {"entryCount": 0, "edges": {}}}');
  t.throws(() => place(STRAIGHT, { profile: file }), { message: /bad profile: %straight\.entryCount/ });
  t.throws(() => place(STRAIGHT, { profile: join(dir, 'missing.json') }), { message: /cannot read the profile/ });
});

test('a profile naming an edge the function does not have is an error', (t) => {
  const error = t.throws(() => PassManager.build([{ name: 'fuel-place', options: { profile: { '%straight': { entryCount: 1, edges: { '0->2': 1 } } } } }]).run(fn(STRAIGHT)), { instanceOf: PassRunError });
  t.regex(error!.message, /no edge block0 -> block2/);
  t.true(error!.cause instanceof FuelPlaceError);
});

test('bad options list what is valid', (t) => {
  const error = t.throws(() => PassManager.build('fuel-place{splitEdgeCost=-1}'));
  t.regex(error!.message, /splitEdgeCost/);
  t.regex(error!.message, /observeTraps/);
  t.throws(() => PassManager.build('fuel-place{bogus=1}'), { message: /bogus|Unrecognized/ });
});

test('on a function whose counter is still in memory, it says to run fuel-pinned first', (t) => {
  const wasmtime = `function u0:1(i64 vmctx, i64, i32) -> i32 tail {
block0(v0: i64, v1: i64, v2: i32):
    v3 = load.i64 notrap aligned readonly can_move v0+8
    v4 = load.i64 notrap aligned v3
    v5 = iconst.i64 2
    v6 = iadd v4, v5
    store notrap aligned v6, v3
    return v2
}`;
  const error = t.throws(() => PassManager.build('fuel-place').run(fn(wasmtime)), { instanceOf: PassRunError });
  t.regex(error!.message, /run fuel-pinned first/);
  const piped = fn(wasmtime);
  PassManager.build('fuel-pinned,fuel-drop-checks,fuel-place').run(piped);
  t.deepEqual(increments(piped), { block0: [2] });
});

test('a function without fuel is left unchanged', (t) => {
  const r = PassManager.build('fuel-place').run(fn(`function %plain(i32) -> i32 {
block0(v0: i32):
    return v0
}`));
  t.false(r.changed);
  t.is(r.stats.size, 0);
});

test('a negative increment is refused with the instruction named', (t) => {
  const error = t.throws(() => PassManager.build('fuel-place').run(fn(expand(STRAIGHT.replace('+2', '+0')).replace(/iconst\.i64 0/, 'iconst.i64 -4'))), { instanceOf: PassRunError });
  t.regex(error!.message, /negative fuel increment -4 at `v\d+ = iadd v\d+, v\d+` in block1/);
});

test('a reload in the middle of a segment is refused', (t) => {
  const error = t.throws(
    () =>
      PassManager.build('fuel-place').run(
        fn(`function %odd(i64 vmctx, i32) -> i32 tail {
block0(v0: i64, v1: i32):
    +1
    v2 = load.i64 notrap aligned v0
    set_pinned_reg v2
    return v1
}`),
      ),
    { instanceOf: PassRunError },
  );
  t.regex(error!.message, /overwrites the counter/);
});

test('entity numbers of untouched values and blocks stay the same', (t) => {
  const r = place(diamond(10, 15));
  t.regex(r.text, /^block0\(v0: i64, v1: i32\):\n {4}brif v1, block1, block2$/m);
  // The kept increments reuse their instructions (block1's: v1003 = get, v1004 = iadd, v1005 = iconst).
  t.regex(r.text, /block1:\n {4}v1005 = iconst\.i64 13\n {4}v1003 = get_pinned_reg\.i64 \n {4}v1004 = iadd v1003, v1005/);
});

test('a charged try_call edge that passes call results gets a block taking them as parameters', (t) => {
  const source = PLACE_CASES['try_call edge passing call results']!;
  const f = fn(source);
  const run = PassManager.build('fuel-place').run(f);
  t.true(run.passes[0]!.cfgChanged);
  // Exact before the call (5), after it on each out-edge (1 to the return, 6 on the split
  // handler edge), and on the other path into the join (2 + 4 + 6).
  t.deepEqual(increments(f), { block1: [5], block5: [6], block2: [12], block3: [1] });
  const text = print(f);
  t.regex(text, /try_call fn0\(v1\), sig0, block3\(ret0\), \[ default: block5\(exn0\) \]\n\nblock5\(v(\d+): i64\):\n(?:.*\n){4} {4}jump block4\(v\1\)/);
  t.deepEqual(verify(text, { enable_pinned_reg: true }), { ok: true });
  // checkFuel cannot pair the new block's parameter with the join's (block parameters are
  // paired in order of entry), so it may answer with a diagnostic, but never a counterexample.
  const check = checkFuel(fn(source), f);
  t.true(check.ok || check.reason === 'diagnostic', JSON.stringify(check));
});
