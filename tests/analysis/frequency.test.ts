import test from 'ava';
import { buildControlFlow } from '../../src/analysis/cfg.js';
import type { FlowGraph } from '../../src/analysis/flow-graph.js';
import { BRANCH_WEIGHTS, FrequencyError, estimateFrequencies, type FrequencyOptions } from '../../src/analysis/frequency.js';
import { buildLoopForest } from '../../src/analysis/loops.js';
import { brTable, diamond, infiniteLoop, irreducible, nestedLoops, selfLoop, unreachable } from './graphs.js';

const freqs = (g: FlowGraph, options: FrequencyOptions = {}) => {
  const cfg = buildControlFlow(g);
  const f = estimateFrequencies(cfg, buildLoopForest(cfg), options);
  return { cfg, f, blocks: Object.fromEntries(g.nodes.map((n) => [n, round(f.block(n))])) };
};
const round = (x: number): number => Math.round(x * 1e9) / 1e9;

test('diamond: an unbiased branch splits evenly and the join gets everything back', (t) => {
  const { f, blocks } = freqs(diamond);
  t.deepEqual(blocks, { 0: 1, 1: 0.5, 2: 0.5, 3: 1 });
  t.is(f.probability(0), 0.5);
  t.is(f.edge(2), 0.5);
  t.is(f.source, 'estimate');
});

test('nested loops: a loop exit is 32 times less likely than staying, so each loop runs 33 times', (t) => {
  const { blocks, f, cfg } = freqs(nestedLoops);
  t.deepEqual(blocks, { 0: 1, 1: 33, 2: 1056, 3: 1056, 4: 32, 6: 1 });
  const exit = cfg.edges.find((e) => e.from === 1 && e.to === 6)!;
  t.is(round(f.probability(exit.id)), round(BRANCH_WEIGHTS.loopExit / (BRANCH_WEIGHTS.loopExit + BRANCH_WEIGHTS.normal)));
  // Flow is conserved at the inner header: entries plus back edge.
  const into2 = cfg.inEdges(2).reduce((s, e) => s + f.edge(e.id), 0);
  t.is(round(into2), 1056);
});

test('self loop and irreducible loop', (t) => {
  t.deepEqual(freqs(selfLoop).blocks, { 0: 1, 1: 33, 2: 1 });
  // Mass enters each header of the irreducible region half the time; the exit still sees 1.
  t.deepEqual(freqs(irreducible).blocks, { 0: 1, 1: 33, 2: 33, 3: 1 });
});

test('an infinite loop is scaled by the cap, not infinity', (t) => {
  t.deepEqual(freqs(infiniteLoop).blocks, { 0: 1, 1: 2048, 2: 2048, 3: 0.5 });
});

test('br_table edges to the same target add up', (t) => {
  const { blocks, f } = freqs(brTable);
  t.deepEqual(blocks, { 0: 1, 1: 0.5, 2: 0.25, 3: 0.25, 4: 1 });
  t.is(f.probability(0), 0.25);
});

test('edges into cold blocks (and blocks that only lead to cold ones) are unlikely', (t) => {
  // 2 only reaches the trap block 5.
  const g: FlowGraph = { entry: 0, nodes: [0, 1, 2, 5], successors: (n) => ({ 0: [1, 2], 1: [], 2: [5], 5: [] })[n] ?? [] };
  const { f, blocks } = freqs(g, { cold: (n) => n === 5 });
  t.true(f.isCold(2));
  t.false(f.isCold(0));
  t.is(round(f.probability(1)), round(1 / (BRANCH_WEIGHTS.normal + 1)));
  t.is(blocks[1], round(BRANCH_WEIGHTS.normal / (BRANCH_WEIGHTS.normal + 1)));
});

test('unreachable blocks have frequency 0', (t) => {
  t.deepEqual(freqs(unreachable).blocks, { 0: 1, 5: 0, 1: 1, 6: 0 });
});

test('an edge profile replaces the estimate', (t) => {
  const { f, blocks } = freqs(diamond, { profile: { entryCount: 4, edgeCounts: [3, 1, 3, 1] } });
  t.is(f.source, 'profile');
  t.deepEqual(blocks, { 0: 1, 1: 0.75, 2: 0.25, 3: 1 });
  t.is(f.edge(1), 0.25);
  t.is(f.probability(0), 0.75);
});

test('a bad profile is a FrequencyError', (t) => {
  t.throws(() => freqs(diamond, { profile: { entryCount: 1, edgeCounts: [1, 0] } }), { instanceOf: FrequencyError, message: /2 counts but the CFG has 4 edges/ });
  t.throws(() => freqs(diamond, { profile: { entryCount: 1, edgeCounts: [1, -1, 0, 0] } }), { instanceOf: FrequencyError, message: /invalid edge profile/ });
  t.throws(() => freqs(diamond, { profile: { entryCount: 0, edgeCounts: [0, 0, 0, 0] } }), { instanceOf: FrequencyError });
});
