// Edge-profile instrumentation, measured by running it: the counts of a loop whose trip counts
// are known, flow conservation, fuel-place fed the measured profile (same fuel, proven by
// checkFuel), and what cannot be instrumented.
import test from 'ava';
import { WASM_RUNTIME_SLOTS } from '../../../src/abi/index.js';
import { formatFunctionName, parse, print, type Function } from '../../../src/ir/index.js';
import { verify } from '../../../src/native/index.js';
import { checkFuel } from '../../../src/passes/fuel/check/check-fuel.js';
import type { EdgeProfileFile } from '../../../src/passes/fuel/placement-clif/profile.js';
import { edgeProfileFromCounts, instrumentEdgeCounters, type EdgeCounterMap } from '../../../src/passes/profile/edge-counters.js';
import { Engine } from '../../../src/runtime/index.js';
import { compileWasm } from '../../../src/wasm/instance.js';
import { wat } from '../../wasm/wat.js';

const PINNED = 'fuel-pinned,fuel-drop-checks';

// $count: i from 0 to n-1; odd i add i, even i subtract 1. Exported twice over a call.
const SOURCE = `(module
  (func $count (param $n i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (local.set $s (i32.add (local.get $s) (local.get $i))))
          (else (local.set $s (i32.sub (local.get $s) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s))
  (func (export "twice") (param $n i32) (result i32)
    (i32.add (call $count (local.get $n)) (call $count (local.get $n)))))`;

async function profiled(n: number): Promise<{ map: EdgeCounterMap; counts: number[]; result: unknown; profile: EdgeProfileFile }> {
  let map: EdgeCounterMap | undefined;
  const module = await compileWasm(await wat(SOURCE), 'count', new Engine(), {
    pipeline: PINNED,
    transform: (fns) => {
      map = instrumentEdgeCounters(fns, { slot: WASM_RUNTIME_SLOTS.profileCounters });
      return { profileCounters: map.counters };
    },
  });
  const instance = await module.instantiate();
  try {
    const r = await instance.call('twice', [n]);
    const counts = instance.readProfileCounters();
    return { map: map!, counts, result: r.results[0], profile: edgeProfileFromCounts(map!, counts) };
  } finally {
    instance.dispose();
  }
}

test('counts: entries, the loop edges and both arms of the if', async (t) => {
  const { map, counts, result, profile } = await profiled(10);
  // odd i: 1+3+5+7+9 = 25, even: -5, twice.
  t.deepEqual(result, 40);
  t.is(map.skipped.length, 0);
  t.is(counts.length, map.counters);
  const count = map.functions.find((f) => f.name === 'u0:0')!;
  t.is(counts[count.entry], 2, '$count entered twice');
  t.is(counts[map.functions.find((f) => f.name === 'u0:1')!.entry], 1);
  const edgeCounts = count.edges.map((e) => counts[e.counter]!);
  t.true(edgeCounts.filter((c) => c === 10).length >= 2, `odd and even arms run 5 times per call: ${edgeCounts.join(' ')}`);
  t.true(edgeCounts.includes(20) || edgeCounts.includes(22), `the loop test runs 11 times per call: ${edgeCounts.join(' ')}`);
  t.is(profile['u0:0']!.entryCount, 2);
});

test('an instrumented module knows its counters and refuses an instance with fewer', async (t) => {
  let counters = 0;
  const module = await compileWasm(await wat(SOURCE), 'count', new Engine(), {
    pipeline: PINNED,
    transform: (fns) => ({ profileCounters: (counters = instrumentEdgeCounters(fns, { slot: WASM_RUNTIME_SLOTS.profileCounters }).counters) }),
  });
  t.true(counters > 4);
  t.is(module.profileCounters, counters);
  await t.throwsAsync(module.instantiate({ profileCounters: counters - 1 }), { message: /too few/ });
  await t.throwsAsync(module.instantiate({ profileCounters: 0 }), { message: /too few/ });
  const instance = await module.instantiate({ profileCounters: counters + 3 });
  await instance.call('twice', [3]);
  t.is(instance.readProfileCounters().length, counters + 3);
  instance.dispose();
});

