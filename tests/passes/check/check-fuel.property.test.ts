// Property tests: random Wasmtime-shaped functions and their pinned-register rewrite are proven
// equivalent; changing one increment by k (k != 0) is caught with a counterexample whose totals
// differ by k (by a multiple of k when the walk must go around a loop through the change).
import test from 'ava';
import fc from 'fast-check';
import { parse } from '../../../src/ir/index.js';
import { checkFuel } from '../../../src/passes/fuel/check/index.js';
import { mustDetect, onCycle, pinnedText, randomFunction, reachable, wasmtimeText, type Perturbation, type RandomFunction } from './random-functions.js';

const fn = (text: string) => parse(text).functions[0]!;

test('a random Wasmtime-shaped function is equivalent to itself', (t) => {
  fc.assert(
    fc.property(randomFunction, (f) => {
      const text = wasmtimeText(f);
      const r = checkFuel(fn(text), fn(text));
      if (!r.ok) throw new Error(`${JSON.stringify(r)}\n${text}`);
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('the pinned-register rewrite of a random function is proven', (t) => {
  fc.assert(
    fc.property(randomFunction, (f) => {
      const r = checkFuel(fn(wasmtimeText(f)), fn(pinnedText(f)));
      if (!r.ok) throw new Error(`${JSON.stringify(r)}\n${wasmtimeText(f)}\n${pinnedText(f)}`);
    }),
    { numRuns: 200 },
  );
  t.pass();
});

const perturbed: fc.Arbitrary<[RandomFunction, Perturbation]> = randomFunction.chain((f) => {
  const live = [...reachable(f)].sort((a, b) => a - b);
  return fc
    .record({
      block: fc.constantFrom(...live),
      which: fc.constantFrom<'cost' | 'after'>('cost', 'after'),
      delta: fc.integer({ min: -12, max: 12 }).filter((k) => k !== 0),
    })
    .filter((p) => {
      const b = f.blocks[p.block]!;
      const base = p.which === 'cost' ? b.cost : b.after;
      return (p.which === 'cost' || b.call) && base + p.delta >= 0;
    })
    .map((p): [RandomFunction, Perturbation] => [f, p]);
});

test('changing one increment by k is caught, with totals that differ by k', (t) => {
  let exact = 0;
  fc.assert(
    fc.property(perturbed, ([f, p]) => {
      fc.pre(mustDetect(f, p));
      const r = checkFuel(fn(wasmtimeText(f)), fn(pinnedText(f, p)));
      const context = `${JSON.stringify(p)}\n${JSON.stringify(r)}\n${wasmtimeText(f)}\n${pinnedText(f, p)}`;
      if (r.ok || r.reason !== 'counterexample') throw new Error(`not rejected: ${context}`);
      const c = r.counterexample;
      if (c.kind === 'negative-increment') throw new Error(`unexpected negative increment: ${context}`);
      const diff = c.afterTotal - c.beforeTotal;
      if (diff === 0 || diff % p.delta !== 0 || diff / p.delta < 0) throw new Error(`totals differ by ${diff}, not a positive multiple of ${p.delta}: ${context}`);
      if (!onCycle(f).has(p.block)) {
        if (diff !== p.delta) throw new Error(`totals differ by ${diff}, expected exactly ${p.delta}: ${context}`);
        exact++;
      }
    }),
    { numRuns: 300 },
  );
  t.true(exact > 0);
});

test('a negative increment in a random rewrite is reported as such', (t) => {
  fc.assert(
    fc.property(randomFunction, fc.integer({ min: 1, max: 12 }), (f, k) => {
      // Entry charges k and gives it back right away: totals agree, the increment is still illegal.
      const text = pinnedText(f).replace(
        'block0(v0: i64, v1: i32):\n',
        `block0(v0: i64, v1: i32):\n    v9000 = get_pinned_reg.i64\n    v9001 = iconst.i64 ${k}\n    v9002 = iadd v9000, v9001\n    v9003 = iconst.i64 -${k}\n    v9004 = iadd v9002, v9003\n    set_pinned_reg v9004\n`,
      );
      const r = checkFuel(fn(wasmtimeText(f)), fn(text));
      if (r.ok || r.reason !== 'counterexample' || r.counterexample.kind !== 'negative-increment' || r.counterexample.value !== -k) {
        throw new Error(JSON.stringify(r));
      }
    }),
    { numRuns: 50 },
  );
  t.pass();
});
