import test from 'ava';
import { buildControlFlow } from '../../src/analysis/cfg.js';
import { controlEquivalenceClasses } from '../../src/analysis/control-equivalence.js';
import { buildDominatorTree } from '../../src/analysis/dominators.js';
import type { FlowGraph } from '../../src/analysis/flow-graph.js';
import { buildLoopForest } from '../../src/analysis/loops.js';
import { buildPostDominatorTree } from '../../src/analysis/post-dominators.js';
import { diamond, infiniteLoop, nestedLoops } from './graphs.js';

const classes = (g: FlowGraph): number[][] => {
  const cfg = buildControlFlow(g);
  return controlEquivalenceClasses(cfg, buildDominatorTree(cfg), buildPostDominatorTree(cfg), buildLoopForest(cfg));
};

test('diamond: the branch and the join run together, each side alone', (t) => {
  t.deepEqual(classes(diamond), [[0, 3], [2], [1]]);
});

test('loops separate blocks that dominate and post-dominate each other', (t) => {
  // 0 and 6 are equivalent; 2 and 3 share the inner loop; 4 does not post-dominate 1
  // (1 may exit), and 4 post-dominates 3 but sits outside the inner loop.
  t.deepEqual(classes(nestedLoops), [[0, 6], [1], [2, 3], [4]]);
});

test('a block before an infinite loop is alone', (t) => {
  t.deepEqual(classes(infiniteLoop), [[0], [3], [1, 2]]);
});