test('flow is conserved at every block that returns to its caller', async (t) => {
  const { map, counts } = await profiled(7);
  for (const f of map.functions) {
    const flow = new Map<number, number>();
    for (const e of f.edges) {
      flow.set(e.from, (flow.get(e.from) ?? 0) - counts[e.counter]!);
      flow.set(e.to, (flow.get(e.to) ?? 0) + counts[e.counter]!);
    }
    const outgoing = new Set(f.edges.map((e) => e.from));
    const entry = f.entryBlock;
    for (const [block, net] of flow) {
      if (!outgoing.has(block)) continue; // a return block: everything in, nothing out
      t.is(net + (block === entry ? counts[f.entry]! : 0), 0, `${f.name} block${block}`);
    }
  }
});

test('fuel-place fed the measured profile charges the same fuel (checkFuel) and runs it', async (t) => {
  const { profile } = await profiled(10);
  const engine = new Engine();
  const bytes = await wat(SOURCE);
  let pinned: Function[] = [];
  let placed: Function[] = [];
  const pipeline = `${PINNED},fuel-place${JSON.stringify({ profile })}`;
  const module = await compileWasm(bytes, 'count', engine, { pipeline, transform: (fns) => {
      placed = [...fns];
    },
  });
  await compileWasm(bytes, 'count', engine, { pipeline: PINNED, transform: (fns) => {
      pinned = [...fns];
    },
  });
  t.is(placed.length, 2);
  for (const [i, fn] of placed.entries()) t.true(checkFuel(pinned[i]!, fn).ok, formatFunctionName(fn.name));
  const vanilla = await (await compileWasm(bytes, 'vanilla', engine)).instantiate();
  const count = await module.instantiate();
  try {
    const want = await vanilla.call('twice', [10]);
    const got = await count.call('twice', [10]);
    t.deepEqual(got.results, want.results);
    t.is(got.fuelConsumed, want.fuelConsumed);
  } finally {
    vanilla.dispose();
    count.dispose();
  }
});

test('functions without a vmctx, or in the legacy dialect, are skipped with the reason', async (t) => {
  const [plain] = parse('function %f(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}\n').functions;
  const map = instrumentEdgeCounters([plain!], { slot: 88 });
  t.is(map.counters, 0);
  t.deepEqual(map.skipped, [{ name: '%f', reason: 'no vmctx parameter to reach the counters through' }]);
  t.throws(() => edgeProfileFromCounts(map, [1]), { instanceOf: RangeError });
  t.throws(() => instrumentEdgeCounters([], { slot: 3 }));
  const [legacy] = parse('function %g(i64 vmctx, i32) {\nblock0(v0: i64, v1: i32):\n    brz v1, block1\n\nblock2:\n    return\n\nblock1:\n    return\n}\n').functions;
  t.regex(instrumentEdgeCounters([legacy!], { slot: 88 }).skipped[0]!.reason, /legacy dialect/);
  // A flags brif does not end its block either (it falls through to the jump after it).
  const [flags] = parse(
    'function %k(i64 vmctx, i32) {\nblock0(v0: i64, v1: i32):\n    v2 = ifcmp_imm v1, 0\n    brif eq v2, block1\n    jump block2\n\nblock1:\n    return\n\nblock2:\n    return\n}\n',
  ).functions;
  t.regex(instrumentEdgeCounters([flags!], { slot: 88 }).skipped[0]!.reason, /block0 branches in the legacy dialect/);
});

test('the printed instrumentation: a bump per edge, split edges for branches', async (t) => {
  const [fn] = parse(
    'function %h(i64 vmctx, i32) -> i32 {\nblock0(v0: i64, v1: i32):\n    brif v1, block1, block2\n\nblock1:\n    jump block2\n\nblock2:\n    return v1\n}\n',
  ).functions;
  const map = instrumentEdgeCounters([fn!], { slot: 88 });
  t.is(map.counters, 4, 'entry and three edges');
  t.deepEqual(
    map.functions[0]!.edges.map((e) => [e.from, e.to]),
    [
      [0, 1],
      [0, 2],
      [1, 2],
    ],
  );
  t.is(fn!.layout.blockList().length, 5, 'the two branch edges of block0 are split');
  const text = print(fn!);
  t.is(text.match(/store notrap aligned/g)?.length, 4);
  t.true(text.includes('load.i64 notrap aligned readonly v0+88'));
  t.deepEqual(verify(text), { ok: true }, 'Cranelift accepts it');
});
