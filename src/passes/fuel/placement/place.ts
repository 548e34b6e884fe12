// Placement of constant fuel increments: exact on the contract, greedy-optimal on cost.
//
// Potentials: phi(p) = (new counter at p) - (original counter at p). phi = 0 at every
// observation point. A site (segment start, or an edge) from point t to point h whose original
// charge is c gets the increment  c + phi(h) - phi(t), which must be >= 0:
//   phi(t) - phi(h) <= c                                   (difference constraint)
// Any phi satisfying these constraints is a correct placement (exact at observation points,
// every cycle keeps its cost since the phi terms cancel around it). A site is free (no
// increment) when its constraint is tight. We choose which sites are free:
//
//  1. Fold: an edge needs no site of its own when its source has one out-edge (the increment
//     can sit at the end of the source, i.e. the start of its last segment) or its target has
//     one in-edge (the start of the target). Only the remaining edges (critical edges, and
//     edges out of a try_call into a join) are sites; an increment there costs a new block,
//     weighted by 1 + splitEdgeCost.
//  2. Greedy free sites, heaviest first (frequency x instruction weight): like Kruskal's
//     maximum spanning tree in Knuth-Stevenson / Ball-Larus, but instead of "no cycle" the test
//     is "the tight constraints stay feasible together with all the >= 0 constraints", decided
//     exactly by incremental negative-cycle detection. Equal weights: the later site is freed
//     first, so charges move towards the entry (charge early). Points joined by free sites
//     move rigidly, so inside one such component the test is a lookup; a search that would
//     exceed `searchLimit` keeps the site charged (correct, just less optimal).
//  3. Exchange: for each free site, try freeing it up for a set of other sites that weigh at
//     least as much (strictly more, or as much with more sites: fewer static increments). This
//     finds hoisting of the common part of a branch's sides when it costs nothing dynamically.
//  4. Keep the result only if it is no worse than the original placement.
// Control-equivalent blocks (same frequency, no observation point between) end up sharing one
// increment as a consequence of 2, without a separate phase.
import { z } from 'zod';
import type { ControlFlow } from '../../../analysis/cfg.js';
import { buildChargeGraph, type ChargeGraph } from './charge-graph.js';
import { FuelModelError, type FuelModel, type Placement } from './model.js';
import { PotentialSystem } from './potentials.js';

export const placementOptionsSchema = z.object({
  /** Extra instructions executed when an increment needs a new block on an edge (its jump). */
  splitEdgeCost: z.number().finite().nonnegative().default(1),
  /** Rounds of the exchange improvement (0 disables it). */
  exchangeRounds: z.number().int().nonnegative().default(2),
  /** Upper bound on the search work (arcs relaxed) spent in exchanges, so huge functions stay fast. */
  exchangeBudget: z.number().int().nonnegative().default(5_000_000),
  /**
   * Upper bound on the search work for freeing one site. A site whose proof would cost more
   * stays charged: always correct, rarely less optimal, and it keeps huge functions near-linear.
   */
  searchLimit: z.number().int().positive().default(20_000),
});
export type PlacementOptions = z.input<typeof placementOptionsSchema>;

/** What the solver needs from a frequency analysis (src/analysis Frequencies fits). */
export interface FrequencySource {
  block(node: number): number;
  edge(edgeId: number): number;
}

interface SolverSite {
  readonly step: number;
  readonly tail: number;
  readonly head: number;
  readonly cost: number;
  readonly weight: number;
  /** Greedy rank: 0 is tried first. */
  rank: number;
}

