// Proof that a placement charges what the original instrumentation charges.
//
// Every step (segment, edge, unobserved boundary) has diff = new charge - original charge.
// The placement is correct iff every increment is >= 0, every path from an observation point
// to an observation point has total diff 0, and every cycle has total diff 0.
//
// Proof: a breadth-first tree from the start points gives each point a potential (the diff
// along its tree path; 0 at start points). For each step whose head can still reach an end
// point, potential(tail) + diff must equal potential(head) (0 at end points); this covers every
// start-to-end path and every cycle among such points. Points that can reach no end (inside or
// behind an infinite loop) only carry the cycle condition: the same test per strongly connected
// component, with a tree rooted inside it. A failed test yields two concrete walks that differ
// only before the failing point; one of them is the counterexample.
import { stronglyConnectedComponents } from '../../../analysis/scc.js';
import { buildChargeGraph, type ChargeGraph, type Step } from './charge-graph.js';
import { FuelModelError, type FuelModel, type Placement, type Site } from './model.js';

export type PathStep =
  | { readonly kind: 'segment'; readonly block: number; readonly index: number }
  | { readonly kind: 'edge'; readonly edge: number; readonly from: number; readonly to: number }
  | { readonly kind: 'boundary'; readonly block: number; readonly index: number };

export interface PathMismatch {
  /** `path`: from an observation point to an observation point; `cycle`: a closed walk. */
  readonly kind: 'path' | 'cycle';
  readonly from: string;
  readonly to: string;
  readonly path: readonly PathStep[];
  /** Fuel the original instrumentation charges along the path. */
  readonly expected: number;
  /** Fuel the placement charges along it. */
  readonly actual: number;
}

export interface NegativeIncrement {
  readonly negativeIncrement: { readonly site: Site; readonly value: number };
}

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly counterexample: PathMismatch | NegativeIncrement };

export function checkPlacement(model: FuelModel, placement: Placement): CheckResult {
  const graph = buildChargeGraph(model);
  const negative = findNegative(model, graph, placement);
  if (negative) return { ok: false, counterexample: negative };
  const charge = (s: Step): number =>
    s.kind === 'segment' ? placement.segments.get(s.block)![s.index]! : s.kind === 'edge' ? placement.edges[s.edge]! : 0;
  const diff = (s: Step): number => charge(s) - s.cost;
  const mismatch = checkObservedPaths(graph, diff) ?? checkCycles(graph, diff);
  if (mismatch === undefined) return { ok: true };
  const path = mismatch.walk.map((i) => graph.steps[i]!);
  return {
    ok: false,
    counterexample: {
      kind: mismatch.kind,
      from: graph.labels[mismatch.from]!,
      to: graph.labels[mismatch.to]!,
      path: path.map(publicStep),
      expected: path.reduce((sum, s) => sum + s.cost, 0),
      actual: path.reduce((sum, s) => sum + charge(s), 0),
    },
  };
}

function findNegative(model: FuelModel, graph: ChargeGraph, placement: Placement): NegativeIncrement | undefined {
  if (placement.edges.length !== graph.cfg.edges.length) {
    throw new FuelModelError(`placement has ${placement.edges.length} edge increments, the CFG has ${graph.cfg.edges.length} edges`);
  }
  for (const n of model.graph.nodes) {
    const incs = placement.segments.get(n);
    const count = model.block(n).segments.length;
    if (incs === undefined || incs.length !== count) throw new FuelModelError(`placement for block ${n} needs ${count} segment increments`);
    for (let i = 0; i < count; i++) {
      const value = incs[i]!;
      if (!Number.isFinite(value)) throw new FuelModelError(`block ${n} segment ${i}: increment ${value} is not a number`);
      if (value < 0) return { negativeIncrement: { site: { kind: 'segment', block: n, index: i }, value } };
    }
  }
  for (let e = 0; e < placement.edges.length; e++) {
    const value = placement.edges[e]!;
    if (!Number.isFinite(value)) throw new FuelModelError(`edge ${e}: increment ${value} is not a number`);
    if (value < 0) return { negativeIncrement: { site: { kind: 'edge', edge: e }, value } };
  }
  return undefined;
}

interface Mismatch {
  kind: 'path' | 'cycle';
  from: number;
  to: number;
  walk: number[];
}

