// Static block- and edge-frequency estimate (expected executions per function call), in the
// manner of Wu & Larus (MICRO 1994) and LLVM's BlockFrequencyInfo: branch probabilities from
// heuristics, then propagation loop by loop, innermost first. Inside a loop the back edges are
// cut, the nested loops are collapsed into single items, and mass flows through the resulting
// DAG from the headers; the mass that returns along back edges gives the loop's scale
// 1 / (1 - returning mass). A supplied edge profile replaces the estimate.
import { z } from 'zod';
import type { ControlFlow } from './cfg.js';
import type { LoopForest, Loop } from './loops.js';
import { MinHeap } from './min-heap.js';

/** Relative branch weights. A loop exit is 32x less likely than staying; a cold target ~1e-6. */
export const BRANCH_WEIGHTS = { normal: 2 ** 20, loopExit: 2 ** 15, cold: 1 } as const;
/** Returning mass is capped so a loop with no exit (or a profile-free guess) scales by at most 4096. */
export const MAX_LOOP_SCALE = 4096;

export const edgeProfileSchema = z.object({
  /** How many times the function was entered. */
  entryCount: z.number().finite().positive(),
  /** Count per edge, indexed by edge id (see ControlFlow.edges). */
  edgeCounts: z.array(z.number().finite().nonnegative()),
});
export type EdgeProfile = z.infer<typeof edgeProfileSchema>;

export interface FrequencyOptions {
  /** Blocks cold by themselves (trap-only blocks, out-of-gas paths). */
  readonly cold?: (node: number) => boolean;
  readonly profile?: EdgeProfile;
}

export interface Frequencies {
  readonly source: 'estimate' | 'profile';
  /** Expected executions per call; 0 for unreachable nodes. */
  block(node: number): number;
  edge(edgeId: number): number;
  /** Probability of taking the edge when its source runs. */
  probability(edgeId: number): number;
  /** Cold blocks: user-cold, or every successor cold. */
  isCold(node: number): boolean;
}

export class FrequencyError extends Error {
  override readonly name = 'FrequencyError';
}

export function estimateFrequencies(cfg: ControlFlow, loops: LoopForest, options: FrequencyOptions = {}): Frequencies {
  const cold = coldBlocks(cfg, options.cold);
  if (options.profile !== undefined) return fromProfile(cfg, options.profile, cold);
  const prob = branchProbabilities(cfg, loops, cold);
  const freq = propagate(cfg, loops, prob);
  return {
    source: 'estimate',
    block: (n) => freq.get(n) ?? 0,
    edge: (id) => {
      const e = cfg.edges[id];
      return e === undefined ? 0 : (freq.get(e.from) ?? 0) * (prob[id] ?? 0);
    },
    probability: (id) => prob[id] ?? 0,
    isCold: (n) => cold.has(n),
  };
}

function coldBlocks(cfg: ControlFlow, userCold: ((node: number) => boolean) | undefined): Set<number> {
  const cold = new Set<number>();
  if (userCold === undefined) return cold;
  for (const n of cfg.nodes) if (userCold(n)) cold.add(n);
  // Least fixpoint: a block all of whose successors are cold is cold; cycles never become cold alone.
  let changed = true;
  while (changed) {
    changed = false;
    for (const n of cfg.nodes) {
      const succs = cfg.successors(n);
      if (!cold.has(n) && succs.length > 0 && succs.every((s) => cold.has(s))) {
        cold.add(n);
        changed = true;
      }
    }
  }
  return cold;
}

function branchProbabilities(cfg: ControlFlow, loops: LoopForest, cold: ReadonlySet<number>): number[] {
  const prob = new Array<number>(cfg.edges.length).fill(0);
  for (const n of cfg.nodes) {
    const out = cfg.outEdges(n);
    const weights = out.map((e) => {
      if (cold.has(e.to) && !cold.has(n)) return BRANCH_WEIGHTS.cold;
      if (loops.isExitEdge(e)) return BRANCH_WEIGHTS.loopExit;
      return BRANCH_WEIGHTS.normal;
    });
    const total = weights.reduce((a, b) => a + b, 0);
    out.forEach((e, i) => (prob[e.id] = weights[i]! / total));
  }
  return prob;
}

interface LoopSummary {
  scale: number;
  /** Mass per unit entering the loop (scale applied) leaving along each exit edge. */
  exits: Array<{ edgeId: number; mass: number }>;
  /** Mass per unit entering, before scaling, of each direct node and each child loop. */
  localNodes: Map<number, number>;
  localChildren: Map<number, number>;
}

