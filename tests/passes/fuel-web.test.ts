// Fuel web recognition: presets, increments, parameters, checks, calls, and the diagnostics
// for shapes that cannot be proven.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parse, print, type Function } from '../../src/ir/index.js';
import { checkFuel } from '../../src/passes/fuel/check/index.js';
import {
  findFuelWeb,
  findPinnedIncrements,
  FuelWebError,
  PassManager,
  PassRunError,
  recognizeFuelWeb,
  rewriteToPinned,
  SLACKFUEL_FUEL_ABI,
  WASMTIME_2022,
  WASMTIME_2026,
} from '../../src/passes/index.js';

const dir = fileURLToPath(new URL('../fixtures/fuel/', import.meta.url));

function load(name: string): Function {
  return parse(readFileSync(dir + name, 'utf8')).functions[0]!;
}

test('presets: Wasmtime 2026, Wasmtime 2022 and the slackfuel ABI', (t) => {
  t.deepEqual({ ...WASMTIME_2026 }, { name: 'wasmtime-2026', contextOffset: 8, counterOffset: 0 });
  t.deepEqual({ ...WASMTIME_2022 }, { name: 'wasmtime-2022', contextOffset: 8, counterOffset: 8 });
  t.deepEqual({ ...SLACKFUEL_FUEL_ABI }, { name: 'slackfuel', contextOffset: 8, counterOffset: 0 });
});

test('auto picks the preset each function proves', (t) => {
  t.is(findFuelWeb(load('loop-2026.clif'))?.location.name, 'wasmtime-2026');
  t.is(findFuelWeb(load('loop-2022-opt.clif'))?.location.name, 'wasmtime-2022');
  t.is(findFuelWeb(load('straight-2022.clif'))?.location.name, 'wasmtime-2022');
});

test('an explicit location that does not match finds no web', (t) => {
  t.is(recognizeFuelWeb(load('loop-2026.clif'), WASMTIME_2022), null);
  t.is(findFuelWeb(load('straight-2022.clif'), { location: 'wasmtime-2026' }), null);
  t.is(findFuelWeb(load('loop-2026.clif'), { location: { name: 'mine', contextOffset: 8, counterOffset: 0 } })?.location.name, 'mine');
});

test('the loop web: loads, stores, increments, parameters, checks and calls', (t) => {
  const web = findFuelWeb(load('loop-2026.clif'))!;
  t.deepEqual(
    web.increments.map((i) => [i.block, i.amount]),
    [
      [0, 3n],
      [6, 6n],
      [7, 2n],
    ],
  );
  t.deepEqual(
    web.params.map((p) => [p.block, p.value]),
    [
      [3, 11],
      [4, 15],
      [6, 20],
      [7, 28],
    ],
  );
  t.is(web.counterLoads.length, 4);
  t.is(web.counterStores.length, 4);
  t.deepEqual(
    web.checks.map((c) => [c.block, c.outOfGas, c.continuation, c.shape]),
    [
      [0, 2, 3, 'two-way'],
      [4, 5, 6, 'two-way'],
    ],
  );
  t.deepEqual(
    web.calls.map((c) => [c.block, c.convention, c.outOfGas, c.observed]),
    [
      [2, 'non-pinned', true, true],
      [5, 'non-pinned', true, true],
      [6, 'pinned', false, true],
    ],
  );
});

test('legacy checks: ifcmp + brif sge, brnz, brz', (t) => {
  t.deepEqual(
    findFuelWeb(load('straight-2022.clif'))!.checks.map((c) => c.shape),
    ['to-out-of-gas'],
  );
  t.deepEqual(
    findFuelWeb(load('loop-2022-opt.clif'))!.checks.map((c) => [c.shape, c.outOfGas, c.continuation]),
    [
      ['to-out-of-gas', 2, 3],
      ['to-continuation', 5, 6],
    ],
  );
  t.deepEqual(
    findFuelWeb(load('loop-2022-opt.clif'))!.increments.map((i) => i.amount),
    [3n, 6n, 2n],
  );
});

test('a dynamic increment has no constant amount, and an unobserved builtin call stays as it is', (t) => {
  const web = findFuelWeb(load('bulk-memory-2026.clif'))!;
  t.deepEqual(
    web.increments.map((i) => i.amount),
    [1n, 4n, null],
  );
  const fill = web.calls.find((c) => !c.outOfGas)!;
  t.is(fill.convention, 'non-pinned');
  t.false(fill.observed);
});

test('call conventions follow the options: indirect calls flushed when asked', (t) => {
  const fn = load('calls-2026.clif');
  const byDefault = rewriteToPinned(load('calls-2026.clif'))!;
  t.is(byDefault.flushedCalls, 2, 'the out-of-gas builtin and u1:3');
  const indirect = rewriteToPinned(fn, { callees: { nonPinned: ['u805306368:*', 'u1:*'], indirect: 'non-pinned' } })!;
  t.is(indirect.flushedCalls, 3);
  const text = print(fn);
  t.regex(text, /v\d+ = get_pinned_reg\.i64 \n\s+store notrap aligned v\d+, v3\n\s+v20 = call_indirect sig2, v16\(v17, v0, v14\)\n\s+v\d+ = load\.i64 notrap aligned v3\n\s+set_pinned_reg v\d+/);
});

