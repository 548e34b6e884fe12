// Exact placements on small hand-made CFGs. Costs are written per block (per segment when a
// call splits it); `b3.0` is the increment at the start of segment 0 of block 3, `e1` the
// increment on edge 1 (edges are numbered by source in layout order, then successor position).
import test from 'ava';
import { checkPlacement, FuelModelError, placeIncrements, placementStats } from '../../src/passes/fuel/placement/index.js';
import { estimate, fuelModel, nonZero } from './model-builder.js';

const place = (model: Parameters<typeof placeIncrements>[0], options = {}) => {
  const placement = placeIncrements(model, estimate(model), options);
  return { placement, placed: nonZero(placement), check: checkPlacement(model, placement), stats: placementStats(model, placement, estimate(model)) };
};

test('straight line: control-equivalent blocks share one increment at the entry', (t) => {
  const { placed, check, stats } = place(fuelModel(0, [[0, { succ: [1], costs: [2] }], [1, { succ: [2], costs: [3] }], [2, { costs: [4] }]]));
  t.deepEqual(placed, { 'b0.0': 9 });
  t.deepEqual(check, { ok: true });
  t.like(stats, { before: { staticIncrements: 3, dynamicIncrements: 3 }, after: { staticIncrements: 1, dynamicIncrements: 1 } });
});

test('diamond costing 10 and 15: one increment per path, none before the branch or in the join', (t) => {
  // Branch block 0 costs 2, join 3 costs 1. Charging 12 before the branch and 5 on the 15
  // side would run 1.5 increments per call; charging each side its whole path runs 1.
  const { placed, check, stats } = place(
    fuelModel(0, [[0, { succ: [1, 2], costs: [2] }], [1, { succ: [3], costs: [10] }], [2, { succ: [3], costs: [15] }], [3, { costs: [1] }]]),
  );
  t.deepEqual(placed, { 'b1.0': 13, 'b2.0': 18 });
  t.deepEqual(check, { ok: true });
  t.is(stats.after.dynamicIncrements, 1);
});

test('diamond costing 10 and 10: the common part is hoisted before the branch', (t) => {
  const { placed, check } = place(
    fuelModel(0, [[0, { succ: [1, 2], costs: [2] }], [1, { succ: [3], costs: [10] }], [2, { succ: [3], costs: [10] }], [3, { costs: [1] }]]),
  );
  t.deepEqual(placed, { 'b0.0': 13 });
  t.deepEqual(check, { ok: true });
});

test('a branch to a cold, observed trap path: each side pays its own way', (t) => {
  // 1 is hot and costs 10, 2 is cold (leads to a trap, observed) and costs 15.
  const model = fuelModel(0, [[0, { succ: [1, 2], costs: [2] }], [1, { succ: [3], costs: [10] }], [2, { succ: [4], costs: [15] }], [3, { costs: [1] }], [4, { costs: [0], end: 'trap' }]], true);
  const placement = placeIncrements(model, estimate(model, (n) => n === 4));
  // Hoisting 13 before the branch would add an increment on the (cold) trap side only, but
  // the hot side already needs one of its own, so nothing is gained by hoisting.
  t.deepEqual(nonZero(placement), { 'b1.0': 13, 'b2.0': 17 });
  t.deepEqual(checkPlacement(model, placement), { ok: true });
});

test('nested loops: one increment per inner iteration, one per outer iteration, one per call', (t) => {
  // 0 -> 1 (outer header) -> 2 (inner header) -> 3 (inner latch) -> 4 (outer latch) -> 1; 1 -> 6 returns.
  const { placed, check, stats } = place(
    fuelModel(0, [[0, { succ: [1], costs: [1] }], [1, { succ: [2, 6], costs: [2] }], [2, { succ: [3], costs: [3] }], [3, { succ: [2, 4], costs: [4] }], [4, { succ: [1], costs: [5] }], [6, { costs: [1] }]]),
  );
  // Entry prepays header + exit (1 + 2 + 1); inner loop 3 + 4; outer latch 5 + next header 2.
  t.deepEqual(placed, { 'b0.0': 4, 'b2.0': 7, 'b4.0': 7 });
  t.deepEqual(check, { ok: true });
  t.is(Math.round(stats.after.dynamicIncrements), 1 + 1056 + 32);
  t.is(Math.round(stats.before.dynamicIncrements), 1 + 33 + 1056 + 1056 + 32 + 1);
});

test('loop with an early exit: the latch pays per iteration, each exit pays its own way out', (t) => {
  // 1 header (exit to 5), 2 body (break to 3, which returns), 4 latch.
  const { placed, check } = place(
    fuelModel(0, [[0, { succ: [1], costs: [1] }], [1, { succ: [2, 5], costs: [2] }], [2, { succ: [3, 4], costs: [3] }], [3, { costs: [7] }], [4, { succ: [1], costs: [1] }], [5, { costs: [1] }]]),
  );
  t.deepEqual(placed, { 'b3.0': 13, 'b4.0': 6, 'b5.0': 4 });
  t.deepEqual(check, { ok: true });
});

test('br_table switch: each arm charges its whole path; repeated targets count twice', (t) => {
  const { placed, check } = place(
    fuelModel(0, [[0, { succ: [1, 1, 2, 3], costs: [2] }], [1, { succ: [4], costs: [5] }], [2, { succ: [4], costs: [5] }], [3, { succ: [4], costs: [9] }], [4, { costs: [1] }]]),
  );
  t.deepEqual(placed, { 'b1.0': 8, 'b2.0': 8, 'b3.0': 12 });
  t.deepEqual(check, { ok: true });
});

