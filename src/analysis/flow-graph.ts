// The abstract graph every analysis works on. The CLIF IR (or any other client) adapts to it
// in a few lines: blocks are numbers, `nodes` is the layout order, `successors` lists the
// targets of the block's terminator in order (repeats allowed: `brif v, b1, b1` has two edges).

export interface FlowGraph {
  readonly entry: number;
  /** Layout order; ids may be sparse (like Cranelift block numbers). */
  readonly nodes: readonly number[];
  successors(node: number): readonly number[];
}

/** One CFG edge. Edges form a multiset: two edges may join the same pair of nodes. */
export interface Edge {
  /** Stable id: edges are numbered by source in layout order, then by successor position. */
  readonly id: number;
  readonly from: number;
  readonly to: number;
  /** Position of this edge in `successors(from)`. */
  readonly index: number;
}

export class FlowGraphError extends Error {
  override readonly name = 'FlowGraphError';
}

/** Checks that the graph is well formed: unique nodes, entry and every successor are nodes. */
export function validateFlowGraph(graph: FlowGraph): void {
  const seen = new Set<number>();
  for (const node of graph.nodes) {
    if (!Number.isSafeInteger(node)) throw new FlowGraphError(`node id ${String(node)} is not an integer`);
    if (seen.has(node)) throw new FlowGraphError(`node ${node} appears twice in the layout`);
    seen.add(node);
  }
  if (!seen.has(graph.entry)) throw new FlowGraphError(`entry ${graph.entry} is not a node of the graph`);
  for (const node of graph.nodes) {
    for (const succ of graph.successors(node)) {
      if (!seen.has(succ)) throw new FlowGraphError(`edge ${node} -> ${succ}: ${succ} is not a node of the graph`);
    }
  }
}

/** A plain FlowGraph from an adjacency record, handy for tests and adapters. */
export function graphFromAdjacency(entry: number, adjacency: ReadonlyArray<readonly [number, readonly number[]]>): FlowGraph {
  const map = new Map<number, readonly number[]>(adjacency.map(([n, s]) => [n, [...s]]));
  return {
    entry,
    nodes: adjacency.map(([n]) => n),
    successors: (node) => map.get(node) ?? [],
  };
}
