import test from 'ava';
import { buildControlFlow } from '../../src/analysis/cfg.js';
import { FlowGraphError, graphFromAdjacency } from '../../src/analysis/flow-graph.js';
import { brTable, diamond, nestedLoops, sparse, unreachable } from './graphs.js';

test('edges get stable ids by source layout then successor position', (t) => {
  const cfg = buildControlFlow(brTable);
  t.deepEqual(
    cfg.edges.map((e) => [e.id, e.from, e.to, e.index]),
    [[0, 0, 1, 0], [1, 0, 1, 1], [2, 0, 2, 2], [3, 0, 3, 3], [4, 1, 4, 0], [5, 2, 4, 0], [6, 3, 4, 0]],
  );
});

test('predecessors keep multiplicity', (t) => {
  const cfg = buildControlFlow(brTable);
  t.deepEqual(cfg.predecessors(1), [0, 0]);
  t.deepEqual(cfg.predecessors(4), [1, 2, 3]);
  t.deepEqual(cfg.inEdges(1).map((e) => e.id), [0, 1]);
});

test('critical edges: many out-edges into a block with many in-edges', (t) => {
  t.deepEqual(buildControlFlow(brTable).criticalEdges.map((e) => e.id), [0, 1]);
  t.deepEqual(buildControlFlow(diamond).criticalEdges, []);
  // Both edges into the inner header 2 leave a two-way branch (1: loop or exit; 3: latch).
  t.deepEqual(buildControlFlow(nestedLoops).criticalEdges.map((e) => [e.from, e.to]), [[1, 2], [3, 2]]);
});

test('reverse post-order visits successors in order and skips unreachable nodes', (t) => {
  t.deepEqual(buildControlFlow(diamond).reversePostOrder, [0, 2, 1, 3]);
  t.deepEqual(buildControlFlow(nestedLoops).reversePostOrder, [0, 1, 6, 2, 3, 4]);
  const cfg = buildControlFlow(unreachable);
  t.deepEqual(cfg.reversePostOrder, [0, 1]);
  t.false(cfg.isReachable(5));
  t.false(cfg.isReachable(6));
  t.is(cfg.rpoIndex(5), -1);
  t.deepEqual(cfg.predecessors(1), [0, 5]);
});

test('sparse ids keep the layout order', (t) => {
  const cfg = buildControlFlow(sparse);
  t.deepEqual(cfg.nodes, [10, 3, 7]);
  t.is(cfg.layoutIndex(7), 2);
  t.deepEqual(cfg.reversePostOrder, [10, 7, 3]);
  t.deepEqual(cfg.predecessors(3), [7, 7]);
});

test('malformed graphs give a FlowGraphError', (t) => {
  t.throws(() => buildControlFlow(graphFromAdjacency(0, [[0, [9]]])), { instanceOf: FlowGraphError, message: /9 is not a node/ });
  t.throws(() => buildControlFlow(graphFromAdjacency(4, [[0, []]])), { instanceOf: FlowGraphError, message: /entry 4/ });
  t.throws(() => buildControlFlow(graphFromAdjacency(0, [[0, []], [0, []]])), { instanceOf: FlowGraphError, message: /twice/ });
});