/** `cfg`: the caller's ControlFlow of `model.graph`, if it has one (else it is built here). */
export function placeIncrements(model: FuelModel, frequencies: FrequencySource, options: PlacementOptions = {}, cfg?: ControlFlow): Placement {
  const parsed = placementOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new FuelModelError(`invalid placement options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const opts = parsed.data;
  const graph = buildChargeGraph(model, cfg);
  const { classes, zero } = foldPoints(graph);
  const sites = collectSites(graph, classes, frequencies, opts.splitEdgeCost);

  const system = new PotentialSystem(graph.pointCount);
  for (const s of sites) system.add(s.head, s.tail, s.cost); // phi(t) <= phi(h) + c: increment >= 0
  const tight = new Map<number, number>(); // site index -> handle of its tightening constraint
  const order = sites.map((_, i) => i).sort((a, b) => sites[a]!.rank - sites[b]!.rank);
  // Points joined by free sites move rigidly: within one such component a site is free iff
  // its increment is already 0, which saves a search through the (large) component.
  const rigid = new UnionFind(graph.pointCount);
  // Per site, the arcs of the negative cycle that last refused to free it (see exchange).
  const refusals: number[][] = sites.map(() => []);
  const freeLimit = system.work + FREE_WORK_PER_SITE * sites.length;
  for (const i of order) {
    // Past the budget the lightest sites keep their charges (see FREE_WORK_PER_SITE).
    if (system.work >= freeLimit) break;
    const s = sites[i]!;
    if (rigid.find(s.tail) === rigid.find(s.head) && s.cost + system.phi[s.head]! - system.phi[s.tail]! !== 0) continue;
    const handle = system.add(s.tail, s.head, -s.cost, opts.searchLimit); // phi(h) <= phi(t) - c: increment <= 0
    if (handle === undefined) {
      refusals[i] = system.refusal();
      continue;
    }
    tight.set(i, handle);
    rigid.union(s.tail, s.head);
  }
  exchange(system, sites, tight, refusals, zero, opts);

  const shift = system.phi[zero]!;
  const phi = (p: number): number => system.phi[p]! - shift;
  const increment = new Map<number, number>(); // step index -> increment
  for (const s of sites) increment.set(s.step, s.cost + phi(s.head) - phi(s.tail));
  const placed = toPlacement(model, graph, increment);
  // The original charges (restricted to reachable blocks) are always feasible: never do worse.
  const unchanged = new Map<number, number>(sites.map((s) => [s.step, s.cost]));
  const original = toPlacement(model, graph, unchanged);
  return objective(graph, sites, placed) <= objective(graph, sites, original) ? placed : original;
}

/**
 * Search work the greedy step may spend per site, in all. Each search is bounded by
 * `searchLimit`, but where one point touches most sites (the observation class of a function
 * with thousands of calls) nearly every search reaches that bound, and the step grew with the
 * square of the function. Real functions spend at most about 700 per site (wasm-tools' largest;
 * the built-in and third-party suites at most 150), so none reaches this budget.
 */
const FREE_WORK_PER_SITE = 1_000;

/** The original instrumentation as a placement: each segment charges its own cost. */
export function originalPlacement(model: FuelModel): Placement {
  const segments = new Map<number, readonly number[]>();
  let edges = 0;
  for (const n of model.graph.nodes) {
    segments.set(n, model.block(n).segments.map((s) => s.cost));
    edges += model.graph.successors(n).length;
  }
  return { segments, edges: new Array<number>(edges).fill(0) };
}

class UnionFind {
  readonly #parent: number[];
  constructor(size: number) {
    this.#parent = Array.from({ length: size }, (_, i) => i);
  }
  find(p: number): number {
    const parent = this.#parent;
    while (parent[p] !== p) {
      parent[p] = parent[parent[p]!]!;
      p = parent[p]!;
    }
    return p;
  }
  /** The smaller representative wins, so classes are deterministic. */
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.#parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** Observation points are one class (phi = 0); folded edges and unobserved boundaries join their ends. */
function foldPoints(graph: ChargeGraph): { classes: (p: number) => number; zero: number } {
  const uf = new UnionFind(graph.pointCount);
  const observation = [...graph.starts, ...graph.ends].sort((a, b) => a - b);
  for (const p of observation) uf.union(p, observation[0]!);
  for (const step of graph.steps) {
    if (step.kind === 'boundary' || (step.kind === 'edge' && edgeIsFolded(graph, step.from, step.to))) uf.union(step.tail, step.head);
  }
  return { classes: (p) => uf.find(p), zero: uf.find(observation[0]!) };
}

/** True when an increment on the edge can move to the end of its source or the start of its target. */
export function edgeIsFolded(graph: ChargeGraph, from: number, to: number): boolean {
  const cfg = graph.cfg;
  // A try_call's out-edges leave from an after-call start point: no room before them.
  const sourceAbsorbs = cfg.outEdges(from).length === 1 && !graph.starts.has(graph.blockExit(from));
  const reachableIn = cfg.inEdges(to).filter((e) => cfg.isReachable(e.from)).length;
  return sourceAbsorbs || reachableIn === 1;
}

function collectSites(graph: ChargeGraph, classes: (p: number) => number, freq: FrequencySource, splitEdgeCost: number): SolverSite[] {
  const sites: SolverSite[] = [];
  graph.steps.forEach((step, index) => {
    if (step.kind === 'boundary') return;
    if (step.kind === 'edge' && edgeIsFolded(graph, step.from, step.to)) return;
    const weight = step.kind === 'segment' ? freq.block(step.block) : freq.edge(step.edge) * (1 + splitEdgeCost);
    sites.push({ step: index, tail: classes(step.tail), head: classes(step.head), cost: step.cost, weight: roundWeight(weight), rank: 0 });
  });
  // Heaviest first; among equals the later site (layout order) first, so charges go early.
  const byRank = sites.map((_, i) => i).sort((a, b) => sites[b]!.weight - sites[a]!.weight || b - a);
  byRank.forEach((siteIndex, rank) => (sites[siteIndex]!.rank = rank));
  return sites;
}

/** 12 significant digits (0 unless finite and positive): estimates that differ only by rounding
 *  noise compare equal, here and in the Rust port. */
export function roundWeight(w: number): number {
  return Number.isFinite(w) && w > 0 ? Number(w.toPrecision(12)) : 0;
}

const MAX_EXCHANGE_NEIGHBOURS = 32;
/**
 * Search work the exchange may spend per site, so its cost grows linearly with the function
 * (as the rest of the pipeline's does) instead of reaching `exchangeBudget` on large ones.
 */
const EXCHANGE_WORK_PER_SITE = 400;
/**
 * A trade that would gain weight is tried only when the most it could gain (its neighbours'
 * weight less the site given up) is more than this fraction of what the function's increments
 * weigh when the exchange starts. Trades of equal weight (a diamond's two arms for the hoist
 * before it) are always tried: they save increments. On wasm-tools.core.wasm the attempts
 * under the threshold did 43 % of the exchange's search work for 1 % of its gain
 * (docs/results.md, "The exchange's threshold").
 */
const EXCHANGE_MIN_GAIN = 1e-3;

function exchange(
  system: PotentialSystem,
  sites: readonly SolverSite[],
  tight: Map<number, number>,
  refusals: number[][],
  zero: number,
  opts: { exchangeRounds: number; exchangeBudget: number; searchLimit: number },
): void {
  // Only sites sharing an end point with the freed-up site are tried: that is where a
  // released constraint makes room (the two sides of a branch, the arms of a switch). The
  // observation class touches nearly everything and is skipped.
  const incident = new Map<number, number[]>();
  sites.forEach((s, i) => {
    for (const p of new Set([s.tail, s.head])) {
      if (p === zero) continue;
      const list = incident.get(p) ?? [];
      list.push(i);
      incident.set(p, list);
    }
  });
  const limit = system.work + Math.min(opts.exchangeBudget, EXCHANGE_WORK_PER_SITE * sites.length);
  // What the increments weigh now (sites in order, as the Rust pass sums them).
  const weighed = sites.reduce((total, s) => (s.cost + system.phi[s.head]! - system.phi[s.tail]! !== 0 ? total + s.weight : total), 0);
  const minGain = EXCHANGE_MIN_GAIN * weighed;
  for (let round = 0; round < opts.exchangeRounds; round++) {
    let improved = false;
    // Lightest free sites first: they are the cheapest to give up.
    const candidates = [...tight.keys()].sort((a, b) => sites[b]!.rank - sites[a]!.rank);
    for (const r of candidates) {
      const handle = tight.get(r);
      if (handle === undefined) continue;
      const near = [...new Set([...(incident.get(sites[r]!.tail) ?? []), ...(incident.get(sites[r]!.head) ?? [])])]
        .filter((i) => i !== r && !tight.has(i))
        .sort((a, b) => sites[a]!.rank - sites[b]!.rank)
        .slice(0, MAX_EXCHANGE_NEIGHBOURS);
      if (near.length < 2) continue;
      const lost = sites[r]!.weight;
      let untried = near.reduce((total, i) => total + sites[i]!.weight, 0);
      if (untried >= lost * (1 + 1e-12) && untried - lost <= minGain) continue;
      system.checkpoint();
      system.remove(handle);
      const gained: Array<[number, number]> = [];
      let gainedWeight = 0;
      for (const i of near) {
        // Stop once the sites left cannot outweigh the one given up: the trade would be refused.
        if (gainedWeight + untried < lost * (1 - 1e-12)) break;
        const s = sites[i]!;
        untried -= s.weight;
        // A negative cycle that refused the site before and is still whole refuses it again.
        if (system.stillRefuses(refusals[i]!)) continue;
        const h = system.add(s.tail, s.head, -s.cost, opts.searchLimit);
        if (h !== undefined) {
          gained.push([i, h]);
          gainedWeight += s.weight;
        } else {
          refusals[i] = system.refusal();
        }
      }
      const better = gainedWeight > lost * (1 + 1e-12) || (gainedWeight >= lost * (1 - 1e-12) && gained.length >= 2);
      if (better) {
        system.commit();
        tight.delete(r);
        for (const [i, h] of gained) tight.set(i, h);
        improved = true;
      } else {
        for (const [, h] of gained) system.remove(h);
        system.rollback();
        system.restore(handle);
      }
      if (system.work >= limit) return;
    }
    if (!improved) return;
  }
}

function toPlacement(model: FuelModel, graph: ChargeGraph, increment: ReadonlyMap<number, number>): Placement {
  const segments = new Map<number, number[]>();
  for (const n of model.graph.nodes) segments.set(n, model.block(n).segments.map(() => 0));
  const edges = new Array<number>(graph.cfg.edges.length).fill(0);
  graph.steps.forEach((step, index) => {
    const inc = increment.get(index);
    if (inc === undefined) return;
    if (step.kind === 'segment') segments.get(step.block)![step.index] = inc;
    else if (step.kind === 'edge') edges[step.edge] = inc;
  });
  // Folded edges and unobserved boundaries carry nothing; their ends share a potential.
  return { segments, edges };
}

/** Weighted number of increments executed (edge increments include their split cost). */
function objective(graph: ChargeGraph, sites: readonly SolverSite[], placement: Placement): number {
  let total = 0;
  for (const s of sites) {
    const step = graph.steps[s.step]!;
    const inc = step.kind === 'segment' ? placement.segments.get(step.block)?.[step.index] : step.kind === 'edge' ? placement.edges[step.edge] : 0;
    if ((inc ?? 0) !== 0) total += s.weight;
  }
  return total;
}
