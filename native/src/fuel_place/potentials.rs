//! Difference constraints phi(q) <= phi(p) + w kept feasible incrementally (the TypeScript
//! `PotentialSystem`): a violated new arc moves either the nodes within reach after its head
//! down or those before its tail up, whichever search finishes first; the two searches meeting
//! proves a negative cycle and the arc is refused, leaving everything unchanged. Exact integer
//! potentials; arcs in flat arrays with doubly linked in/out lists.

const NIL: u32 = u32::MAX;

/// One constraint arc with its links in the out-list of its tail and the in-list of its head
/// (one record, so relaxing an arc touches one cache line).
#[derive(Clone, Copy)]
struct Arc {
    from: u32,
    to: u32,
    weight: i64,
    out_next: u32,
    out_prev: u32,
    in_next: u32,
    in_prev: u32,
    active: bool,
}

struct Arcs {
    arcs: Vec<Arc>,
    out_head: Vec<u32>,
    in_head: Vec<u32>,
}

impl Arcs {
    fn len(&self) -> usize {
        self.arcs.len()
    }

    fn push(&mut self, p: usize, q: usize, w: i64) -> usize {
        let h = self.arcs.len();
        self.arcs.push(Arc {
            from: p as u32,
            to: q as u32,
            weight: w,
            out_next: NIL,
            out_prev: NIL,
            in_next: NIL,
            in_prev: NIL,
            active: false,
        });
        self.link(h);
        h
    }

    fn link(&mut self, h: usize) {
        let (p, q) = (self.arcs[h].from as usize, self.arcs[h].to as usize);
        let o = self.out_head[p];
        let i = self.in_head[q];
        let arc = &mut self.arcs[h];
        arc.active = true;
        arc.out_next = o;
        arc.out_prev = NIL;
        arc.in_next = i;
        arc.in_prev = NIL;
        if o != NIL {
            self.arcs[o as usize].out_prev = h as u32;
        }
        self.out_head[p] = h as u32;
        if i != NIL {
            self.arcs[i as usize].in_prev = h as u32;
        }
        self.in_head[q] = h as u32;
    }

    fn unlink(&mut self, h: usize) {
        let arc = self.arcs[h];
        self.arcs[h].active = false;
        let (on, op) = (arc.out_next, arc.out_prev);
        if op == NIL {
            self.out_head[arc.from as usize] = on;
        } else {
            self.arcs[op as usize].out_next = on;
        }
        if on != NIL {
            self.arcs[on as usize].out_prev = op;
        }
        let (inn, ip) = (arc.in_next, arc.in_prev);
        if ip == NIL {
            self.in_head[arc.to as usize] = inn;
        } else {
            self.arcs[ip as usize].in_next = inn;
        }
        if inn != NIL {
            self.arcs[inn as usize].in_prev = ip;
        }
    }
}

/// Binary heap of (key, vertex), ties broken by vertex.
#[derive(Default)]
struct MinHeap {
    entries: Vec<(i64, u32)>,
}

impl MinHeap {
    fn less(a: (i64, u32), b: (i64, u32)) -> bool {
        a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
    }

    fn clear(&mut self) {
        self.entries.clear();
    }

    fn push(&mut self, key: i64, val: u32) {
        let item = (key, val);
        self.entries.push(item);
        let mut i = self.entries.len() - 1;
        while i > 0 {
            let parent = (i - 1) >> 1;
            if !Self::less(item, self.entries[parent]) {
                break;
            }
            self.entries[i] = self.entries[parent];
            i = parent;
        }
        self.entries[i] = item;
    }

    fn pop(&mut self) -> Option<(i64, u32)> {
        let top = *self.entries.first()?;
        let item = self.entries.pop()?;
        let n = self.entries.len();
        if n > 0 {
            let mut i = 0;
            loop {
                let l = 2 * i + 1;
                if l >= n {
                    break;
                }
                let r = l + 1;
                let mut m = l;
                if r < n && Self::less(self.entries[r], self.entries[l]) {
                    m = r;
                }
                if !Self::less(self.entries[m], item) {
                    break;
                }
                self.entries[i] = self.entries[m];
                i = m;
            }
            self.entries[i] = item;
        }
        Some(top)
    }
}

/// A vertex's state in the current search: its distance, valid when `seen` is the search's
/// stamp, and settled when `done` is (stamps spare clearing between searches).
#[derive(Clone, Copy, Default)]
struct Mark {
    dist: i64,
    seen: u32,
    done: u32,
}

/// Dijkstra settling one vertex per step, ignoring distances >= bound.
struct BoundedSearch {
    marks: Vec<Mark>,
    settled: Vec<u32>,
    heap: MinHeap,
    stamp: u32,
    bound: i64,
    current: i64,
}

impl BoundedSearch {
    fn new(size: usize) -> Self {
        BoundedSearch {
            marks: vec![Mark::default(); size],
            settled: Vec::new(),
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
        self.heap.clear();
        self.marks[source].seen = stamp;
        self.marks[source].dist = 0;
        self.heap.push(0, source as u32);
    }

    fn dist(&self, v: usize) -> i64 {
        self.marks[v].dist
    }

    fn step(&mut self) -> Option<usize> {
        while let Some((d, v)) = self.heap.pop() {
            let v = v as usize;
            let mark = &mut self.marks[v];
            if mark.done == self.stamp || d > mark.dist {
                continue;
            }
            mark.done = self.stamp;
            self.settled.push(v as u32);
            self.current = d;
            return Some(v);
        }
        None
    }

    /// Offers a neighbour of the vertex just settled; its new distance, or None.
    fn offer(&mut self, v: usize, reduced: i64) -> Option<i64> {
        let nd = self.current.saturating_add(reduced);
        let mark = &mut self.marks[v];
        if nd >= self.bound || mark.done == self.stamp {
            return None;
        }
        if mark.seen != self.stamp || nd < mark.dist {
            mark.seen = self.stamp;
            mark.dist = nd;
            self.heap.push(nd, v as u32);
        }
        Some(nd)
    }

    fn meets(&self, v: usize, d: i64) -> bool {
        let mark = &self.marks[v];
        mark.seen == self.stamp && d.saturating_add(mark.dist) < self.bound
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
                arcs: Vec::new(),
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
                        let value = self.phi[v] + delta + self.forward.dist(v);
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
                        let value = self.phi[v] - delta - self.backward.dist(v);
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
        if handle < self.arcs.len() && self.arcs.arcs[handle].active {
            self.arcs.unlink(handle);
        }
    }

    /// Re-enables a removed constraint the current phi satisfies.
    pub fn restore(&mut self, handle: usize) {
        if handle < self.arcs.len() && !self.arcs.arcs[handle].active {
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
            let arc = self.arcs.arcs[h as usize];
            self.work += 1;
            let to = arc.to as usize;
            let reduced = arc.weight + pv - self.phi[to];
            if let Some(nd) = self.forward.offer(to, reduced) {
                if self.backward.meets(to, nd) {
                    return true;
                }
            }
            h = arc.out_next;
        }
        false
    }

    fn relax_in(&mut self, v: usize) -> bool {
        let pv = self.phi[v];
        let mut h = self.arcs.in_head[v];
        while h != NIL {
            let arc = self.arcs.arcs[h as usize];
            self.work += 1;
            let from = arc.from as usize;
            let reduced = arc.weight + self.phi[from] - pv;
            if let Some(nd) = self.backward.offer(from, reduced) {
                if self.forward.meets(from, nd) {
                    return true;
                }
            }
            h = arc.in_next;
        }
        false
    }
}