test('every wasm call counts as pinned when nothing is non-pinned: only the builtin is flushed', (t) => {
  const result = rewriteToPinned(load('calls-2026.clif'), { callees: { nonPinned: [], indirect: 'pinned' } })!;
  t.is(result.flushedCalls, 1);
});

test('a memory-only counter (loaded and stored in every block) is a web too', (t) => {
  const fn = parse(`function u0:40(i64 vmctx, i64, i32) tail {
    gv0 = vmctx
block0(v0: i64, v1: i64, v2: i32):
    v3 = load.i64 notrap aligned readonly v0+8
    jump block1(v2)

block1(v4: i32):
    v5 = load.i64 notrap aligned v3
    v6 = iconst.i64 2
    v7 = iadd v5, v6
    store notrap aligned v7, v3
    v8 = iconst.i32 1
    v9 = isub v4, v8
    brif v9, block1(v9), block2

block2:
    return
}`).functions[0]!;
  const web = findFuelWeb(fn)!;
  t.is(web.increments.length, 1);
  t.is(web.params.length, 0);
  PassManager.build('fuel-pinned').run(fn);
  t.false(print(fn).includes('load.i64 notrap aligned v3'));
  t.regex(print(fn), /get_pinned_reg\.i64 \n\s+v7 = iadd v\d+, v6/);
});

test('a function without counter accesses is left alone', (t) => {
  const text = `function %plain(i32) -> i32 fast {
block0(v0: i32):
    v1 = iadd v0, v0
    return v1
}
`;
  const fn = parse(text).functions[0]!;
  t.is(findFuelWeb(fn), null);
  const result = PassManager.build('fuel-pinned,fuel-drop-checks').run(fn);
  t.false(result.changed);
  t.is(print(fn), text);
});

const invalid = readdirSync(`${dir}invalid/`).filter((f) => f.endsWith('.clif'));

test('there are negative fixtures', (t) => {
  t.true(invalid.length >= 10);
});

for (const name of invalid) {
  const text = readFileSync(`${dir}invalid/${name}`, 'utf8');
  const expected = /; expect-error: (.*)/.exec(text)?.[1]?.trim() ?? '';
  for (const pipeline of ['fuel-pinned', 'fuel-drop-checks']) {
    test(`invalid/${name}: ${pipeline} refuses with a diagnostic containing '${expected}'`, (t) => {
      t.not(expected, '');
      const fn = parse(text).functions[0]!;
      const before = print(fn);
      const error = t.throws(() => PassManager.build(pipeline).run(fn), { instanceOf: PassRunError });
      const cause = error?.cause;
      t.true(cause instanceof FuelWebError);
      if (!(cause instanceof FuelWebError)) return;
      t.true(cause.message.includes(expected), cause.message);
      t.is(cause.location, 'wasmtime-2026');
      t.true(cause.inst !== undefined || cause.block !== undefined);
      if (cause.inst !== undefined) t.true(cause.message.includes('`'), 'the instruction is quoted');
      t.is(print(fn), before, 'nothing was rewritten');
    });
  }
}

test('inverted and swapped compares: icmp slt F, 0 and icmp sle 0, F', (t) => {
  const make = (compare: string, branch: string): string => `function u0:50(i64 vmctx, i64) tail {
    gv0 = vmctx
    sig0 = (i64 vmctx) -> i8 tail
    fn0 = colocated u805306368:12 sig0

block0(v0: i64, v1: i64):
    v3 = load.i64 notrap aligned readonly v0+8
    v4 = load.i64 notrap aligned v3
    v5 = iconst.i64 4
    v6 = iadd v5, v4
    v7 = iconst.i64 0
    ${compare}
    ${branch}

block1:
    store notrap aligned v6, v3
    v9 = call fn0(v0)
    v10 = load.i64 notrap aligned v3
    jump block2(v10)

block2(v11: i64):
    store notrap aligned v11, v3
    return
}`;
  for (const [compare, branch] of [
    ['v8 = icmp slt v6, v7', 'brif v8, block2(v6), block1'],
    ['v8 = icmp sle v7, v6', 'brif v8, block1, block2(v6)'],
    ['v8 = icmp sgt v7, v6', 'brif v8, block2(v6), block1'],
  ] as const) {
    const before = parse(make(compare, branch)).functions[0]!;
    const web = findFuelWeb(before)!;
    t.deepEqual(
      web.checks.map((c) => [c.outOfGas, c.continuation]),
      [[1, 2]],
      compare,
    );
    t.deepEqual(web.increments.map((i) => [i.fuelOperand, i.amount]), [[1, 4n]], 'the counter may be the second operand');
    const after = parse(make(compare, branch)).functions[0]!;
    PassManager.build('fuel-pinned,fuel-drop-checks').run(after);
    t.true(checkFuel(before, after).ok, compare);
    t.regex(print(after), /v6 = iadd v5, v\d+  ; v5 = 4\n\s+set_pinned_reg v6\n\s+jump block2\n/);
  }
});