function checkObservedPaths(graph: ChargeGraph, diff: (s: Step) => number): Mismatch | undefined {
  const outSteps = stepsByTail(graph);
  // Forward tree from the start points.
  const potential = new Map<number, number>();
  const treeStep = new Map<number, number>();
  const queue = [...graph.starts].sort((a, b) => a - b);
  for (const s of queue) potential.set(s, 0);
  for (let q = 0; q < queue.length; q++) {
    const p = queue[q]!;
    for (const i of outSteps[p]!) {
      const step = graph.steps[i]!;
      if (potential.has(step.head)) continue;
      potential.set(step.head, potential.get(p)! + diff(step));
      treeStep.set(step.head, i);
      queue.push(step.head);
    }
  }
  // Backward search from the end points: which points reach one, and by which step.
  const towardEnd = new Map<number, number>();
  const coReach = new Set<number>(graph.ends);
  const inSteps = stepsByHead(graph);
  const back = [...graph.ends].sort((a, b) => a - b);
  for (let q = 0; q < back.length; q++) {
    const p = back[q]!;
    for (const i of inSteps[p]!) {
      const tail = graph.steps[i]!.tail;
      if (coReach.has(tail)) continue;
      coReach.add(tail);
      towardEnd.set(tail, i);
      back.push(tail);
    }
  }
  const treePath = (p: number): number[] => {
    const walk: number[] = [];
    for (let at = p; treeStep.has(at); at = graph.steps[treeStep.get(at)!]!.tail) walk.push(treeStep.get(at)!);
    return walk.reverse();
  };
  const origin = (walk: readonly number[], fallback: number): number => (walk.length > 0 ? graph.steps[walk[0]!]!.tail : fallback);
  const toEnd = (p: number): number[] => {
    const walk: number[] = [];
    for (let at = p; towardEnd.has(at); at = graph.steps[towardEnd.get(at)!]!.head) walk.push(towardEnd.get(at)!);
    return walk;
  };
  for (let i = 0; i < graph.steps.length; i++) {
    const step = graph.steps[i]!;
    if (!potential.has(step.tail) || !coReach.has(step.head)) continue;
    const want = graph.ends.has(step.head) ? 0 : potential.get(step.head)!;
    if (potential.get(step.tail)! + diff(step) === want) continue;
    const tail = [...toEnd(step.head)];
    const viaStep = [...treePath(step.tail), i, ...tail];
    const total = (walk: readonly number[]): number => walk.reduce((s, k) => s + diff(graph.steps[k]!), 0);
    const candidates = [viaStep, [...treePath(step.head), ...tail]];
    const walk = candidates.find((w) => total(w) !== 0) ?? viaStep;
    const last = walk.length > 0 ? graph.steps[walk[walk.length - 1]!]!.head : step.head;
    return { kind: 'path', from: origin(walk, step.tail), to: last, walk };
  }
  return undefined;
}

function checkCycles(graph: ChargeGraph, diff: (s: Step) => number): Mismatch | undefined {
  const outSteps = stepsByTail(graph);
  const reachesEnd = new Set<number>(graph.ends);
  const inSteps = stepsByHead(graph);
  const back = [...graph.ends];
  while (back.length > 0) {
    const p = back.pop()!;
    for (const i of inSteps[p]!) {
      const t = graph.steps[i]!.tail;
      if (!reachesEnd.has(t)) {
        reachesEnd.add(t);
        back.push(t);
      }
    }
  }
  const stuck: number[] = [];
  for (let p = 0; p < graph.pointCount; p++) if (!reachesEnd.has(p)) stuck.push(p);
  const next = (p: number): number[] => outSteps[p]!.map((i) => graph.steps[i]!.head);
  for (const scc of stronglyConnectedComponents(stuck, next).sort((a, b) => a[0]! - b[0]!)) {
    const inScc = new Set(scc);
    const root = scc[0]!;
    const potential = new Map<number, number>([[root, 0]]);
    const treeStep = new Map<number, number>();
    const queue = [root];
    for (let q = 0; q < queue.length; q++) {
      const p = queue[q]!;
      for (const i of outSteps[p]!) {
        const step = graph.steps[i]!;
        if (!inScc.has(step.head) || potential.has(step.head)) continue;
        potential.set(step.head, potential.get(p)! + diff(step));
        treeStep.set(step.head, i);
        queue.push(step.head);
      }
    }
    // Steps back to the root, for closing walks.
    const towardRoot = new Map<number, number>();
    const seen = new Set([root]);
    const backQueue = [root];
    for (let q = 0; q < backQueue.length; q++) {
      for (const i of inSteps[backQueue[q]!]!) {
        const t = graph.steps[i]!.tail;
        if (!inScc.has(t) || seen.has(t)) continue;
        seen.add(t);
        towardRoot.set(t, i);
        backQueue.push(t);
      }
    }
    const treePath = (p: number): number[] => {
      const walk: number[] = [];
      for (let at = p; treeStep.has(at); at = graph.steps[treeStep.get(at)!]!.tail) walk.push(treeStep.get(at)!);
      return walk.reverse();
    };
    const toRoot = (p: number): number[] => {
      const walk: number[] = [];
      for (let at = p; at !== root; at = graph.steps[towardRoot.get(at)!]!.head) walk.push(towardRoot.get(at)!);
      return walk;
    };
    for (const p of scc) {
      for (const i of outSteps[p]!) {
        const step = graph.steps[i]!;
        if (!inScc.has(step.head)) continue;
        if (potential.get(p)! + diff(step) === potential.get(step.head)!) continue;
        const close = toRoot(step.head);
        const total = (walk: readonly number[]): number => walk.reduce((s, k) => s + diff(graph.steps[k]!), 0);
        const candidates = [[...treePath(p), i, ...close], [...treePath(step.head), ...close]];
        const walk = candidates.find((w) => w.length > 0 && total(w) !== 0) ?? candidates[0]!;
        return { kind: 'cycle', from: root, to: root, walk };
      }
    }
  }
  return undefined;
}

function stepsByTail(graph: ChargeGraph): number[][] {
  const out: number[][] = Array.from({ length: graph.pointCount }, () => []);
  graph.steps.forEach((s, i) => out[s.tail]!.push(i));
  return out;
}

function stepsByHead(graph: ChargeGraph): number[][] {
  const into: number[][] = Array.from({ length: graph.pointCount }, () => []);
  graph.steps.forEach((s, i) => into[s.head]!.push(i));
  return into;
}

function publicStep(step: Step): PathStep {
  if (step.kind === 'edge') return { kind: 'edge', edge: step.edge, from: step.from, to: step.to };
  return { kind: step.kind, block: step.block, index: step.index };
}
