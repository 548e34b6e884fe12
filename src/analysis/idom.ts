// Immediate dominators on a dense graph (vertices 0..count-1) by the iterative algorithm of
// Cooper, Harvey and Kennedy ("A Simple, Fast Dominance Algorithm", 2001). Shared by the
// dominator tree (forward CFG) and the post-dominator tree (reversed CFG plus a virtual exit).

export interface DenseDominators {
  /** idom[v], root for the root itself, -1 when v is not reachable from the root. */
  readonly idom: Int32Array;
  /** Vertices reachable from the root in reverse post-order. */
  readonly order: readonly number[];
}

export function denseDominators(count: number, root: number, succs: readonly (readonly number[])[]): DenseDominators {
  const postIndex = new Int32Array(count).fill(-1);
  const order: number[] = [];
  const seen = new Uint8Array(count);
  const stack: Array<{ v: number; next: number }> = [{ v: root, next: 0 }];
  seen[root] = 1;
  let counter = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const out = succs[top.v] ?? [];
    if (top.next < out.length) {
      const w = out[top.next++]!;
      if (!seen[w]) {
        seen[w] = 1;
        stack.push({ v: w, next: 0 });
      }
    } else {
      postIndex[top.v] = counter++;
      order.push(top.v);
      stack.pop();
    }
  }
  order.reverse();
  const preds: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < count; v++) {
    if (!seen[v]) continue;
    for (const w of succs[v] ?? []) preds[w]!.push(v);
  }
  const idom = new Int32Array(count).fill(-1);
  idom[root] = root;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (postIndex[a]! < postIndex[b]!) a = idom[a]!;
      while (postIndex[b]! < postIndex[a]!) b = idom[b]!;
    }
    return a;
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const v of order) {
      if (v === root) continue;
      let next = -1;
      for (const p of preds[v]!) {
        if (idom[p] === -1) continue;
        next = next === -1 ? p : intersect(p, next);
      }
      if (next !== -1 && idom[v] !== next) {
        idom[v] = next;
        changed = true;
      }
    }
  }
  return { idom, order };
}

/** Tree queries over a dense idom array: children, depth and O(1) ancestry by DFS intervals. */
export interface DenseTree {
  children(v: number): readonly number[];
  depth(v: number): number;
  /** a is an ancestor of b, or a === b. Both must be in the tree. */
  isAncestor(a: number, b: number): boolean;
  inTree(v: number): boolean;
}

export function denseTree(count: number, root: number, idom: Int32Array, childOrder: (a: number, b: number) => number): DenseTree {
  const children: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < count; v++) {
    if (v !== root && idom[v] !== -1) children[idom[v]!]!.push(v);
  }
  for (const list of children) list.sort(childOrder);
  const pre = new Int32Array(count).fill(-1);
  const post = new Int32Array(count).fill(-1);
  const depth = new Int32Array(count).fill(-1);
  let clock = 0;
  const stack: Array<{ v: number; next: number }> = [{ v: root, next: 0 }];
  pre[root] = clock++;
  depth[root] = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const kids = children[top.v]!;
    if (top.next < kids.length) {
      const c = kids[top.next++]!;
      pre[c] = clock++;
      depth[c] = depth[top.v]! + 1;
      stack.push({ v: c, next: 0 });
    } else {
      post[top.v] = clock++;
      stack.pop();
    }
  }
  return {
    children: (v) => children[v] ?? [],
    depth: (v) => depth[v] ?? -1,
    inTree: (v) => (pre[v] ?? -1) !== -1,
    isAncestor: (a, b) => pre[a]! <= pre[b]! && post[b]! <= post[a]!,
  };
}
