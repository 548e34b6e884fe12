// Control-flow facts derived once from a FlowGraph: the edge multiset with stable ids,
// predecessors, reachability from the entry, and depth-first orders.
import { validateFlowGraph, type Edge, type FlowGraph } from './flow-graph.js';

export interface ControlFlow {
  readonly graph: FlowGraph;
  readonly entry: number;
  /** Layout order. */
  readonly nodes: readonly number[];
  /** All edges, indexed by their id. */
  readonly edges: readonly Edge[];
  hasNode(node: number): boolean;
  /** Layout position of a node. */
  layoutIndex(node: number): number;
  successors(node: number): readonly number[];
  /** Predecessors with multiplicity, in edge-id order. */
  predecessors(node: number): readonly number[];
  outEdges(node: number): readonly Edge[];
  inEdges(node: number): readonly Edge[];
  isReachable(node: number): boolean;
  /** Reachable nodes in reverse post-order of a depth-first search from the entry. */
  readonly reversePostOrder: readonly number[];
  /** Position in `reversePostOrder`, or -1 when unreachable. */
  rpoIndex(node: number): number;
  /** An edge is critical when its source has several out-edges and its target several in-edges. */
  isCritical(edgeId: number): boolean;
  readonly criticalEdges: readonly Edge[];
}

export function buildControlFlow(graph: FlowGraph): ControlFlow {
  validateFlowGraph(graph);
  const nodes = [...graph.nodes];
  const layout = new Map<number, number>(nodes.map((n, i) => [n, i]));
  const edges: Edge[] = [];
  const outEdges = new Map<number, Edge[]>();
  const inEdges = new Map<number, Edge[]>();
  for (const n of nodes) {
    outEdges.set(n, []);
    inEdges.set(n, []);
  }
  for (const from of nodes) {
    graph.successors(from).forEach((to, index) => {
      const edge: Edge = { id: edges.length, from, to, index };
      edges.push(edge);
      outEdges.get(from)?.push(edge);
      inEdges.get(to)?.push(edge);
    });
  }
  const succs = new Map<number, readonly number[]>(nodes.map((n) => [n, (outEdges.get(n) ?? []).map((e) => e.to)]));
  const preds = new Map<number, readonly number[]>(nodes.map((n) => [n, (inEdges.get(n) ?? []).map((e) => e.from)]));

  // Iterative DFS: successors visited in order, so the post-order is deterministic.
  const visited = new Set<number>();
  const postOrder: number[] = [];
  const stack: Array<{ node: number; next: number }> = [{ node: graph.entry, next: 0 }];
  visited.add(graph.entry);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const out = succs.get(top.node) ?? [];
    if (top.next < out.length) {
      const succ = out[top.next++]!;
      if (!visited.has(succ)) {
        visited.add(succ);
        stack.push({ node: succ, next: 0 });
      }
    } else {
      postOrder.push(top.node);
      stack.pop();
    }
  }
  const rpo = postOrder.reverse();
  const rpoIndex = new Map<number, number>(rpo.map((n, i) => [n, i]));
  const critical = edges.filter((e) => (outEdges.get(e.from)?.length ?? 0) > 1 && (inEdges.get(e.to)?.length ?? 0) > 1);
  const criticalIds = new Set(critical.map((e) => e.id));

  return {
    graph,
    entry: graph.entry,
    nodes,
    edges,
    hasNode: (n) => layout.has(n),
    layoutIndex: (n) => layout.get(n) ?? -1,
    successors: (n) => succs.get(n) ?? [],
    predecessors: (n) => preds.get(n) ?? [],
    outEdges: (n) => outEdges.get(n) ?? [],
    inEdges: (n) => inEdges.get(n) ?? [],
    isReachable: (n) => visited.has(n),
    reversePostOrder: rpo,
    rpoIndex: (n) => rpoIndex.get(n) ?? -1,
    isCritical: (id) => criticalIds.has(id),
    criticalEdges: critical,
  };
}