function propagate(cfg: ControlFlow, forest: LoopForest, prob: readonly number[]): Map<number, number> {
  const summaries = new Map<number, LoopSummary>();
  // By node: the outermost loop summarized so far that holds it. Loops are summarized in reverse
  // pre-order, inner before outer, so while a loop is summarized this is, for each of its nodes
  // in a nested loop, the nested loop directly inside it.
  const outermost = new Map<number, number>();
  // A region is a loop, or the whole function (undefined). Items are direct nodes or child loops.
  const itemOf = (region: Loop | undefined, n: number): { kind: 'node' | 'loop'; id: number } => {
    const l = forest.innermost(n);
    if (l === undefined || l.id === region?.id) return { kind: 'node', id: n };
    return { kind: 'loop', id: outermost.get(n)! };
  };
  const inRegion = (region: Loop | undefined, n: number): boolean =>
    cfg.isReachable(n) && (region === undefined || forest.contains(region.id, n));

  const summarize = (region: Loop | undefined): LoopSummary => {
    const members = (region?.nodes ?? cfg.nodes).filter((n) => inRegion(region, n));
    const headers = region?.headers ?? [cfg.entry];
    const key = (it: { kind: string; id: number }): string => `${it.kind}:${it.id}`;
    const items = new Map<string, { kind: 'node' | 'loop'; id: number; first: number }>();
    for (const n of members) {
      const it = itemOf(region, n);
      if (!items.has(key(it))) items.set(key(it), { ...it, first: cfg.layoutIndex(n) });
    }
    // Out-edges of an item, as (edge, mass per unit of the item's mass).
    const outflow = (it: { kind: 'node' | 'loop'; id: number }): Array<{ edgeId: number; mass: number }> =>
      it.kind === 'node'
        ? cfg.outEdges(it.id).map((e) => ({ edgeId: e.id, mass: prob[e.id] ?? 0 }))
        : summaries.get(it.id)!.exits;
    const isHeader = (n: number): boolean => region !== undefined && headers.includes(n);
    // Kahn's algorithm over the DAG of items (back edges cut), ties by layout.
    const indeg = new Map<string, number>([...items.keys()].map((k) => [k, 0]));
    const targets = new Map<string, string[]>();
    for (const [k, it] of items) {
      const ts: string[] = [];
      for (const { edgeId } of outflow(it)) {
        const to = cfg.edges[edgeId]!.to;
        if (!inRegion(region, to) || isHeader(to)) continue;
        const tk = key(itemOf(region, to));
        if (tk === k) continue;
        ts.push(tk);
        indeg.set(tk, (indeg.get(tk) ?? 0) + 1);
      }
      targets.set(k, ts);
    }
    const mass = new Map<string, number>();
    for (const h of headers) {
      const hk = key(itemOf(region, h));
      mass.set(hk, (mass.get(hk) ?? 0) + 1 / headers.length);
    }
    // Ready items by the layout position of their first node (distinct, so no ties).
    const byFirst = new Map<number, string>([...items].map(([k, it]) => [it.first, k]));
    const ready = new MinHeap();
    for (const [k, it] of items) if (indeg.get(k) === 0) ready.push(it.first, it.first);
    let back = 0;
    const exits = new Map<number, number>();
    while (ready.size > 0) {
      const k = byFirst.get(ready.pop())!;
      const it = items.get(k)!;
      const m = mass.get(k) ?? 0;
      for (const { edgeId, mass: share } of outflow(it)) {
        const to = cfg.edges[edgeId]!.to;
        const flow = m * share;
        if (!inRegion(region, to)) exits.set(edgeId, (exits.get(edgeId) ?? 0) + flow);
        else if (isHeader(to)) back += flow;
        else {
          const tk = key(itemOf(region, to));
          if (tk !== k) mass.set(tk, (mass.get(tk) ?? 0) + flow);
        }
      }
      for (const tk of targets.get(k) ?? []) {
        const d = (indeg.get(tk) ?? 0) - 1;
        indeg.set(tk, d);
        if (d === 0) ready.push(items.get(tk)!.first, items.get(tk)!.first);
      }
    }
    const scale = region === undefined ? 1 : 1 / (1 - Math.min(back, 1 - 1 / MAX_LOOP_SCALE));
    const localNodes = new Map<number, number>();
    const localChildren = new Map<number, number>();
    for (const [k, it] of items) (it.kind === 'node' ? localNodes : localChildren).set(it.id, mass.get(k) ?? 0);
    return {
      scale,
      exits: [...exits].sort((a, b) => a[0] - b[0]).map(([edgeId, m]) => ({ edgeId, mass: m * scale })),
      localNodes,
      localChildren,
    };
  };

  for (let i = forest.loops.length - 1; i >= 0; i--) {
    const loop = forest.loops[i]!;
    summaries.set(i, summarize(loop));
    for (const n of loop.nodes) outermost.set(n, i);
  }
  const root = summarize(undefined);
  const freq = new Map<number, number>();
  const assign = (summary: LoopSummary, entering: number): void => {
    const total = entering * summary.scale;
    for (const [n, m] of summary.localNodes) freq.set(n, total * m);
    for (const [child, m] of summary.localChildren) assign(summaries.get(child)!, total * m);
  };
  assign(root, 1);
  return freq;
}

function fromProfile(cfg: ControlFlow, raw: EdgeProfile, cold: ReadonlySet<number>): Frequencies {
  const parsed = edgeProfileSchema.safeParse(raw);
  if (!parsed.success) throw new FrequencyError(`invalid edge profile: ${parsed.error.message}`);
  const profile = parsed.data;
  if (profile.edgeCounts.length !== cfg.edges.length) {
    throw new FrequencyError(`edge profile has ${profile.edgeCounts.length} counts but the CFG has ${cfg.edges.length} edges`);
  }
  const counts = profile.edgeCounts;
  const freq = new Map<number, number>();
  for (const n of cfg.nodes) {
    const incoming = cfg.inEdges(n).reduce((s, e) => s + (counts[e.id] ?? 0), 0);
    freq.set(n, ((n === cfg.entry ? profile.entryCount : 0) + incoming) / profile.entryCount);
  }
  return {
    source: 'profile',
    block: (n) => freq.get(n) ?? 0,
    edge: (id) => (counts[id] ?? 0) / profile.entryCount,
    probability: (id) => {
      const e = cfg.edges[id];
      if (e === undefined) return 0;
      const out = cfg.outEdges(e.from);
      const total = out.reduce((s, o) => s + (counts[o.id] ?? 0), 0);
      return total === 0 ? 1 / out.length : (counts[id] ?? 0) / total;
    },
    isCold: (n) => cold.has(n),
  };
}
