// Strongly connected components (Tarjan, iterative) of a dense subgraph. Used by the
// post-dominator tree (infinite loops) and the loop forest (SCC-based loop nesting).

/**
 * SCCs of the subgraph induced by `members` (dense vertex ids). Components come out in
 * reverse topological order (a component before any component that reaches it); vertices
 * inside a component keep the order of `members`.
 */
export function stronglyConnectedComponents(
  members: readonly number[],
  succs: (v: number) => readonly number[],
): number[][] {
  const inSet = new Set(members);
  const order = new Map<number, number>(members.map((v, i) => [v, i]));
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const result: number[][] = [];
  let counter = 0;
  for (const start of members) {
    if (index.has(start)) continue;
    const work: Array<{ v: number; out: readonly number[]; next: number }> = [];
    const open = (v: number): void => {
      index.set(v, counter);
      low.set(v, counter);
      counter++;
      stack.push(v);
      onStack.add(v);
      work.push({ v, out: succs(v).filter((w) => inSet.has(w)), next: 0 });
    };
    open(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.next < frame.out.length) {
        const w = frame.out[frame.next++]!;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(frame.v, Math.min(low.get(frame.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(frame.v)!));
      if (low.get(frame.v) === index.get(frame.v)) {
        const component: number[] = [];
        for (;;) {
          const w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
          if (w === frame.v) break;
        }
        component.sort((a, b) => order.get(a)! - order.get(b)!);
        result.push(component);
      }
    }
  }
  return result;
}
