import test from 'ava';
import fc from 'fast-check';
import { buildControlFlow } from '../../src/analysis/cfg.js';
import {
  checkPlacement,
  originalPlacement,
  placeIncrements,
  placementStats,
  type Boundary,
  type FuelBlock,
  type FuelModel,
  type PathMismatch,
  type Placement,
} from '../../src/passes/fuel/placement/index.js';
import { arbitraryGraph, reachableAvoiding } from '../analysis/random-graph.js';
import { estimate } from './model-builder.js';

const segmentSpec = fc.record({ cost: fc.integer({ min: 0, max: 20 }), dynamic: fc.integer({ min: 0, max: 1 }), boundary: fc.constantFrom<Boundary>('call', 'trap') });
const blockSpec = fc.record({ segments: fc.array(segmentSpec, { minLength: 1, maxLength: 3 }), trapEnd: fc.boolean(), callBranch: fc.integer({ min: 0, max: 5 }) });

const arbitraryModel: fc.Arbitrary<FuelModel> = fc
  .record({ graph: arbitraryGraph({ entryWithoutPredecessors: true, maxNodes: 9 }), specs: fc.array(blockSpec, { minLength: 9, maxLength: 9 }), observeTraps: fc.boolean() })
  .map(({ graph, specs, observeTraps }) => {
    const blocks = new Map<number, FuelBlock>();
    graph.nodes.forEach((n, i) => {
      const spec = specs[i]!;
      const hasSuccs = graph.successors(n).length > 0;
      blocks.set(n, {
        segments: spec.segments.map((s) => ({ cost: s.cost, dynamic: s.dynamic })),
        boundaries: spec.segments.slice(1).map((s) => s.boundary),
        end: hasSuccs ? (spec.callBranch === 0 ? 'call-branch' : 'branch') : spec.trapEnd ? 'trap' : 'return',
      });
    });
    return { graph, observeTraps, block: (n: number) => blocks.get(n)! };
  });

const increments = (p: Placement): number[] => [...[...p.segments.values()].flat(), ...p.edges];

test('the checker accepts every placement the solver makes, and every increment is >= 0', (t) => {
  fc.assert(
    fc.property(arbitraryModel, (model) => {
      const placement = placeIncrements(model, estimate(model));
      const result = checkPlacement(model, placement);
      if (!result.ok) throw new Error(JSON.stringify(result.counterexample));
      return increments(placement).every((x) => Number.isInteger(x) && x >= 0) && checkPlacement(model, originalPlacement(model)).ok;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

test('search limits only cost optimality: tiny limits still give proven placements', (t) => {
  fc.assert(
    fc.property(arbitraryModel, (model) => checkPlacement(model, placeIncrements(model, estimate(model), { searchLimit: 1, exchangeRounds: 1 })).ok),
    { numRuns: 150 },
  );
  t.pass();
});

test('placed increments never run more often than the per-block original', (t) => {
  fc.assert(
    fc.property(arbitraryModel, (model) => {
      const freq = estimate(model);
      const { before, after } = placementStats(model, placeIncrements(model, freq), freq);
      // The solver's objective counts the jump of a split edge too (splitEdgeCost = 1).
      const cost = after.dynamicIncrements + after.dynamicSplitJumps;
      return cost <= before.dynamicIncrements * (1 + 1e-9) + 1e-9 && after.dynamicIncrements <= before.dynamicIncrements * (1 + 1e-9) + 1e-9;
    }),
    { numRuns: 300 },
  );
  t.pass();
});

/** Recomputes a counterexample's totals from its path, independently of the checker. */
function totals(model: FuelModel, placement: Placement, mismatch: PathMismatch): { expected: number; actual: number } {
  let expected = 0;
  let actual = 0;
  for (const step of mismatch.path) {
    if (step.kind === 'segment') {
      expected += model.block(step.block).segments[step.index]!.cost;
      actual += placement.segments.get(step.block)![step.index]!;
    } else if (step.kind === 'edge') {
      actual += placement.edges[step.edge]!;
    }
  }
  return { expected, actual };
}

test('the checker rejects perturbed placements with a counterexample whose totals differ', (t) => {
  fc.assert(
    fc.property(arbitraryModel, fc.nat(), fc.integer({ min: -5, max: 5 }).filter((d) => d !== 0), (model, pick, delta) => {
      const placement = placeIncrements(model, estimate(model));
      const cfg = buildControlFlow(model.graph);
      const returns = new Set(cfg.nodes.filter((n) => model.block(n).end === 'return'));
      const reachesReturn = (n: number): boolean => [...reachableAvoiding(model.graph, n, undefined)].some((m) => returns.has(m));
      const reaches = (from: number, to: number): boolean => reachableAvoiding(model.graph, from, undefined).has(to);
      const onCycle = (n: number): boolean => model.graph.successors(n).some((s) => reaches(s, n));
      // Sites on some path to a return or on a cycle: a change there must show.
      const sites: Array<{ block: number; index: number } | { edge: number }> = [];
      for (const n of cfg.nodes) {
        if (!cfg.isReachable(n)) continue;
        if (reachesReturn(n) || onCycle(n)) model.block(n).segments.forEach((_, index) => sites.push({ block: n, index }));
        for (const e of cfg.inEdges(n)) if (cfg.isReachable(e.from) && (reachesReturn(n) || reaches(n, e.from))) sites.push({ edge: e.id });
      }
      fc.pre(sites.length > 0);
      const site = sites[pick % sites.length]!;
      const segments = new Map([...placement.segments].map(([b, incs]) => [b, [...incs]]));
      const edges = [...placement.edges];
      if ('edge' in site) edges[site.edge] = edges[site.edge]! + delta;
      else segments.get(site.block)![site.index]! += delta;
      const perturbed: Placement = { segments, edges };
      const result = checkPlacement(model, perturbed);
      if (result.ok) return false;
      const cx = result.counterexample;
      if ('negativeIncrement' in cx) return delta < 0 && cx.negativeIncrement.value < 0;
      const recomputed = totals(model, perturbed, cx);
      return cx.expected !== cx.actual && recomputed.expected === cx.expected && recomputed.actual === cx.actual;
    }),
    { numRuns: 300 },
  );
  t.pass();
});
