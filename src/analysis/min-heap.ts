// A binary min-heap of (key, value) pairs in typed arrays: Dijkstra's queue in the placement
// solver, and the ready list of the frequency estimate's topological walk.

/** Binary heap of (key, vertex) in typed arrays, ties broken by vertex for determinism. */
export class MinHeap {
  #keys = new Float64Array(64);
  #vals = new Int32Array(64);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  topKey(): number {
    return this.#keys[0]!;
  }

  push(key: number, val: number): void {
    if (this.size === this.#keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.#keys);
      this.#keys = keys;
      const vals = new Int32Array(this.size * 2);
      vals.set(this.#vals);
      this.#vals = vals;
    }
    const keys = this.#keys;
    const vals = this.#vals;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      const pv = vals[parent]!;
      if (!(key < pk || (key === pk && val < pv))) break;
      keys[i] = pk;
      vals[i] = pv;
      i = parent;
    }
    keys[i] = key;
    vals[i] = val;
  }

  /** Removes the minimum and returns its vertex (read its key with topKey first). */
  pop(): number {
    const keys = this.#keys;
    const vals = this.#vals;
    const top = vals[0]!;
    const n = --this.size;
    if (n > 0) {
      const key = keys[n]!;
      const val = vals[n]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let m = l;
        if (r < n && (keys[r]! < keys[l]! || (keys[r] === keys[l] && vals[r]! < vals[l]!))) m = r;
        if (!(keys[m]! < key || (keys[m] === key && vals[m]! < val))) break;
        keys[i] = keys[m]!;
        vals[i] = vals[m]!;
        i = m;
      }
      keys[i] = key;
      vals[i] = val;
    }
    return top;
  }
}
