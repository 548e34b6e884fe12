// A system of difference constraints  phi(q) <= phi(p) + w  kept feasible incrementally.
// Adding a constraint either keeps a feasible phi or is refused because it would close a
// negative cycle; the system is then left unchanged. This is the incremental negative-cycle
// detection of Ramalingam et al. / Cotton & Maler: when the new arc p -> q is violated by
// -delta, either every node within reduced distance -delta after q moves down, or every node
// within reduced distance -delta before p moves up. Both searches run together and the one
// that finishes first is applied. Each settles a vertex and waits; of the two vertices waiting,
// the one with fewer arcs to relax goes first (the forward one on a tie), unless its search
// would then have relaxed more than twice what the other would. So a search that reaches the
// observation class, a vertex with an arc to or from nearly every site, does not relax its
// thousands of arcs while the other side can still finish (on the largest functions that was
// three quarters of the work), and neither search runs far ahead of the other. A refusal ends
// as soon as the two searches
// meet: a vertex v reached from q at d1 and reaching p at d2 with d1 + d2 < -delta is a path
// q ~> p that closes a negative cycle with the new arc, so neither search has to run to the
// other end (that used to be most of the work on large functions). All weights are integers,
// so potentials stay exact.
//
// Everything is in flat typed arrays indexed by vertex and arc number, reused across calls:
// the solver runs millions of searches on large functions, and per-search Maps and tuples
// were most of the garbage collector's work.

import { MinHeap } from '../../../analysis/min-heap.js';

/** Arcs (constraints) in struct-of-arrays form, with doubly linked out- and in-lists. */
class Arcs {
  from = new Int32Array(64);
  to = new Int32Array(64);
  weight = new Float64Array(64);
  active = new Uint8Array(64);
  outNext = new Int32Array(64);
  outPrev = new Int32Array(64);
  inNext = new Int32Array(64);
  inPrev = new Int32Array(64);
  readonly outHead: Int32Array;
  readonly inHead: Int32Array;
  /** Each vertex's active arcs out of it and into it. */
  readonly outCount: Int32Array;
  readonly inCount: Int32Array;
  count = 0;

  constructor(vertices: number) {
    this.outHead = new Int32Array(vertices).fill(-1);
    this.inHead = new Int32Array(vertices).fill(-1);
    this.outCount = new Int32Array(vertices);
    this.inCount = new Int32Array(vertices);
  }

  push(p: number, q: number, w: number): number {
    if (this.count === this.from.length) this.#grow();
    const h = this.count++;
    this.from[h] = p;
    this.to[h] = q;
    this.weight[h] = w;
    this.link(h);
    return h;
  }

  /** Puts the arc at the head of its source's out-list and its target's in-list. */
  link(h: number): void {
    this.active[h] = 1;
    const p = this.from[h]!;
    const q = this.to[h]!;
    this.outCount[p]!++;
    this.inCount[q]!++;
    const o = this.outHead[p]!;
    this.outNext[h] = o;
    this.outPrev[h] = -1;
    if (o !== -1) this.outPrev[o] = h;
    this.outHead[p] = h;
    const i = this.inHead[q]!;
    this.inNext[h] = i;
    this.inPrev[h] = -1;
    if (i !== -1) this.inPrev[i] = h;
    this.inHead[q] = h;
  }

  unlink(h: number): void {
    this.active[h] = 0;
    this.outCount[this.from[h]!]!--;
    this.inCount[this.to[h]!]!--;
    const on = this.outNext[h]!;
    const op = this.outPrev[h]!;
    if (op === -1) this.outHead[this.from[h]!] = on;
    else this.outNext[op] = on;
    if (on !== -1) this.outPrev[on] = op;
    const inn = this.inNext[h]!;
    const ip = this.inPrev[h]!;
    if (ip === -1) this.inHead[this.to[h]!] = inn;
    else this.inNext[ip] = inn;
    if (inn !== -1) this.inPrev[inn] = ip;
  }

  #grow(): void {
    const size = this.from.length * 2;
    const grow32 = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.from = grow32(this.from);
    this.to = grow32(this.to);
    this.outNext = grow32(this.outNext);
    this.outPrev = grow32(this.outPrev);
    this.inNext = grow32(this.inNext);
    this.inPrev = grow32(this.inPrev);
    const weight = new Float64Array(size);
    weight.set(this.weight);
    this.weight = weight;
    const active = new Uint8Array(size);
    active.set(this.active);
    this.active = active;
  }
}

export class PotentialSystem {
  readonly phi: number[];
  readonly #arcs: Arcs;
  readonly #forward: BoundedSearch;
  readonly #backward: BoundedSearch;
  #stamp = 0;
  #journaling = false;
  readonly #journalVertex: number[] = [];
  readonly #journalValue: number[] = [];
  /** The arcs of the negative cycle that refused the last `add`, when a cycle did. */
  #cycle: number[] = [];
  /** Arcs relaxed so far: a deterministic measure of the work spent. */
  work = 0;

