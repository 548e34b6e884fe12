import test from 'ava';
import { checkPlacement, FuelModelError, originalPlacement, validateFuelModel, type Placement } from '../../src/passes/fuel/placement/index.js';
import { graphFromAdjacency } from '../../src/analysis/flow-graph.js';
import { fuelModel } from './model-builder.js';

const diamond = fuelModel(0, [[0, { succ: [1, 2], costs: [2] }], [1, { succ: [3], costs: [10] }], [2, { succ: [3], costs: [15] }], [3, { costs: [1] }]]);
const placement = (segments: Record<number, number[]>, edges: number[]): Placement => ({
  segments: new Map(Object.entries(segments).map(([k, v]) => [Number(k), v])),
  edges,
});

test('the original instrumentation is always accepted', (t) => {
  t.deepEqual(checkPlacement(diamond, originalPlacement(diamond)), { ok: true });
});

test('a path that charges too little is a counterexample with both totals', (t) => {
  const result = checkPlacement(diamond, placement({ 0: [12], 1: [0], 2: [0], 3: [1] }, [0, 0, 0, 0]));
  t.deepEqual(result, {
    ok: false,
    counterexample: {
      kind: 'path',
      from: 'function entry (block0)',
      to: 'block3 return',
      path: [
        { kind: 'segment', block: 0, index: 0 },
        { kind: 'edge', edge: 1, from: 0, to: 2 },
        { kind: 'segment', block: 2, index: 0 },
        { kind: 'edge', edge: 3, from: 2, to: 3 },
        { kind: 'segment', block: 3, index: 0 },
      ],
      expected: 18,
      actual: 13,
    },
  });
});

test('negative increments are reported with their site', (t) => {
  t.deepEqual(checkPlacement(diamond, placement({ 0: [13], 1: [0], 2: [5], 3: [-1] }, [0, 0, 0, 0])), {
    ok: false,
    counterexample: { negativeIncrement: { site: { kind: 'segment', block: 3, index: 0 }, value: -1 } },
  });
  t.deepEqual(checkPlacement(diamond, placement({ 0: [2], 1: [10], 2: [15], 3: [1] }, [0, 0, 0, -2])), {
    ok: false,
    counterexample: { negativeIncrement: { site: { kind: 'edge', edge: 3 }, value: -2 } },
  });
});

test('a cycle that loses cost is found even when no observation point follows it', (t) => {
  const loop = fuelModel(0, [[0, { succ: [1], costs: [1] }], [1, { succ: [2], costs: [3] }], [2, { succ: [1], costs: [4] }]]);
  const result = checkPlacement(loop, placement({ 0: [0], 1: [7], 2: [1] }, [0, 0, 0]));
  t.false(result.ok);
  if (result.ok || !('path' in result.counterexample)) return t.fail();
  t.is(result.counterexample.kind, 'cycle');
  t.is(result.counterexample.expected, 7);
  t.is(result.counterexample.actual, 8);
  // Charges before an infinite loop are free to move; only the cycle matters.
  t.deepEqual(checkPlacement(loop, placement({ 0: [0], 1: [0], 2: [7] }, [0, 0, 0])), { ok: true });
});

test('calls are observation points: moving charge across one is caught', (t) => {
  const model = fuelModel(0, [[0, { costs: [2, 3] }]]);
  t.deepEqual(checkPlacement(model, placement({ 0: [5, 0] }, [])), {
    ok: false,
    counterexample: { kind: 'path', from: 'function entry (block0)', to: 'block0 before call 0', path: [{ kind: 'segment', block: 0, index: 0 }], expected: 2, actual: 5 },
  });
});

test('charges moved past an unobserved conditional trap are fine, observed ones are not; an unconditional trap is always observed', (t) => {
  // An unconditional `trap` (wasm unreachable) is exact with or without observeTraps.
  const blocks = [[0, { succ: [1, 2], costs: [2] }], [1, { costs: [5], end: 'trap' }], [2, { costs: [3] }]] as const;
  const dropped = placement({ 0: [0], 1: [0], 2: [5] }, [0, 0]);
  for (const observe of [false, true]) {
    t.like(checkPlacement(fuelModel(0, blocks, observe), dropped), { ok: false, counterexample: { to: 'block1 trap', expected: 7, actual: 0 } });
  }
  // A conditional trap inside a block is a boundary only when observed.
  const conditional = [[0, { succ: [1], costs: [2, 3], boundaries: ['trap'] as const }], [1, { costs: [4] }]] as const;
  const late = placement({ 0: [0, 5], 1: [4] }, [0]);
  t.deepEqual(checkPlacement(fuelModel(0, conditional), late), { ok: true });
  t.like(checkPlacement(fuelModel(0, conditional, true), late), { ok: false });
});

test('placements of the wrong shape are typed errors', (t) => {
  t.throws(() => checkPlacement(diamond, placement({ 0: [2], 1: [10], 2: [15] }, [0, 0, 0, 0])), { instanceOf: FuelModelError, message: /block 3/ });
  t.throws(() => checkPlacement(diamond, placement({ 0: [2], 1: [10], 2: [15], 3: [1] }, [0])), { instanceOf: FuelModelError, message: /edge increments/ });
  t.throws(() => checkPlacement(diamond, placement({ 0: [Number.NaN], 1: [10], 2: [15], 3: [1] }, [0, 0, 0, 0])), { instanceOf: FuelModelError });
});

test('malformed models are typed errors naming the block', (t) => {
  const bad = (blocks: Parameters<typeof fuelModel>[1]) => () => validateFuelModel(fuelModel(0, blocks));
  t.throws(bad([[0, { costs: [-1] }]]), { instanceOf: FuelModelError, message: /block 0/ });
  t.throws(bad([[0, { costs: [1.5] }]]), { instanceOf: FuelModelError, message: /block 0/ });
  t.throws(bad([[0, { succ: [1], end: 'return' }], [1, {}]]), { instanceOf: FuelModelError, message: /cannot have successors/ });
  t.throws(bad([[0, { end: 'branch' }]]), { instanceOf: FuelModelError, message: /needs successors/ });
  t.throws(bad([[0, { succ: [1] }], [1, { succ: [0] }]]), { instanceOf: FuelModelError, message: /entry/ });
  t.throws(bad([[0, { costs: [1, 2], boundaries: [] }]]), { instanceOf: FuelModelError, message: /boundaries/ });
  t.throws(
    () => validateFuelModel({ graph: graphFromAdjacency(0, [[0, []]]), observeTraps: false, block: () => ({ segments: [], boundaries: [], end: 'return' }) }),
    { instanceOf: FuelModelError },
  );
});
