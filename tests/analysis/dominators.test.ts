import test from 'ava';
import { buildControlFlow } from '../../src/analysis/cfg.js';
import { buildDominatorTree } from '../../src/analysis/dominators.js';
import type { FlowGraph } from '../../src/analysis/flow-graph.js';
import { brTable, diamond, infiniteLoop, irreducible, nestedLoops, selfLoop, unreachable } from './graphs.js';

const idoms = (g: FlowGraph): Record<number, number | undefined> => {
  const tree = buildDominatorTree(buildControlFlow(g));
  return Object.fromEntries(g.nodes.map((n) => [n, tree.idom(n)]));
};

test('diamond: the branch dominates both sides and the join', (t) => {
  t.deepEqual(idoms(diamond), { 0: undefined, 1: 0, 2: 0, 3: 0 });
  const tree = buildDominatorTree(buildControlFlow(diamond));
  t.deepEqual(tree.children(0), [1, 2, 3]);
  t.true(tree.dominates(0, 3));
  t.false(tree.dominates(1, 3));
  t.true(tree.dominates(3, 3));
  t.false(tree.strictlyDominates(3, 3));
  t.is(tree.depth(3), 1);
});

test('nested loops', (t) => {
  t.deepEqual(idoms(nestedLoops), { 0: undefined, 1: 0, 2: 1, 3: 2, 4: 3, 6: 1 });
  const tree = buildDominatorTree(buildControlFlow(nestedLoops));
  t.is(tree.depth(4), 4);
  t.true(tree.dominates(2, 4));
  t.false(tree.dominates(4, 2));
});

test('irreducible loop: neither entry dominates the other', (t) => {
  t.deepEqual(idoms(irreducible), { 0: undefined, 1: 0, 2: 0, 3: 2 });
});

test('self loops, infinite loops and br_table', (t) => {
  t.deepEqual(idoms(selfLoop), { 0: undefined, 1: 0, 2: 1 });
  t.deepEqual(idoms(infiniteLoop), { 0: undefined, 1: 0, 2: 1, 3: 0 });
  t.deepEqual(idoms(brTable), { 0: undefined, 1: 0, 2: 0, 3: 0, 4: 0 });
});

test('unreachable nodes are outside the tree', (t) => {
  const tree = buildDominatorTree(buildControlFlow(unreachable));
  t.is(tree.idom(5), undefined);
  t.is(tree.depth(5), -1);
  t.false(tree.dominates(0, 5));
  t.false(tree.dominates(5, 1));
  t.false(tree.contains(6));
  t.is(tree.idom(1), 0);
  t.false(tree.dominates(0, 42));
});
