import test from 'ava';
import { buildControlFlow } from '../../src/analysis/cfg.js';
import type { FlowGraph } from '../../src/analysis/flow-graph.js';
import { buildLoopForest } from '../../src/analysis/loops.js';
import { brTable, diamond, infiniteLoop, irreducible, nestedLoops, selfLoop, unreachable } from './graphs.js';

const forest = (g: FlowGraph) => {
  const cfg = buildControlFlow(g);
  return { cfg, loops: buildLoopForest(cfg) };
};
const shape = (g: FlowGraph) =>
  forest(g).loops.loops.map((l) => ({ headers: l.headers, nodes: l.nodes, parent: l.parent, depth: l.depth, irreducible: l.irreducible }));

test('acyclic graphs have no loops', (t) => {
  t.deepEqual(shape(diamond), []);
  t.deepEqual(shape(brTable), []);
  t.is(forest(diamond).loops.depth(3), 0);
});

test('nested natural loops', (t) => {
  t.deepEqual(shape(nestedLoops), [
    { headers: [1], nodes: [1, 2, 3, 4], parent: undefined, depth: 1, irreducible: false },
    { headers: [2], nodes: [2, 3], parent: 0, depth: 2, irreducible: false },
  ]);
  const { cfg, loops } = forest(nestedLoops);
  t.deepEqual(cfg.nodes.map((n) => loops.depth(n)), [0, 1, 2, 2, 1, 0]);
  t.deepEqual(cfg.edges.filter((e) => loops.isBackEdge(e)).map((e) => [e.from, e.to]), [[3, 2], [4, 1]]);
  t.deepEqual(cfg.edges.filter((e) => loops.isExitEdge(e)).map((e) => [e.from, e.to]), [[1, 6], [3, 4]]);
  t.deepEqual(loops.loops[0]!.children, [1]);
  t.deepEqual(loops.topLevel, [0]);
  t.true(loops.isHeader(2));
  t.false(loops.isHeader(3));
});

test('an irreducible region is one loop with two headers', (t) => {
  t.deepEqual(shape(irreducible), [{ headers: [1, 2], nodes: [1, 2], parent: undefined, depth: 1, irreducible: true }]);
  const { cfg, loops } = forest(irreducible);
  t.deepEqual(cfg.edges.filter((e) => loops.isBackEdge(e)).map((e) => [e.from, e.to]), [[1, 2], [2, 1]]);
});

test('self loops and infinite loops are loops', (t) => {
  t.deepEqual(shape(selfLoop), [{ headers: [1], nodes: [1], parent: undefined, depth: 1, irreducible: false }]);
  t.deepEqual(shape(infiniteLoop), [{ headers: [1], nodes: [1, 2], parent: undefined, depth: 1, irreducible: false }]);
});

test('a cycle through the entry has the entry as header', (t) => {
  t.deepEqual(shape({ entry: 0, nodes: [0, 1], successors: (n) => (n === 0 ? [1] : [0]) }), [
    { headers: [0], nodes: [0, 1], parent: undefined, depth: 1, irreducible: false },
  ]);
});

test('unreachable cycles are not loops', (t) => {
  t.deepEqual(shape(unreachable), []);
  t.is(forest(unreachable).loops.depth(6), 0);
});

test('two back edges to one header form one loop; an inner irreducible region nests inside', (t) => {
  // 1 is a header with latches 2 and 3; inside, the cycles 4 <-> 5 and 3 <-> 5 form one
  // region entered from 2 at both 3 and 4.
  const g: FlowGraph = {
    entry: 0,
    nodes: [0, 1, 2, 3, 4, 5, 6],
    successors: (n) => ({ 0: [1], 1: [2, 6], 2: [1, 3, 4], 3: [1, 5], 4: [5], 5: [4, 3], 6: [] })[n] ?? [],
  };
  t.deepEqual(shape(g), [
    { headers: [1], nodes: [1, 2, 3, 4, 5], parent: undefined, depth: 1, irreducible: false },
    { headers: [3, 4], nodes: [3, 4, 5], parent: 0, depth: 2, irreducible: true },
  ]);
});
