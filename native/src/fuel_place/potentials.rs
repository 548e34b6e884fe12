//! Difference constraints phi(q) <= phi(p) + w kept feasible incrementally (the TypeScript
//! `PotentialSystem`): a violated new arc moves either the nodes within reach after its head
//! down or those before its tail up, whichever search finishes first; the two searches meeting
//! proves a negative cycle and the arc is refused, leaving everything unchanged. Exact integer
//! potentials; arcs in flat arrays with doubly linked in/out lists.

const NIL: u32 = u32::MAX;

struct Arcs {
    from: Vec<u32>,
    to: Vec<u32>,
    weight: Vec<i64>,
    active: Vec<bool>,
    out_next: Vec<u32>,
    out_prev: Vec<u32>,
    in_next: Vec<u32>,
    in_prev: Vec<u32>,
    out_head: Vec<u32>,
    in_head: Vec<u32>,
}

impl Arcs {
    fn push(&mut self, p: usize, q: usize, w: i64) -> usize {
        let h = self.from.len();
        self.from.push(p as u32);
        self.to.push(q as u32);
        self.weight.push(w);
        self.active.push(false);
        self.out_next.push(NIL);
        self.out_prev.push(NIL);
        self.in_next.push(NIL);
        self.in_prev.push(NIL);
        self.link(h);
        h
    }

    fn link(&mut self, h: usize) {
        self.active[h] = true;
        let p = self.from[h] as usize;
        let q = self.to[h] as usize;
        let o = self.out_head[p];
        self.out_next[h] = o;
        self.out_prev[h] = NIL;
        if o != NIL {
            self.out_prev[o as usize] = h as u32;
        }
        self.out_head[p] = h as u32;
        let i = self.in_head[q];
        self.in_next[h] = i;
        self.in_prev[h] = NIL;
        if i != NIL {
            self.in_prev[i as usize] = h as u32;
        }
        self.in_head[q] = h as u32;
    }

    fn unlink(&mut self, h: usize) {
        self.active[h] = false;
        let (on, op) = (self.out_next[h], self.out_prev[h]);
        if op == NIL {
            self.out_head[self.from[h] as usize] = on;
        } else {
            self.out_next[op as usize] = on;
        }
        if on != NIL {
            self.out_prev[on as usize] = op;
        }
        let (inn, ip) = (self.in_next[h], self.in_prev[h]);
        if ip == NIL {
            self.in_head[self.to[h] as usize] = inn;
        } else {
            self.in_next[ip as usize] = inn;
        }
        if inn != NIL {
            self.in_prev[inn as usize] = ip;
        }
    }
}

/// Binary heap of (key, vertex), ties broken by vertex.
#[derive(Default)]
struct MinHeap {
    keys: Vec<i64>,
    vals: Vec<u32>,
}

impl MinHeap {
    fn less(k1: i64, v1: u32, k2: i64, v2: u32) -> bool {
        k1 < k2 || (k1 == k2 && v1 < v2)
    }

    fn push(&mut self, key: i64, val: u32) {
        self.keys.push(key);
        self.vals.push(val);
        let mut i = self.keys.len() - 1;
        while i > 0 {
            let parent = (i - 1) >> 1;
            if !Self::less(key, val, self.keys[parent], self.vals[parent]) {
                break;
            }
            self.keys[i] = self.keys[parent];
            self.vals[i] = self.vals[parent];
            i = parent;
        }
        self.keys[i] = key;
        self.vals[i] = val;
    }

    fn pop(&mut self) -> Option<(i64, u32)> {
        let top = (*self.keys.first()?, *self.vals.first()?);
        let key = self.keys.pop()?;
        let val = self.vals.pop()?;
        let n = self.keys.len();
        if n > 0 {
            let mut i = 0;
            loop {
                let l = 2 * i + 1;
                if l >= n {
                    break;
                }
                let r = l + 1;
                let mut m = l;
                if r < n && Self::less(self.keys[r], self.vals[r], self.keys[l], self.vals[l]) {
                    m = r;
                }
                if !Self::less(self.keys[m], self.vals[m], key, val) {
                    break;
                }
                self.keys[i] = self.keys[m];
                self.vals[i] = self.vals[m];
                i = m;
            }
            self.keys[i] = key;
            self.vals[i] = val;
        }
        Some(top)
    }
}

/// Dijkstra settling one vertex per step, ignoring distances >= bound.
struct BoundedSearch {
    dist: Vec<i64>,
    settled: Vec<u32>,
    seen: Vec<u32>,
    done: Vec<u32>,
    heap: MinHeap,
    stamp: u32,
    bound: i64,
    current: i64,
}

impl BoundedSearch {
    fn new(size: usize) -> Self {
        BoundedSearch {
            dist: vec![0; size],
            settled: Vec::new(),
            seen: vec![0; size],
            done: vec![0; size],
            heap: MinHeap::default(),
            stamp: 0,
            bound: 0,
            current: 0,
        }
    }

    fn start(&mut self, source: usize, bound: i64, stamp: u32) {
        self.stamp = stamp;
        self.bound = bound;
        self.settled.clear();
        self.heap.keys.clear();
        self.heap.vals.clear();
        self.seen[source] = stamp;
        self.dist[source] = 0;
        self.heap.push(0, source as u32);
    }

