// Loop nesting forest by nested strongly connected components (Havlak/Ramalingam family,
// in the simple recursive SCC form): every non-trivial SCC of the reachable CFG is a loop;
// its headers are its nodes entered from outside it (or the function entry). Removing the
// edges into the headers and recursing on the SCC yields the inner loops.
//
// For a reducible CFG each loop has one header and is the union of the natural loops of the
// back edges into that header. An irreducible region comes out as one loop with several
// headers. Every cycle of the CFG lies in some loop and passes through one of that loop's
// headers or lies in an inner loop, so "every cycle belongs to a loop" holds by construction.
import type { ControlFlow } from './cfg.js';
import type { Edge } from './flow-graph.js';
import { stronglyConnectedComponents } from './scc.js';

export interface Loop {
  readonly id: number;
  /** Entry nodes of the region, layout order. One for a natural loop, several when irreducible. */
  readonly headers: readonly number[];
  /** Every node of the loop, nested loops included, layout order. */
  readonly nodes: readonly number[];
  readonly parent: number | undefined;
  readonly children: readonly number[];
  /** Outermost loops have depth 1. */
  readonly depth: number;
  readonly irreducible: boolean;
}

export interface LoopForest {
  /** Parents before children; siblings by the layout position of their first node. */
  readonly loops: readonly Loop[];
  readonly topLevel: readonly number[];
  /** Innermost loop containing the node. */
  innermost(node: number): Loop | undefined;
  /** Number of loops containing the node (0 outside every loop and for unreachable nodes). */
  depth(node: number): number;
  contains(loopId: number, node: number): boolean;
  isHeader(node: number): boolean;
  /** An edge from inside a loop to one of that loop's headers. */
  isBackEdge(edge: Edge): boolean;
  /** The innermost loop containing `edge.from` does not contain `edge.to`. */
  isExitEdge(edge: Edge): boolean;
}

export function buildLoopForest(cfg: ControlFlow): LoopForest {
  const index = (n: number): number => cfg.layoutIndex(n);
  const node = (i: number): number => cfg.nodes[i]!;
  const reachable = cfg.nodes.filter((n) => cfg.isReachable(n)).map(index);

  interface Draft { headers: number[]; members: number[]; parent: number | undefined; children: number[]; depth: number }
  const drafts: Draft[] = [];
  const innermost = new Int32Array(cfg.nodes.length).fill(-1);
  const headerSet = new Set<number>();

  const discover = (members: readonly number[], excluded: ReadonlySet<number>, parent: number | undefined, depth: number): void => {
    const succ = (v: number): number[] => cfg.successors(node(v)).map(index).filter((w) => !excluded.has(w));
    const sccs = stronglyConnectedComponents(members, succ).sort((a, b) => a[0]! - b[0]!);
    for (const scc of sccs) {
      const inScc = new Set(scc);
      const cyclic = scc.length > 1 || succ(scc[0]!).includes(scc[0]!);
      if (!cyclic) continue;
      const headers = scc.filter(
        (v) => node(v) === cfg.entry || cfg.predecessors(node(v)).some((p) => cfg.isReachable(p) && !inScc.has(index(p))),
      );
      const id = drafts.length;
      drafts.push({ headers, members: scc, parent, children: [], depth });
      if (parent !== undefined) drafts[parent]!.children.push(id);
      for (const v of scc) innermost[v] = id;
      for (const h of headers) headerSet.add(h);
      discover(scc, new Set(headers), id, depth + 1);
    }
  };
  discover(reachable, new Set(), undefined, 1);

  // Renumber in pre-order so parents come first and ids are deterministic.
  const order: number[] = [];
  // By old id: the last loop (new id) nested in it, so a loop and those inside it are the new
  // ids id..lastNested.
  const lastNestedOf = new Int32Array(drafts.length);
  const visit = (id: number): void => {
    order.push(id);
    for (const c of drafts[id]!.children) visit(c);
    lastNestedOf[id] = order.length - 1;
  };
  const tops = drafts.map((d, i) => ({ d, i })).filter(({ d }) => d.parent === undefined).map(({ i }) => i);
  for (const t of tops) visit(t);
  const renumber = new Map<number, number>(order.map((old, i) => [old, i]));
  const loops: Loop[] = order.map((old, id) => {
    const d = drafts[old]!;
    return {
      id,
      headers: d.headers.map(node),
      nodes: d.members.map(node),
      parent: d.parent === undefined ? undefined : renumber.get(d.parent),
      children: d.children.map((c) => renumber.get(c)!),
      depth: d.depth,
      irreducible: d.headers.length > 1,
    };
  });
  const lastNested = order.map((old) => lastNestedOf[old]!);
  const innermostOf = (n: number): Loop | undefined => {
    if (!cfg.hasNode(n)) return undefined;
    const old = innermost[index(n)]!;
    return old === -1 ? undefined : loops[renumber.get(old)!];
  };
  // The node's innermost loop is this loop or nested in it: constant time, no set per loop.
  const contains = (loopId: number, n: number): boolean => {
    const m = innermostOf(n)?.id;
    return m !== undefined && loopId <= m && m <= (lastNested[loopId] ?? -1);
  };
  return {
    loops,
    topLevel: tops.map((t) => renumber.get(t)!),
    innermost: innermostOf,
    depth: (n) => innermostOf(n)?.depth ?? 0,
    contains,
    isHeader: (n) => cfg.hasNode(n) && headerSet.has(index(n)),
    isBackEdge: (e) => {
      for (let l = innermostOf(e.from); l; l = l.parent === undefined ? undefined : loops[l.parent]) {
        if (l.headers.includes(e.to)) return true;
      }
      return false;
    },
    isExitEdge: (e) => {
      const l = innermostOf(e.from);
      return l !== undefined && !contains(l.id, e.to);
    },
  };
}
