// Deciding the product graph. Each edge has a difference d = (after's charge) - (before's).
// Both functions charge the same on every walk from an observation point to an observation point
// exactly when a potential exists: 0 at observation points, pot(t) + d = pot(h) on every edge
// whose head can still reach an observation point. Points that can reach none (inside or behind
// an infinite loop) only need every cycle to keep its cost: the same test per strongly connected
// component. A breadth-first tree gives the only candidate potential; a failing edge yields two
// walks whose totals differ, and at least one of them is a counterexample.
import { stronglyConnectedComponents } from '../../../analysis/scc.js';
import type { ProductEdge, ProductGraph } from './product.js';

export interface Mismatch {
  readonly kind: 'path' | 'cycle';
  /** Edge ids, in walk order. */
  readonly walk: readonly number[];
}

export function findMismatch(graph: ProductGraph): Mismatch | undefined {
  const { points, edges } = graph;
  const d = (e: ProductEdge): number => e.chargeA - e.chargeB;
  const outs: number[][] = points.map(() => []);
  const ins: number[][] = points.map(() => []);
  for (const e of edges) {
    outs[e.from]!.push(e.id);
    ins[e.to]!.push(e.id);
  }
  // Forward tree from the start points.
  const pot = new Map<number, number>();
  const tree = new Map<number, number>();
  const queue = points.filter((p) => p.start).map((p) => p.id);
  const potOut = (n: number): number => (points[n]!.start ? 0 : pot.get(n)!);
  for (let q = 0; q < queue.length; q++) {
    const n = queue[q]!;
    for (const id of outs[n]!) {
      const e = edges[id]!;
      const h = points[e.to]!;
      if (h.start || h.end || pot.has(h.id)) continue;
      pot.set(h.id, potOut(n) + d(e));
      tree.set(h.id, id);
      queue.push(h.id);
    }
  }
  // Backward from the end points: who reaches one, and by which edge.
  const toward = new Map<number, number>();
  const coReach = new Set<number>();
  const back = points.filter((p) => p.end).map((p) => p.id);
  for (const n of back) coReach.add(n);
  for (let q = 0; q < back.length; q++) {
    const n = back[q]!;
    for (const id of ins[n]!) {
      const t = edges[id]!.from;
      if (coReach.has(t)) continue;
      coReach.add(t);
      toward.set(t, id);
      back.push(t);
    }
  }
  const treePath = (n: number): number[] => {
    const walk: number[] = [];
    for (let at = n; tree.has(at); at = edges[tree.get(at)!]!.from) walk.push(tree.get(at)!);
    return walk.reverse();
  };
  const toEnd = (n: number): number[] => {
    const walk: number[] = [];
    for (let at = n; !points[at]!.end && toward.has(at); at = edges[toward.get(at)!]!.to) walk.push(toward.get(at)!);
    return walk;
  };
  const total = (walk: readonly number[]): number => walk.reduce((s, id) => s + d(edges[id]!), 0);
  for (const e of edges) {
    const h = points[e.to]!;
    if (!h.end && !coReach.has(h.id)) continue;
    const reached = points[e.from]!.start || pot.has(e.from);
    if (!reached) continue;
    const want = h.end ? 0 : pot.get(h.id)!;
    if (potOut(e.from) + d(e) === want) continue;
    const first = [...treePath(e.from), e.id, ...toEnd(h.id)];
    if (h.end || total(first) !== 0) return { kind: 'path', walk: first };
    return { kind: 'path', walk: [...treePath(h.id), ...toEnd(h.id)] };
  }
  // Cycles among points that never reach an observation point again.
  const rest = points.filter((p) => !coReach.has(p.id)).map((p) => p.id);
  const restSet = new Set(rest);
  const succ = (n: number): number[] => outs[n]!.map((id) => edges[id]!.to).filter((t) => restSet.has(t));
  for (const scc of stronglyConnectedComponents(rest, succ)) {
    const members = new Set(scc);
    const root = Math.min(...scc);
    const inner = (n: number): number[] => outs[n]!.filter((id) => members.has(edges[id]!.to));
    const cpot = new Map<number, number>([[root, 0]]);
    const ctree = new Map<number, number>();
    const cq = [root];
    for (let q = 0; q < cq.length; q++) {
      const n = cq[q]!;
      for (const id of inner(n)) {
        const e = edges[id]!;
        if (cpot.has(e.to)) continue;
        cpot.set(e.to, cpot.get(n)! + d(e));
        ctree.set(e.to, id);
        cq.push(e.to);
      }
    }
    // Paths back to the root inside the component.
    const home = new Map<number, number>();
    const bq = [root];
    const seen = new Set([root]);
    for (let q = 0; q < bq.length; q++) {
      const n = bq[q]!;
      for (const id of ins[n]!) {
        const t = edges[id]!.from;
        if (!members.has(t) || seen.has(t)) continue;
        seen.add(t);
        home.set(t, id);
        bq.push(t);
      }
    }
    const fromRoot = (n: number): number[] => {
      const walk: number[] = [];
      for (let at = n; ctree.has(at); at = edges[ctree.get(at)!]!.from) walk.push(ctree.get(at)!);
      return walk.reverse();
    };
    const toRoot = (n: number): number[] => {
      const walk: number[] = [];
      for (let at = n; at !== root && home.has(at); at = edges[home.get(at)!]!.to) walk.push(home.get(at)!);
      return walk;
    };
    for (const n of scc) {
      for (const id of inner(n)) {
        const e = edges[id]!;
        if (cpot.get(n)! + d(e) === cpot.get(e.to)!) continue;
        const first = [...fromRoot(n), id, ...toRoot(e.to)];
        if (total(first) !== 0) return { kind: 'cycle', walk: first };
        return { kind: 'cycle', walk: [...fromRoot(e.to), ...toRoot(e.to)] };
      }
    }
  }
  return undefined;
}
