// Control-equivalent blocks: a and b run equally often because a dominates b, b
// post-dominates a, and they sit in the same innermost loop. Each class is listed in
// dominance order (its first block dominates the rest). Placement reaches the same sharing
// through its potentials; this helper names the classes for diagnostics and pictures.
import type { ControlFlow } from './cfg.js';
import type { DominatorTree } from './dominators.js';
import type { LoopForest } from './loops.js';
import type { PostDominatorTree } from './post-dominators.js';

export function controlEquivalenceClasses(
  cfg: ControlFlow,
  dominators: DominatorTree,
  postDominators: PostDominatorTree,
  loops: LoopForest,
): number[][] {
  const classOf = new Map<number, number[]>();
  const classes: number[][] = [];
  // Reverse post-order visits a dominator before the blocks it dominates.
  for (const b of cfg.reversePostOrder) {
    let found: number[] | undefined;
    // The candidate leader is the nearest dominator that b post-dominates, in the same loop.
    for (let d = dominators.idom(b); d !== undefined; d = dominators.idom(d)) {
      if (postDominators.postDominates(b, d) && loops.innermost(d) === loops.innermost(b)) {
        found = classOf.get(d);
        break;
      }
    }
    if (found === undefined) {
      found = [];
      classes.push(found);
    }
    found.push(b);
    classOf.set(b, found);
  }
  return classes;
}
