// fast-check generator of small CFGs: sparse ids, shuffled layout, repeated successors,
// unreachable nodes, sinks and cycles all appear.
import fc from 'fast-check';
import type { FlowGraph } from '../../src/analysis/flow-graph.js';

export interface RandomGraphOptions {
  readonly maxNodes?: number;
  /** Drop edges into the entry (CLIF forbids them). */
  readonly entryWithoutPredecessors?: boolean;
}

export function arbitraryGraph(options: RandomGraphOptions = {}): fc.Arbitrary<FlowGraph> {
  const maxNodes = options.maxNodes ?? 10;
  return fc
    .integer({ min: 1, max: maxNodes })
    .chain((n) =>
      fc.record({
        n: fc.constant(n),
        succs: fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
        layout: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
        stride: fc.integer({ min: 1, max: 5 }),
      }),
    )
    .map(({ succs, layout, stride }) => {
      const id = (i: number): number => i * stride + 1;
      const table = new Map<number, number[]>();
      succs.forEach((s, i) => table.set(id(i), s.filter((t) => !(options.entryWithoutPredecessors && t === 0)).map(id)));
      const graph: FlowGraph = { entry: id(0), nodes: layout.map(id), successors: (node) => table.get(node) ?? [] };
      return graph;
    });
}

/** Nodes reachable from `from` without passing through `removed`. */
export function reachableAvoiding(graph: FlowGraph, from: number, removed: number | undefined, extra?: (n: number) => readonly number[]): Set<number> {
  const seen = new Set<number>();
  if (from === removed) return seen;
  const work = [from];
  seen.add(from);
  while (work.length > 0) {
    const n = work.pop()!;
    for (const s of [...graph.successors(n), ...(extra?.(n) ?? [])]) {
      if (s === removed || seen.has(s)) continue;
      seen.add(s);
      work.push(s);
    }
  }
  return seen;
}
