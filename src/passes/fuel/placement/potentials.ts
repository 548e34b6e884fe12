// A system of difference constraints  phi(q) <= phi(p) + w  kept feasible incrementally.
// Adding a constraint either keeps a feasible phi or is refused because it would close a
// negative cycle; the system is then left unchanged. This is the incremental negative-cycle
// detection of Ramalingam et al. / Cotton & Maler: when the new arc p -> q is violated by
// -delta, either every node within reduced distance -delta after q moves down, or every node
// within reduced distance -delta before p moves up. Both searches run in lockstep and the one
// that finishes first is applied, so the work is about twice the smaller side (the side
// holding the observation points is usually huge). All weights are integers, so potentials
// stay exact.

interface Arc {
  readonly from: number;
  readonly to: number;
  readonly weight: number;
  active: boolean;
}

export class PotentialSystem {
  readonly phi: number[];
  readonly #out: number[][];
  readonly #in: number[][];
  readonly #arcs: Arc[] = [];
  #journal: Array<[number, number]> | undefined;
  /** Arcs relaxed so far: a deterministic measure of the work spent. */
  work = 0;

  constructor(readonly size: number) {
    this.phi = new Array<number>(size).fill(0);
    this.#out = Array.from({ length: size }, () => []);
    this.#in = Array.from({ length: size }, () => []);
  }

  /**
   * Adds phi(q) <= phi(p) + w. Returns the constraint's handle, or undefined when infeasible,
   * or when proving feasibility would relax more than `maxWork` arcs (then nothing changes).
   */
  add(p: number, q: number, w: number, maxWork = Infinity): number | undefined {
    const phi = this.phi;
    const delta = phi[p]! + w - phi[q]!;
    if (delta < 0) {
      const bound = -delta;
      const forward = new BoundedSearch(q, bound);
      const backward = new BoundedSearch(p, bound);
      const limit = this.work + maxWork;
      for (;;) {
        if (this.work > limit) return undefined;
        const f = forward.step((v) => this.#relaxOut(v, forward));
        if (f === p) return undefined;
        if (f === undefined) {
          for (const [v, d] of forward.settled) this.#set(v, phi[v]! + delta + d);
          break;
        }
        const b = backward.step((v) => this.#relaxIn(v, backward));
        if (b === q) return undefined;
        if (b === undefined) {
          for (const [v, d] of backward.settled) this.#set(v, phi[v]! - delta - d);
          break;
        }
      }
    }
    const handle = this.#arcs.length;
    this.#arcs.push({ from: p, to: q, weight: w, active: true });
    this.#out[p]!.push(handle);
    this.#in[q]!.push(handle);
    return handle;
  }

  /** Starts recording potential changes so that `rollback` can undo them. */
  checkpoint(): void {
    this.#journal = [];
  }

  /** Undoes every potential change since `checkpoint` (constraints are the caller's business). */
  rollback(): void {
    const journal = this.#journal ?? [];
    for (let i = journal.length - 1; i >= 0; i--) this.phi[journal[i]![0]] = journal[i]![1];
    this.#journal = undefined;
  }

  /** Stops recording and keeps the changes. */
  commit(): void {
    this.#journal = undefined;
  }

  /** Dropping a constraint keeps phi feasible. */
  remove(handle: number): void {
    const arc = this.#arcs[handle];
    if (!arc?.active) return;
    arc.active = false;
    detach(this.#out[arc.from]!, handle);
    detach(this.#in[arc.to]!, handle);
  }

  /** Re-enables a removed constraint; the caller guarantees the current phi satisfies it. */
  restore(handle: number): void {
    const arc = this.#arcs[handle];
    if (!arc || arc.active) return;
    arc.active = true;
    this.#out[arc.from]!.push(handle);
    this.#in[arc.to]!.push(handle);
  }

  #set(v: number, value: number): void {
    this.#journal?.push([v, this.phi[v]!]);
    this.phi[v] = value;
  }

  /** Forward: reduced weight of v -> to is w + phi(v) - phi(to) >= 0. */
  #relaxOut(v: number, search: BoundedSearch): void {
    const phi = this.phi;
    for (const h of this.#out[v]!) {
      this.work++;
      const arc = this.#arcs[h]!;
      search.offer(arc.to, arc.weight + phi[v]! - phi[arc.to]!);
    }
  }

  /** Backward: reduced weight of from -> v is w + phi(from) - phi(v) >= 0. */
  #relaxIn(v: number, search: BoundedSearch): void {
    const phi = this.phi;
    for (const h of this.#in[v]!) {
      this.work++;
      const arc = this.#arcs[h]!;
      search.offer(arc.from, arc.weight + phi[arc.from]! - phi[v]!);
    }
  }
}

function detach(list: number[], handle: number): void {
  const at = list.lastIndexOf(handle);
  if (at !== -1) list.splice(at, 1);
}

/** Dijkstra that settles one vertex per step and ignores distances >= bound. */
class BoundedSearch {
  readonly settled = new Map<number, number>();
  readonly #dist = new Map<number, number>();
  readonly #heap = new MinHeap();
  #current = 0;

  constructor(source: number, private readonly bound: number) {
    this.#dist.set(source, 0);
    this.#heap.push(0, source);
  }

  /** Settles the next vertex and returns it, or undefined when nothing is left below the bound. */
  step(expand: (v: number) => void): number | undefined {
    while (this.#heap.size > 0) {
      const [d, v] = this.#heap.pop();
      if (this.settled.has(v) || d > (this.#dist.get(v) ?? Infinity)) continue;
      this.settled.set(v, d);
      this.#current = d;
      expand(v);
      return v;
    }
    return undefined;
  }

  /** Called by `expand` with a neighbour and the reduced weight of the arc to it. */
  offer(v: number, reduced: number): void {
    const nd = this.#current + reduced;
    if (nd >= this.bound || this.settled.has(v)) return;
    if (nd < (this.#dist.get(v) ?? Infinity)) {
      this.#dist.set(v, nd);
      this.#heap.push(nd, v);
    }
  }
}

/** Binary heap of (key, vertex), ties broken by vertex for determinism. */
class MinHeap {
  readonly #keys: number[] = [];
  readonly #vals: number[] = [];
  get size(): number {
    return this.#keys.length;
  }
  push(key: number, val: number): void {
    this.#keys.push(key);
    this.#vals.push(val);
    let i = this.#keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.#keys[0]!, this.#vals[0]!];
    const lastKey = this.#keys.pop()!;
    const lastVal = this.#vals.pop()!;
    if (this.#keys.length > 0) {
      this.#keys[0] = lastKey;
      this.#vals[0] = lastVal;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.#keys.length && this.#less(l, m)) m = l;
        if (r < this.#keys.length && this.#less(r, m)) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
    return top;
  }
  #less(a: number, b: number): boolean {
    const ka = this.#keys[a]!;
    const kb = this.#keys[b]!;
    return ka < kb || (ka === kb && this.#vals[a]! < this.#vals[b]!);
  }
  #swap(a: number, b: number): void {
    [this.#keys[a], this.#keys[b]] = [this.#keys[b]!, this.#keys[a]!];
    [this.#vals[a], this.#vals[b]] = [this.#vals[b]!, this.#vals[a]!];
  }
}