test('br_table straight into the join: hoist rather than split the critical edges', (t) => {
  // Edges 1 and 2 go 0 -> 4 directly and are critical; an increment there would need a block.
  const model = fuelModel(0, [[0, { succ: [1, 4, 4], costs: [2] }], [1, { succ: [4], costs: [6] }], [4, { costs: [1] }]]);
  t.deepEqual(place(model).placed, { 'b0.0': 3, 'b1.0': 6 });
  // With a profile where the direct edges are rare and splitting is free, they carry the charge.
  const profiled = placeIncrements(model, { block: (n) => (n === 1 ? 0.98 : 1), edge: (e) => [0.98, 0.01, 0.01, 0.98][e] ?? 0 }, { splitEdgeCost: 0 });
  t.deepEqual(nonZero(profiled), { 'b1.0': 9, e1: 3, e2: 3 });
  t.deepEqual(checkPlacement(model, profiled), { ok: true });
  t.like(placementStats(model, profiled, estimate(model)).after, { splitEdges: 2 });
});

test('irreducible loop: one increment per trip around the cycle', (t) => {
  // 0 enters the cycle 1 <-> 2 at both 1 and 2; 2 exits to 3.
  const { placed, check } = place(
    fuelModel(0, [[0, { succ: [1, 2], costs: [1] }], [1, { succ: [2], costs: [2] }], [2, { succ: [1, 3], costs: [3] }], [3, { costs: [1] }]]),
  );
  t.deepEqual(placed, { 'b0.0': 2, 'b1.0': 5, e1: 3 });
  t.deepEqual(check, { ok: true });
});

test('infinite loop keeps its cost per iteration', (t) => {
  const { placed, check } = place(fuelModel(0, [[0, { succ: [1], costs: [1] }], [1, { succ: [2], costs: [3] }], [2, { succ: [1], costs: [4] }]]));
  // No observation point follows the entry, so only the cycle's 3 + 4 is constrained.
  t.deepEqual(placed, { 'b1.0': 7 });
  t.deepEqual(check, { ok: true });
});

test('calls split blocks: the counter is exact before and after every call', (t) => {
  // 0: [2 | call | 3] -> 1: [2 | call | 5] -> 1 again or 2 (returns, costs 1).
  const { placed, check } = place(fuelModel(0, [[0, { succ: [1], costs: [2, 3] }], [1, { succ: [1, 2], costs: [2, 5] }], [2, { costs: [1] }]]));
  // Between the calls in 1 the loop charges 7 = 6 + 1; the exit path after the call charges 6.
  t.deepEqual(placed, { 'b0.0': 2, 'b0.1': 4, 'b1.0': 1, 'b1.1': 6 });
  t.deepEqual(check, { ok: true });
});

test('try_call ends its block with an observation point on every out-edge', (t) => {
  const { placed, check } = place(
    fuelModel(0, [[0, { succ: [1, 2], costs: [2], end: 'call-branch' }], [1, { succ: [3], costs: [3] }], [2, { succ: [3], costs: [4] }], [3, { costs: [1] }]]),
  );
  t.deepEqual(placed, { 'b0.0': 2, 'b1.0': 4, 'b2.0': 5 });
  t.deepEqual(check, { ok: true });
});

test('unreachable blocks never run and carry nothing', (t) => {
  const { placed, check, stats } = place(fuelModel(0, [[0, { succ: [1], costs: [1] }], [5, { succ: [1], costs: [9] }], [1, { costs: [2] }]]));
  t.deepEqual(placed, { 'b0.0': 3 });
  t.deepEqual(check, { ok: true });
  t.like(stats, { before: { staticIncrements: 3 }, after: { staticIncrements: 1 } });
});

test('a dynamic cost stays where it is; constant charges move around it', (t) => {
  const { placed, check, stats } = place(fuelModel(0, [[0, { succ: [1], costs: [2] }], [1, { succ: [2], costs: [3], dynamic: [1] }], [2, { costs: [1] }]]));
  t.deepEqual(placed, { 'b0.0': 6 });
  t.deepEqual(check, { ok: true });
  t.is(stats.dynamicCharges, 1);
});

test('traps: an unconditional trap is always exact, a conditional one only when observed', (t) => {
  const blocks = [[0, { succ: [1, 2], costs: [2] }], [1, { costs: [5], end: 'trap' }], [2, { costs: [3] }]] as const;
  t.deepEqual(place(fuelModel(0, blocks)).placed, { 'b1.0': 7, 'b2.0': 5 });
  t.deepEqual(place(fuelModel(0, blocks, true)).placed, { 'b1.0': 7, 'b2.0': 5 });
  // A conditional trap inside a block is a boundary only when observed.
  const conditional = [[0, { succ: [1], costs: [2, 3], boundaries: ['trap'] as const }], [1, { costs: [4] }]] as const;
  t.deepEqual(place(fuelModel(0, conditional)).placed, { 'b0.0': 9 });
  t.deepEqual(place(fuelModel(0, conditional, true)).placed, { 'b0.0': 2, 'b0.1': 7 });
});

test('placement is deterministic', (t) => {
  const model = fuelModel(0, [[0, { succ: [1, 2], costs: [1] }], [1, { succ: [2], costs: [2] }], [2, { succ: [1, 3], costs: [3] }], [3, { costs: [1] }]]);
  t.deepEqual(nonZero(placeIncrements(model, estimate(model))), nonZero(placeIncrements(model, estimate(model))));
});

test('bad options are rejected', (t) => {
  const model = fuelModel(0, [[0, { costs: [1] }]]);
  t.throws(() => placeIncrements(model, estimate(model), { splitEdgeCost: -1 }), { instanceOf: FuelModelError, message: /splitEdgeCost/ });
});
