// fuel-counted-loops end to end on the native runtime: a module of counted loops (both widths,
// steps ±2^t up to the sign bit, the zero test, a loop that traps inside, loops that exit from
// their top) compiled under slacked metering with fuel-place alone, with
// fuel-place,fuel-counted-loops, and with fuel-counted-loops alone (increments where Wasmtime
// puts them, so a loop exiting from its top charges on both sides of its test). Every loop is versioned
// and proven by check-fuel against the vanilla translation; on random starts, trip counts (0 and
// 1 wrap around, many) and bounds (including ones the loop never meets), with and without a
// budget, both give the same results, traps and fuel as each other, and as vanilla when the
// budget covers the run; a budget that runs out inside the loop is out of fuel in both.
import test from 'ava';
import fc from 'fast-check';
import { parse } from '../../../src/ir/index.js';
import { checkFuel } from '../../../src/passes/fuel/check/index.js';
import { PassManager } from '../../../src/passes/index.js';
import { OutOfFuel } from '../../../src/runtime/errors.js';
import { Engine } from '../../../src/runtime/engine.js';
import { compileWasm, translate, WasmTrap, type WasmInstance } from '../../../src/wasm/index.js';
import { wat } from '../../wasm/wat.js';
import { registerUnitIncrements } from '../../../src/bench/unit-increments.js';
import { LOOP_FNS, LOOPS_WAT, type LoopFn } from './loops-wat.js';

const PLACED = 'fuel-pinned,fuel-drop-checks,fuel-place';
const COUNTED = `${PLACED},fuel-counted-loops`;
const UNPLACED_COUNTED = 'fuel-pinned,fuel-drop-checks,fuel-counted-loops';
const bytes = await wat(LOOPS_WAT);
const engine = new Engine();

type Outcome = { kind: 'ok'; results: unknown; fuel: number | null } | { kind: 'trap'; trap: string } | { kind: 'out-of-fuel' };

async function outcome(instance: WasmInstance, f: LoopFn, start: bigint, bound: bigint, fuel: number | undefined): Promise<Outcome> {
  const arg = (x: bigint) => (f.width === 32 ? Number(BigInt.asIntN(32, x)) : BigInt.asIntN(64, x));
  try {
    const r = await instance.call(f.name, [arg(start), arg(bound)], fuel === undefined ? {} : { fuel });
    return { kind: 'ok', results: r.results, fuel: r.fuelConsumed };
  } catch (error) {
    if (error instanceof OutOfFuel) return { kind: 'out-of-fuel' };
    if (error instanceof WasmTrap) return { kind: 'trap', trap: error.kind };
    throw error;
  }
}

for (const pipeline of [COUNTED, UNPLACED_COUNTED]) {
  test(`every loop of the module is versioned, and check-fuel proves each function against vanilla (${pipeline})`, (t) => {
    const translated = translate(bytes, { metering: 'vanilla' });
    const counted = PassManager.build(pipeline);
    let versioned = 0;
    for (const fn of translated.functions) {
      const before = parse(fn.clif).functions[0]!;
      const after = parse(fn.clif).functions[0]!;
      versioned += counted.run(after).stats.get('fuel-counted-loops.versioned') ?? 0;
      const r = checkFuel(before, after);
      t.true(r.ok, `${JSON.stringify(r)}`);
    }
    t.is(versioned, LOOP_FNS.length);
  });
}

for (const name of ['loop32_p1', 'top32_m1']) {
  test(`the prepaid copy runs: a covered loop executes one increment where fuel-place runs one per iteration (${name})`, async (t) => {
    registerUnitIncrements();
    const f = LOOP_FNS.find((x) => x.name === name)!;
    const counts: number[] = [];
    for (const pipeline of [PLACED, COUNTED]) {
      const module = await compileWasm(bytes, 'count', engine, { pipeline: `${pipeline},fuel-unit-increments` });
      const instance = await module.instantiate();
      try {
        const r = await outcome(instance, f, 0n, 1000n * f.step, undefined);
        if (r.kind !== 'ok' || r.fuel === null) return t.fail(JSON.stringify(r));
        counts.push(r.fuel);
      } finally {
        instance.dispose();
      }
    }
    // fuel-place: one per iteration plus the entry's (1001); counted: the entry's, the prepay and the exit's (2-3).
    t.true(counts[0]! >= 1000, `${counts[0]}`);
    t.true(counts[1]! <= 3, `${counts[1]}`);
  });
}

test('with and without fuel-counted-loops: same results, traps and fuel (property)', async (t) => {
  const [vanilla, placed, counted, unplaced] = await Promise.all([
    compileWasm(bytes, 'vanilla', engine),
    compileWasm(bytes, 'slacked', engine, { pipeline: PLACED }),
    compileWasm(bytes, 'slacked', engine, { pipeline: COUNTED }),
    compileWasm(bytes, 'slacked', engine, { pipeline: UNPLACED_COUNTED }),
  ]);
  const instances = await Promise.all([vanilla, placed, counted, unplaced].map((m) => m.instantiate({ checkIntervalMs: 1 })));
  const [iv, ip, ic, iu] = instances as [WasmInstance, WasmInstance, WasmInstance, WasmInstance];
  // Starts anywhere, and near 0 and the signed limits so that the induction variable wraps.
  const near = (c: bigint) => fc.bigInt({ min: c - 40n, max: c + 40n });
  const starts = fc.oneof(fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }), near(0n), near(1n << 31n), near(1n << 63n));
  const seen = { ok: 0, trap: 0, outOfFuel: 0 };
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...LOOP_FNS),
        starts,
        fc.oneof(fc.constantFrom(1, 2, 3), fc.integer({ min: 4, max: 3000 }), fc.constant(null)),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.option(fc.integer({ min: 1, max: 60_000 }), { freq: 2 }),
        async (f, rawStart, trips, rawBound, budget) => {
          const w = f.width;
          // A trap loop starts near the end of the page so that some runs cross it.
          const start = f.name.includes('trap32') ? 65_536n - 4n * BigInt(Math.min(trips ?? 3000, 3000)) + (rawStart % 9n) : BigInt.asUintN(w, rawStart);
          const bound = f.name === 'zero32' ? 0n : trips === null ? rawBound : start + BigInt(trips) * f.step;
          const first = f.name === 'zero32' ? (trips === null ? rawStart : BigInt(trips)) : start;
          // A loop that may run up to 2^64 times always gets a budget.
          const fuel = budget ?? (trips === null ? 60_000 : undefined);
          const a = await outcome(ip, f, first, bound, fuel);
          const b = await outcome(ic, f, first, bound, fuel);
          t.deepEqual(b, a, `${f.name}(${first}, ${bound}) fuel ${fuel}`);
          t.deepEqual(await outcome(iu, f, first, bound, fuel), a, `${f.name}(${first}, ${bound}) fuel ${fuel}, counted without fuel-place`);
          if (a.kind !== 'out-of-fuel') t.deepEqual(await outcome(iv, f, first, bound, fuel), a, `${f.name} against vanilla`);
          if (a.kind === 'ok') seen.ok++;
          else if (a.kind === 'trap') seen.trap++;
          else seen.outOfFuel++;
        },
      ),
      { numRuns: 500, seed: 17 },
    );
  } finally {
    for (const i of instances) i.dispose();
  }
  // The cases cover every outcome.
  t.log(seen);
  t.true(seen.ok > 0 && seen.trap > 0 && seen.outOfFuel > 0, JSON.stringify(seen));
});