  constructor(readonly size: number) {
    this.phi = new Array<number>(size).fill(0);
    this.#arcs = new Arcs(size);
    this.#forward = new BoundedSearch(size);
    this.#backward = new BoundedSearch(size);
  }

  /**
   * Adds phi(q) <= phi(p) + w. Returns the constraint's handle, or undefined when infeasible,
   * or when proving feasibility would relax more than `maxWork` arcs (then nothing changes).
   */
  add(p: number, q: number, w: number, maxWork = Infinity): number | undefined {
    this.#cycle.length = 0;
    const phi = this.phi;
    const delta = phi[p]! + w - phi[q]!;
    if (delta < 0) {
      // A negative self-loop; otherwise the sources differ and any path between the searches
      // is found when one of them offers a vertex the other has reached.
      if (p === q) return undefined;
      const bound = -delta;
      const stamp = ++this.#stamp;
      const forward = this.#forward;
      const backward = this.#backward;
      forward.start(q, bound, stamp);
      backward.start(p, bound, stamp);
      const limit = this.work + maxWork;
      const arcs = this.#arcs;
      // The vertex each search has settled and not yet expanded (-1: none), and the arcs each
      // search has relaxed.
      let f = -1;
      let b = -1;
      let spentF = 0;
      let spentB = 0;
      for (;;) {
        if (this.work > limit) return undefined;
        if (f === -1) {
          f = forward.step();
          if (f === -1) {
            for (let i = 0; i < forward.settledCount; i++) {
              const v = forward.settled[i]!;
              this.#set(v, phi[v]! + delta + forward.dist[v]!);
            }
            break;
          }
        }
        if (b === -1) {
          b = backward.step();
          if (b === -1) {
            for (let i = 0; i < backward.settledCount; i++) {
              const v = backward.settled[i]!;
              this.#set(v, phi[v]! - delta - backward.dist[v]!);
            }
            break;
          }
        }
        // Expand the vertex with fewer arcs to relax (the forward one on a tie), unless its
        // search would then have relaxed more than twice what the other would after its own;
        // the other keeps waiting.
        const outF = arcs.outCount[f]!;
        const inB = arcs.inCount[b]!;
        const afterF = spentF + outF;
        const afterB = spentB + inB;
        const forwardFirst = outF <= inB ? afterF <= 2 * afterB : afterB > 2 * afterF;
        if (forwardFirst) {
          const v = f;
          f = -1;
          spentF = afterF;
          if (this.#relaxOut(v, forward, backward)) return undefined;
        } else {
          const v = b;
          b = -1;
          spentB = afterB;
          if (this.#relaxIn(v, backward, forward)) return undefined;
        }
      }
    }
    return this.#arcs.push(p, q, w);
  }

  /**
   * The arcs that, with the arc the last `add` refused, close a negative cycle (a copy); empty
   * when that refusal was for the work limit, or when the last `add` succeeded.
   */
  refusal(): number[] {
    return this.#cycle.slice();
  }

  /**
   * Whether every arc of `cycle` is still in the system: then the arc it refused still closes a
   * negative cycle (weights never change), so adding that arc again would be refused too.
   */
  stillRefuses(cycle: readonly number[]): boolean {
    if (cycle.length === 0) return false;
    const active = this.#arcs.active;
    for (const h of cycle) if (active[h] !== 1) return false;
    return true;
  }

  /** Records the cycle the searches closed: forward to `forwardEnd`, `arc`, then backward from `backwardEnd`. */
  #recordCycle(forwardEnd: number, arc: number, backwardEnd: number): void {
    const arcs = this.#arcs;
    const cycle = this.#cycle;
    cycle.length = 0;
    cycle.push(arc);
    // Parents lead back to each search's source; the bound only guards against a bug.
    let v = forwardEnd;
    for (let n = 0; n < this.size; n++) {
      const h = this.#forward.parent[v]!;
      if (h === -1) break;
      cycle.push(h);
      v = arcs.from[h]!;
    }
    v = backwardEnd;
    for (let n = 0; n < this.size; n++) {
      const h = this.#backward.parent[v]!;
      if (h === -1) break;
      cycle.push(h);
      v = arcs.to[h]!;
    }
  }

  /** Starts recording potential changes so that `rollback` can undo them. */
  checkpoint(): void {
    this.#journaling = true;
    this.#journalVertex.length = 0;
    this.#journalValue.length = 0;
  }

  /** Undoes every potential change since `checkpoint` (constraints are the caller's business). */
  rollback(): void {
    if (this.#journaling) {
      for (let i = this.#journalVertex.length - 1; i >= 0; i--) this.phi[this.#journalVertex[i]!] = this.#journalValue[i]!;
    }
    this.commit();
  }

  /** Stops recording and keeps the changes. */
  commit(): void {
    this.#journaling = false;
    this.#journalVertex.length = 0;
    this.#journalValue.length = 0;
  }

  /** Dropping a constraint keeps phi feasible. */
  remove(handle: number): void {
    if (!this.#isArc(handle) || this.#arcs.active[handle] === 0) return;
    this.#arcs.unlink(handle);
  }

  /** Re-enables a removed constraint; the caller guarantees the current phi satisfies it. */
  restore(handle: number): void {
    if (!this.#isArc(handle) || this.#arcs.active[handle] === 1) return;
    this.#arcs.link(handle);
  }

  #isArc(handle: number): boolean {
    return Number.isInteger(handle) && handle >= 0 && handle < this.#arcs.count;
  }

  #set(v: number, value: number): void {
    if (this.#journaling) {
      this.#journalVertex.push(v);
      this.#journalValue.push(this.phi[v]!);
    }
    this.phi[v] = value;
  }

  /**
   * Forward: reduced weight of v -> to is w + phi(v) - phi(to) >= 0. True when a path to p
   * shorter than the bound is found through the other search (a negative cycle).
   */
  #relaxOut(v: number, search: BoundedSearch, other: BoundedSearch): boolean {
    const phi = this.phi;
    const arcs = this.#arcs;
    const pv = phi[v]!;
    for (let h = arcs.outHead[v]!; h !== -1; h = arcs.outNext[h]!) {
      this.work++;
      const to = arcs.to[h]!;
      const nd = search.offer(to, h, arcs.weight[h]! + pv - phi[to]!);
      if (nd >= 0 && other.meets(to, nd)) {
        this.#recordCycle(v, h, to);
        return true;
      }
    }
    return false;
  }

  /** Backward: reduced weight of from -> v is w + phi(from) - phi(v) >= 0. */
  #relaxIn(v: number, search: BoundedSearch, other: BoundedSearch): boolean {
    const phi = this.phi;
    const arcs = this.#arcs;
    const pv = phi[v]!;
    for (let h = arcs.inHead[v]!; h !== -1; h = arcs.inNext[h]!) {
      this.work++;
      const from = arcs.from[h]!;
      const nd = search.offer(from, h, arcs.weight[h]! + phi[from]! - pv);
      if (nd >= 0 && other.meets(from, nd)) {
        this.#recordCycle(from, h, v);
        return true;
      }
    }
    return false;
  }
}

