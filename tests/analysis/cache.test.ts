import test from 'ava';
import { AnalysisCache } from '../../src/analysis/cache.js';
import { graphFromAdjacency, type FlowGraph } from '../../src/analysis/flow-graph.js';
import { diamond } from './graphs.js';

test('analyses are computed once and shared', (t) => {
  const cache = new AnalysisCache(() => diamond);
  const first = cache.frequencies();
  t.is(cache.computations, 3); // cfg, loops, frequencies
  t.is(cache.frequencies(), first);
  t.is(cache.loops(), cache.loops());
  t.is(cache.computations, 3);
  cache.dominators();
  cache.postDominators();
  t.is(cache.computations, 5);
});

test('invalidate rebuilds from the current graph', (t) => {
  let graph: FlowGraph = diamond;
  const cache = new AnalysisCache(() => graph);
  t.is(cache.dominators().idom(3), 0);
  graph = graphFromAdjacency(0, [[0, [1]], [1, [3]], [3, []]]);
  t.is(cache.dominators().idom(3), 0, 'stale until told');
  cache.invalidate();
  t.is(cache.dominators().idom(3), 1);
  t.is(cache.cfg().edges.length, 2);
});

test('frequency options reach the estimate', (t) => {
  const cache = new AnalysisCache(() => diamond, () => ({ profile: { entryCount: 2, edgeCounts: [2, 0, 2, 0] } }));
  t.is(cache.frequencies().block(2), 0);
  t.is(cache.frequencies().source, 'profile');
});
