// Dominator tree of the reachable part of a CFG. Unreachable nodes are not in the tree:
// they have no idom, depth -1, and dominate / are dominated by nothing.
import type { ControlFlow } from './cfg.js';
import { denseDominators, denseTree } from './idom.js';

export interface DominatorTree {
  /** Immediate dominator; undefined for the entry and for unreachable nodes. */
  idom(node: number): number | undefined;
  /** a dominates b (reflexive). False when either is unreachable. */
  dominates(a: number, b: number): boolean;
  strictlyDominates(a: number, b: number): boolean;
  /** Tree children in layout order. */
  children(node: number): readonly number[];
  /** Entry has depth 0; unreachable nodes -1. */
  depth(node: number): number;
  contains(node: number): boolean;
}

export function buildDominatorTree(cfg: ControlFlow): DominatorTree {
  const nodes = cfg.nodes;
  const index = (n: number): number => cfg.layoutIndex(n);
  const succs = nodes.map((n) => cfg.successors(n).map(index));
  const root = index(cfg.entry);
  const { idom } = denseDominators(nodes.length, root, succs);
  const tree = denseTree(nodes.length, root, idom, (a, b) => a - b);
  const inTree = (n: number): boolean => cfg.hasNode(n) && tree.inTree(index(n));
  return {
    idom: (n) => (inTree(n) && n !== cfg.entry ? nodes[idom[index(n)]!] : undefined),
    dominates: (a, b) => inTree(a) && inTree(b) && tree.isAncestor(index(a), index(b)),
    strictlyDominates: (a, b) => a !== b && inTree(a) && inTree(b) && tree.isAncestor(index(a), index(b)),
    children: (n) => (inTree(n) ? tree.children(index(n)).map((i) => nodes[i]!) : []),
    depth: (n) => (inTree(n) ? tree.depth(index(n)) : -1),
    contains: inTree,
  };
}