/**
 * Dijkstra that settles one vertex per step and ignores distances >= bound. Its arrays are
 * allocated once per system; `stamp` tells this search's entries from older ones.
 */
class BoundedSearch {
  readonly dist: Float64Array;
  /** The arc each vertex was last reached through (-1 at the source). */
  readonly parent: Int32Array;
  readonly settled: Int32Array;
  settledCount = 0;
  readonly #seen: Uint32Array;
  readonly #done: Uint32Array;
  readonly #heap = new MinHeap();
  #stamp = 0;
  #bound = 0;
  #current = 0;

  constructor(size: number) {
    this.dist = new Float64Array(size);
    this.parent = new Int32Array(size);
    this.settled = new Int32Array(size);
    this.#seen = new Uint32Array(size);
    this.#done = new Uint32Array(size);
  }

  start(source: number, bound: number, stamp: number): void {
    this.#stamp = stamp;
    this.#bound = bound;
    this.settledCount = 0;
    this.#heap.clear();
    this.#seen[source] = stamp;
    this.dist[source] = 0;
    this.parent[source] = -1;
    this.#heap.push(0, source);
  }

  /** Settles the next vertex and returns it (the caller expands it), or -1 when nothing is left below the bound. */
  step(): number {
    const heap = this.#heap;
    while (heap.size > 0) {
      const d = heap.topKey();
      const v = heap.pop();
      if (this.#done[v] === this.#stamp || d > this.dist[v]!) continue;
      this.#done[v] = this.#stamp;
      this.settled[this.settledCount++] = v;
      this.#current = d;
      return v;
    }
    return -1;
  }

  /** A neighbour of the vertex just settled, the arc to it and its reduced weight; returns its new distance, or -1. */
  offer(v: number, arc: number, reduced: number): number {
    const nd = this.#current + reduced;
    if (nd >= this.#bound || this.#done[v] === this.#stamp) return -1;
    if (this.#seen[v] !== this.#stamp || nd < this.dist[v]!) {
      this.#seen[v] = this.#stamp;
      this.dist[v] = nd;
      this.parent[v] = arc;
      this.#heap.push(nd, v);
    }
    return nd;
  }

  /** True when v is known to be within `bound - d` of this search's source (a path joining the two searches). */
  meets(v: number, d: number): boolean {
    return this.#seen[v] === this.#stamp && d + this.dist[v]! < this.#bound;
  }
}
