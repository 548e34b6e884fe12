// Post-dominator tree of the reachable part of a CFG, rooted at a virtual exit.
//
// The virtual exit's predecessors are every reachable node without successors (returns,
// traps) and, for each region that cannot reach any such node (an infinite loop), one
// representative: per terminal strongly connected component of the non-exiting nodes, its
// node that comes last in reverse post-order (usually the latch). LLVM connects infinite
// loops the same way. After that every reachable node reaches the exit, so the tree is total
// on reachable nodes. Unreachable nodes are not in the tree.
import type { ControlFlow } from './cfg.js';
import { denseDominators, denseTree } from './idom.js';
import { stronglyConnectedComponents } from './scc.js';

export interface PostDominatorTree {
  /** Immediate post-dominator: a node, null for the virtual exit, undefined when unreachable. */
  ipdom(node: number): number | null | undefined;
  /** a post-dominates b (reflexive); false when either is unreachable. */
  postDominates(a: number, b: number): boolean;
  /** Children in layout order; `null` asks for the children of the virtual exit. */
  children(node: number | null): readonly number[];
  /** Children of the virtual exit have depth 1; unreachable nodes -1. */
  depth(node: number): number;
  contains(node: number): boolean;
  /** Nodes connected to the virtual exit, in layout order. */
  readonly exitPredecessors: readonly number[];
  /** The subset of exitPredecessors that stand for infinite loops. */
  readonly infiniteLoopRepresentatives: readonly number[];
}

export function buildPostDominatorTree(cfg: ControlFlow): PostDominatorTree {
  const nodes = cfg.nodes;
  const count = nodes.length;
  const exit = count;
  const index = (n: number): number => cfg.layoutIndex(n);
  const reachable = nodes.filter((n) => cfg.isReachable(n));

  const sinks = reachable.filter((n) => cfg.successors(n).length === 0);
  // Which reachable nodes reach a sink: backwards search.
  const reachesExit = new Set<number>(sinks);
  const work = [...sinks];
  while (work.length > 0) {
    const n = work.pop()!;
    for (const p of cfg.predecessors(n)) {
      if (cfg.isReachable(p) && !reachesExit.has(p)) {
        reachesExit.add(p);
        work.push(p);
      }
    }
  }
  const stuck = reachable.filter((n) => !reachesExit.has(n)).map(index);
  const stuckSet = new Set(stuck);
  const representatives: number[] = [];
  for (const scc of stronglyConnectedComponents(stuck, (v) => cfg.successors(nodes[v]!).map(index))) {
    const inScc = new Set(scc);
    const terminal = scc.every((v) => cfg.successors(nodes[v]!).every((s) => inScc.has(index(s)) || !stuckSet.has(index(s))));
    if (!terminal) continue;
    let best = scc[0]!;
    for (const v of scc) if (cfg.rpoIndex(nodes[v]!) > cfg.rpoIndex(nodes[best]!)) best = v;
    representatives.push(nodes[best]!);
  }
  representatives.sort((a, b) => index(a) - index(b));
  const exitPreds = [...sinks, ...representatives].sort((a, b) => index(a) - index(b));

  // Reversed graph: exit -> its predecessors, v -> u for every reachable edge u -> v.
  const rsuccs: number[][] = Array.from({ length: count + 1 }, () => []);
  rsuccs[exit] = exitPreds.map(index);
  for (const u of reachable) for (const v of cfg.successors(u)) rsuccs[index(v)]!.push(index(u));
  const { idom } = denseDominators(count + 1, exit, rsuccs);
  const tree = denseTree(count + 1, exit, idom, (a, b) => a - b);
  const inTree = (n: number): boolean => cfg.hasNode(n) && cfg.isReachable(n) && tree.inTree(index(n));
  return {
    ipdom: (n) => {
      if (!inTree(n)) return undefined;
      const p = idom[index(n)]!;
      return p === exit ? null : nodes[p]!;
    },
    postDominates: (a, b) => inTree(a) && inTree(b) && tree.isAncestor(index(a), index(b)),
    children: (n) => {
      if (n === null) return tree.children(exit).map((i) => nodes[i]!);
      return inTree(n) ? tree.children(index(n)).map((i) => nodes[i]!) : [];
    },
    depth: (n) => (inTree(n) ? tree.depth(index(n)) : -1),
    contains: inTree,
    exitPredecessors: exitPreds,
    infiniteLoopRepresentatives: representatives,
  };
}
