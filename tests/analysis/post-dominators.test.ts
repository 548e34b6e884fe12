import test from 'ava';
import { buildControlFlow } from '../../src/analysis/cfg.js';
import type { FlowGraph } from '../../src/analysis/flow-graph.js';
import { buildPostDominatorTree } from '../../src/analysis/post-dominators.js';
import { brTable, diamond, infiniteLoop, irreducible, multipleReturns, nestedLoops, selfLoop, unreachable } from './graphs.js';

const ipdoms = (g: FlowGraph): Record<number, number | null | undefined> => {
  const tree = buildPostDominatorTree(buildControlFlow(g));
  return Object.fromEntries(g.nodes.map((n) => [n, tree.ipdom(n)]));
};

test('diamond: the join post-dominates everything', (t) => {
  t.deepEqual(ipdoms(diamond), { 0: 3, 1: 3, 2: 3, 3: null });
  const tree = buildPostDominatorTree(buildControlFlow(diamond));
  t.true(tree.postDominates(3, 0));
  t.false(tree.postDominates(1, 0));
  t.deepEqual(tree.children(null), [3]);
  t.deepEqual(tree.children(3), [0, 1, 2]);
  t.is(tree.depth(0), 2);
});

test('multiple returns meet only at the virtual exit', (t) => {
  t.deepEqual(ipdoms(multipleReturns), { 0: null, 1: null, 2: null, 3: null, 4: null });
  t.deepEqual(buildPostDominatorTree(buildControlFlow(multipleReturns)).exitPredecessors, [1, 3, 4]);
});

test('nested loops: each latch is post-dominated by the header it returns to', (t) => {
  t.deepEqual(ipdoms(nestedLoops), { 0: 1, 1: 6, 2: 3, 3: 4, 4: 1, 6: null });
});

test('irreducible loop, self loop, br_table', (t) => {
  t.deepEqual(ipdoms(irreducible), { 0: 2, 1: 2, 2: 3, 3: null });
  t.deepEqual(ipdoms(selfLoop), { 0: 1, 1: 2, 2: null });
  t.deepEqual(ipdoms(brTable), { 0: 4, 1: 4, 2: 4, 3: 4, 4: null });
});

test('an infinite loop is connected to the exit through its last node in RPO', (t) => {
  const tree = buildPostDominatorTree(buildControlFlow(infiniteLoop));
  t.deepEqual(tree.infiniteLoopRepresentatives, [2]);
  t.deepEqual(tree.exitPredecessors, [2, 3]);
  t.deepEqual(ipdoms(infiniteLoop), { 0: null, 1: 2, 2: null, 3: null });
  t.true(tree.postDominates(2, 1));
});

test('a function that never returns still gets a total tree', (t) => {
  const tree = buildPostDominatorTree(buildControlFlow({ entry: 0, nodes: [0, 1], successors: (n) => (n === 0 ? [1] : [1]) }));
  t.deepEqual(tree.infiniteLoopRepresentatives, [1]);
  t.is(tree.ipdom(0), 1);
  t.is(tree.ipdom(1), null);
});

test('unreachable nodes are outside the tree', (t) => {
  const tree = buildPostDominatorTree(buildControlFlow(unreachable));
  t.is(tree.ipdom(5), undefined);
  t.is(tree.ipdom(6), undefined);
  t.false(tree.postDominates(1, 5));
  t.is(tree.depth(6), -1);
  t.is(tree.ipdom(0), 1);
  t.deepEqual(tree.infiniteLoopRepresentatives, []);
});