test('findPinnedIncrements reads the pinned form back', (t) => {
  const fn = load('bulk-memory-2026.clif');
  PassManager.build('fuel-pinned,fuel-drop-checks').run(fn);
  t.deepEqual(
    findPinnedIncrements(fn).map((p) => [p.block, p.amount]),
    [
      [0, 1n],
      [3, 4n],
      [3, null],
    ],
  );
});

test('a classify callback overrides the callee lists', (t) => {
  const seen: Array<string | undefined> = [];
  const result = rewriteToPinned(load('calls-2026.clif'), {
    callees: {
      nonPinned: [],
      indirect: 'pinned',
      classify: (callee) => {
        seen.push(callee);
        return callee === 'u0:7' ? 'non-pinned' : undefined;
      },
    },
  })!;
  t.is(result.flushedCalls, 2, 'the builtin (always) and u0:7 (by the callback)');
  t.true(seen.includes('u0:7') && seen.includes(undefined) && seen.includes('u1:3'));
});

test('2022 builtin calls through the builtin array are non-pinned; memory.grow is unobserved', (t) => {
  const web = findFuelWeb(load('memory-grow-2022.clif'))!;
  t.deepEqual(
    web.calls.map((c) => [c.block, c.convention, c.outOfGas, c.observed]),
    [
      [2, 'non-pinned', true, true],
      [3, 'non-pinned', false, false],
      [3, 'pinned', false, true],
    ],
  );
});

// call_ref through a funcref kept in a vmctx global (tests/fixtures/wasmtime/funcref.wat, call_g):
// the code is loaded from a pointer loaded from the vmctx, as through the builtin array, but the
// callee vmctx comes from the func-ref. It is a wasm function: flushing and reloading the
// counter around it would drop the fuel it charges.
const CALL_REF_THROUGH_GLOBAL = `function u0:5(i64 vmctx, i64, i32, i32) -> i32 tail {
    gv0 = vmctx
    gv1 = load.i64 notrap aligned readonly gv0+8
    gv2 = load.i64 notrap aligned gv1+16
    sig0 = (i64 vmctx) -> i8 tail
    sig1 = (i64 vmctx, i64, i32) -> i32 tail
    fn0 = colocated u805306368:12 sig0
    stack_limit = gv2

block0(v0: i64, v1: i64, v2: i32, v3: i32):
    v5 = load.i64 notrap aligned readonly can_move v0+8
    v6 = load.i64 notrap aligned v5
    v7 = iconst.i64 1
    v8 = iadd v6, v7  ; v7 = 1
    v9 = iconst.i64 0
    v10 = icmp sge v8, v9  ; v9 = 0
    brif v10, block2, block3(v8)

block2:
    store.i64 notrap aligned v8, v5
    v11 = call fn0(v0)
    v12 = load.i64 notrap aligned v5
    jump block3(v12)

block3(v14: i64):
    v15 = iconst.i64 2
    v16 = iadd v14, v15  ; v15 = 2
    brif.i32 v2, block4, block5

block4:
    v17 = iconst.i32 2
    v18 = load.i64 notrap aligned v0+48
    v19 = load.i64 notrap aligned v18+8
    v20 = load.i64 notrap aligned v18
    v21 = uextend.i64 v17  ; v17 = 2
    v22 = icmp uge v21, v19
    trapnz v22, user2
    v23 = iconst.i64 3
    v24 = ishl v21, v23  ; v23 = 3
    v25 = iadd v20, v24
    v26 = load.i64 notrap aligned v25
    store notrap aligned v26, v0+128
    v27 = iconst.i64 3
    v28 = iadd.i64 v16, v27  ; v27 = 3
    jump block6(v28)

block5:
    jump block6(v16)

block6(v32: i64):
    v31 = load.i64 notrap aligned v0+128
    v33 = iconst.i64 3
    v34 = iadd v32, v33  ; v33 = 3
    store notrap aligned v34, v5
    trapz v31, user6
    v35 = load.i64 notrap aligned v31
    v36 = load.i64 notrap aligned v31+8
    v37 = call_indirect sig1, v35(v36, v0, v3)
    v38 = load.i64 notrap aligned v5
    jump block1(v37)

block1(v4: i32):
    store.i64 notrap aligned v38, v5
    return v4
}`;

test('a call_ref through a funcref global is a pinned wasm call, not a builtin', (t) => {
  const fn = parse(CALL_REF_THROUGH_GLOBAL).functions[0]!;
  const web = findFuelWeb(fn)!;
  t.deepEqual(
    web.calls.map((c) => [c.convention, c.outOfGas]),
    [
      ['non-pinned', true],
      ['pinned', false],
    ],
  );
  t.is(rewriteToPinned(fn)!.flushedCalls, 1, 'only the out-of-gas builtin');
});

test('an increment folded onto an older counter value charges the difference', (t) => {
  const web = findFuelWeb(load('folded/folded-2026-opt.clif'))!;
  t.deepEqual(
    web.increments.map((i) => [i.amount, i.charge, i.fuelOperand]),
    [
      [1n, 1n, 0],
      [4n, 3n, 1],
    ],
  );
});