    fn step(&mut self) -> Option<usize> {
        while let Some((d, v)) = self.heap.pop() {
            let v = v as usize;
            if self.done[v] == self.stamp || d > self.dist[v] {
                continue;
            }
            self.done[v] = self.stamp;
            self.settled.push(v as u32);
            self.current = d;
            return Some(v);
        }
        None
    }

    /// Offers a neighbour of the vertex just settled; its new distance, or None.
    fn offer(&mut self, v: usize, reduced: i64) -> Option<i64> {
        let nd = self.current.saturating_add(reduced);
        if nd >= self.bound || self.done[v] == self.stamp {
            return None;
        }
        if self.seen[v] != self.stamp || nd < self.dist[v] {
            self.seen[v] = self.stamp;
            self.dist[v] = nd;
            self.heap.push(nd, v as u32);
        }
        Some(nd)
    }

    fn meets(&self, v: usize, d: i64) -> bool {
        self.seen[v] == self.stamp && d.saturating_add(self.dist[v]) < self.bound
    }
}

pub struct PotentialSystem {
    pub phi: Vec<i64>,
    arcs: Arcs,
    forward: BoundedSearch,
    backward: BoundedSearch,
    stamp: u32,
    journaling: bool,
    journal: Vec<(usize, i64)>,
    /// Arcs relaxed so far: a deterministic measure of work.
    pub work: u64,
}

impl PotentialSystem {
    pub fn new(size: usize) -> Self {
        PotentialSystem {
            phi: vec![0; size],
            arcs: Arcs {
                from: Vec::new(),
                to: Vec::new(),
                weight: Vec::new(),
                active: Vec::new(),
                out_next: Vec::new(),
                out_prev: Vec::new(),
                in_next: Vec::new(),
                in_prev: Vec::new(),
                out_head: vec![NIL; size],
                in_head: vec![NIL; size],
            },
            forward: BoundedSearch::new(size),
            backward: BoundedSearch::new(size),
            stamp: 0,
            journaling: false,
            journal: Vec::new(),
            work: 0,
        }
    }

    /// Adds phi(q) <= phi(p) + w; its handle, or None when infeasible or when proving it would
    /// relax more than `max_work` arcs (then nothing changes).
    pub fn add(&mut self, p: usize, q: usize, w: i64, max_work: u64) -> Option<usize> {
        let delta = self.phi[p] + w - self.phi[q];
        if delta < 0 {
            if p == q {
                return None;
            }
            let bound = -delta;
            self.stamp += 1;
            let stamp = self.stamp;
            self.forward.start(q, bound, stamp);
            self.backward.start(p, bound, stamp);
            let limit = self.work.saturating_add(max_work);
            loop {
                if self.work > limit {
                    return None;
                }
                let Some(f) = self.forward.step() else {
                    for i in 0..self.forward.settled.len() {
                        let v = self.forward.settled[i] as usize;
                        let value = self.phi[v] + delta + self.forward.dist[v];
                        self.set(v, value);
                    }
                    break;
                };
                if self.relax_out(f) {
                    return None;
                }
                let Some(b) = self.backward.step() else {
                    for i in 0..self.backward.settled.len() {
                        let v = self.backward.settled[i] as usize;
                        let value = self.phi[v] - delta - self.backward.dist[v];
                        self.set(v, value);
                    }
                    break;
                };
                if self.relax_in(b) {
                    return None;
                }
            }
        }
        Some(self.arcs.push(p, q, w))
    }

    pub fn checkpoint(&mut self) {
        self.journaling = true;
        self.journal.clear();
    }

    pub fn rollback(&mut self) {
        if self.journaling {
            while let Some((v, value)) = self.journal.pop() {
                self.phi[v] = value;
            }
        }
        self.commit();
    }

    pub fn commit(&mut self) {
        self.journaling = false;
        self.journal.clear();
    }

    pub fn remove(&mut self, handle: usize) {
        if handle < self.arcs.from.len() && self.arcs.active[handle] {
            self.arcs.unlink(handle);
        }
    }

    /// Re-enables a removed constraint the current phi satisfies.
    pub fn restore(&mut self, handle: usize) {
        if handle < self.arcs.from.len() && !self.arcs.active[handle] {
            self.arcs.link(handle);
        }
    }

    fn set(&mut self, v: usize, value: i64) {
        if self.journaling {
            self.journal.push((v, self.phi[v]));
        }
        self.phi[v] = value;
    }

    fn relax_out(&mut self, v: usize) -> bool {
        let pv = self.phi[v];
        let mut h = self.arcs.out_head[v];
        while h != NIL {
            let hu = h as usize;
            self.work += 1;
            let to = self.arcs.to[hu] as usize;
            let reduced = self.arcs.weight[hu] + pv - self.phi[to];
            if let Some(nd) = self.forward.offer(to, reduced) {
                if self.backward.meets(to, nd) {
                    return true;
                }
            }
            h = self.arcs.out_next[hu];
        }
        false
    }

    fn relax_in(&mut self, v: usize) -> bool {
        let pv = self.phi[v];
        let mut h = self.arcs.in_head[v];
        while h != NIL {
            let hu = h as usize;
            self.work += 1;
            let from = self.arcs.from[hu] as usize;
            let reduced = self.arcs.weight[hu] + self.phi[from] - pv;
            if let Some(nd) = self.backward.offer(from, reduced) {
                if self.forward.meets(from, nd) {
                    return true;
                }
            }
            h = self.arcs.in_next[hu];
        }
        false
    }
}
