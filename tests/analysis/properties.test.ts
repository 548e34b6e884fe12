import test from 'ava';
import fc from 'fast-check';
import { buildControlFlow } from '../../src/analysis/cfg.js';
import { buildDominatorTree } from '../../src/analysis/dominators.js';
import { estimateFrequencies } from '../../src/analysis/frequency.js';
import { buildLoopForest } from '../../src/analysis/loops.js';
import { buildPostDominatorTree } from '../../src/analysis/post-dominators.js';
import { arbitraryGraph, reachableAvoiding } from './random-graph.js';

test('dominance agrees with its definition: removing a cuts b off from the entry', (t) => {
  fc.assert(
    fc.property(arbitraryGraph(), (g) => {
      const cfg = buildControlFlow(g);
      const tree = buildDominatorTree(cfg);
      for (const a of g.nodes) {
        const without = reachableAvoiding(g, g.entry, a);
        for (const b of g.nodes) {
          const expected = cfg.isReachable(a) && cfg.isReachable(b) && (a === b || !without.has(b));
          if (tree.dominates(a, b) !== expected) return false;
        }
      }
      // idom is the closest strict dominator.
      return g.nodes.every((b) => {
        const i = tree.idom(b);
        return i === undefined || (tree.strictlyDominates(i, b) && tree.depth(b) === tree.depth(i) + 1);
      });
    }),
  );
  t.pass();
});

test('post-dominance agrees with its definition on the graph completed with the virtual exit', (t) => {
  fc.assert(
    fc.property(arbitraryGraph(), (g) => {
      const cfg = buildControlFlow(g);
      const tree = buildPostDominatorTree(cfg);
      const EXIT = Number.MIN_SAFE_INTEGER;
      const toExit = new Set(tree.exitPredecessors);
      const extra = (n: number): number[] => (toExit.has(n) ? [EXIT] : []);
      for (const b of g.nodes) {
        if (!cfg.isReachable(b)) {
          if (tree.contains(b)) return false;
          continue;
        }
        if (!reachableAvoiding(g, b, undefined, extra).has(EXIT)) return false; // the tree must be total
        for (const a of g.nodes) {
          if (!cfg.isReachable(a)) continue;
          const expected = a === b || !reachableAvoiding(g, b, a, extra).has(EXIT);
          if (tree.postDominates(a, b) !== expected) return false;
        }
      }
      return true;
    }),
  );
  t.pass();
});

test('every reachable cycle lies in a loop, and loops nest', (t) => {
  fc.assert(
    fc.property(arbitraryGraph(), (g) => {
      const cfg = buildControlFlow(g);
      const forest = buildLoopForest(cfg);
      for (const n of g.nodes) {
        if (!cfg.isReachable(n)) continue;
        // n is on a cycle iff n reaches itself through at least one edge.
        const onCycle = g.successors(n).some((s) => reachableAvoiding(g, s, undefined).has(n));
        if (onCycle !== forest.depth(n) > 0) return false;
      }
      for (const loop of forest.loops) {
        if (loop.headers.length === 0 || !loop.headers.every((h) => loop.nodes.includes(h))) return false;
        if (loop.parent !== undefined && !loop.nodes.every((n) => forest.contains(loop.parent!, n))) return false;
        // Every edge from outside into the loop enters at a header.
        for (const e of cfg.edges) {
          if (cfg.isReachable(e.from) && !forest.contains(loop.id, e.from) && forest.contains(loop.id, e.to) && !loop.headers.includes(e.to)) return false;
        }
      }
      return true;
    }),
  );
  t.pass();
});

// contains() answers from the pre-order numbering (a loop and those nested in it are a run of
// ids) rather than a set per loop; it must say exactly what each loop's node list says.
test('a loop contains exactly its nodes, nested loops included', (t) => {
  fc.assert(
    fc.property(arbitraryGraph(), (g) => {
      const cfg = buildControlFlow(g);
      const forest = buildLoopForest(cfg);
      return forest.loops.every((loop) => g.nodes.every((n) => forest.contains(loop.id, n) === loop.nodes.includes(n)));
    }),
  );
  t.pass();
});

test('frequencies are finite and non-negative, and conserve flow on acyclic graphs', (t) => {
  fc.assert(
    fc.property(arbitraryGraph({ entryWithoutPredecessors: true }), (g) => {
      const cfg = buildControlFlow(g);
      const forest = buildLoopForest(cfg);
      const f = estimateFrequencies(cfg, forest);
      if (!g.nodes.every((n) => Number.isFinite(f.block(n)) && f.block(n) >= 0)) return false;
      if (Math.abs(f.block(g.entry) - 1) > 1e-9) return false;
      if (forest.loops.length > 0) return true;
      return g.nodes.every((n) => {
        if (n === g.entry || !cfg.isReachable(n)) return true;
        const inflow = cfg.inEdges(n).reduce((s, e) => s + f.edge(e.id), 0);
        return Math.abs(inflow - f.block(n)) <= 1e-9 * Math.max(1, inflow);
      });
    }),
  );
  t.pass();
});
