//! Difference constraints phi(q) <= phi(p) + w kept feasible incrementally (the TypeScript
//! `PotentialSystem`): a violated new arc moves either the nodes within reach after its head
//! down or those before its tail up, whichever search finishes first; the two searches meeting
//! proves a negative cycle and the arc is refused, leaving everything unchanged. Each search
//! settles a vertex and waits; of the two waiting, the one with fewer arcs to relax goes first
//! unless its search would then have relaxed more than twice what the other would, so the
//! observation class (an arc to or from nearly every site) is not expanded while the other
//! search can still finish, and neither search runs far ahead. Exact integer potentials; arcs
//! in flat arrays with doubly linked in/out lists.

const NIL: u32 = u32::MAX;

/// One constraint arc: phi(to) <= phi(from) + weight.
#[derive(Clone, Copy)]
struct Arc {
    from: u32,
    to: u32,
    weight: i64,
}

/// The arcs, and their doubly linked lists. The links are in arrays of their own: a search
/// follows `out_next` (or `in_next`) from arc to arc, each step waiting on the last, so that
/// chain is kept in 4-byte entries that stay in the first-level cache, while the arcs'
/// ends and weights, which no later step waits on, are read alongside.
struct Arcs {
    arcs: Vec<Arc>,
    out_next: Vec<u32>,
    in_next: Vec<u32>,
    /// The previous arc in each list, for unlinking.
    out_prev: Vec<u32>,
    in_prev: Vec<u32>,
    /// Whether the arc is in its lists.
    active: Vec<bool>,
    out_head: Vec<u32>,
    in_head: Vec<u32>,
    /// Each vertex's active arcs out of it and into it: what expanding it would relax.
    out_count: Vec<u32>,
    in_count: Vec<u32>,
}

impl Arcs {
    fn new(size: usize) -> Self {
        Arcs {
            arcs: Vec::new(),
            out_next: Vec::new(),
            in_next: Vec::new(),
            out_prev: Vec::new(),
            in_prev: Vec::new(),
            active: Vec::new(),
            out_head: vec![NIL; size],
            in_head: vec![NIL; size],
            out_count: vec![0; size],
            in_count: vec![0; size],
        }
    }

    fn reserve(&mut self, n: usize) {
        self.arcs.reserve(n);
        self.out_next.reserve(n);
        self.in_next.reserve(n);
        self.out_prev.reserve(n);
        self.in_prev.reserve(n);
        self.active.reserve(n);
    }

    fn len(&self) -> usize {
        self.arcs.len()
    }

    fn push(&mut self, p: usize, q: usize, w: i64) -> usize {
        let h = self.arcs.len();
        self.arcs.push(Arc {
            from: p as u32,
            to: q as u32,
            weight: w,
        });
        for links in [
            &mut self.out_next,
            &mut self.in_next,
            &mut self.out_prev,
            &mut self.in_prev,
        ] {
            links.push(NIL);
        }
        self.active.push(false);
        self.link(h);
        h
    }

    /// Puts arc `h` first in its tail's out-list and its head's in-list.
    fn link(&mut self, h: usize) {
        let Arc { from, to, .. } = self.arcs[h];
        let (p, q) = (from as usize, to as usize);
        let o = self.out_head[p];
        let i = self.in_head[q];
        self.active[h] = true;
        self.out_count[p] += 1;
        self.in_count[q] += 1;
        self.out_next[h] = o;
        self.in_next[h] = i;
        self.out_prev[h] = NIL;
        self.in_prev[h] = NIL;
        if o != NIL {
            self.out_prev[o as usize] = h as u32;
        }
        self.out_head[p] = h as u32;
        if i != NIL {
            self.in_prev[i as usize] = h as u32;
        }
        self.in_head[q] = h as u32;
    }

    fn unlink(&mut self, h: usize) {
        let Arc { from, to, .. } = self.arcs[h];
        self.active[h] = false;
        self.out_count[from as usize] -= 1;
        self.in_count[to as usize] -= 1;
        let (on, op) = (self.out_next[h], self.out_prev[h]);
        if op == NIL {
            self.out_head[from as usize] = on;
        } else {
            self.out_next[op as usize] = on;
        }
        if on != NIL {
            self.out_prev[on as usize] = op;
        }
        let (inn, ip) = (self.in_next[h], self.in_prev[h]);
        if ip == NIL {
            self.in_head[to as usize] = inn;
        } else {
            self.in_next[ip as usize] = inn;
        }
        if inn != NIL {
            self.in_prev[inn as usize] = ip;
        }
    }
}

/// Min-heap of (key, vertex), ties broken by vertex: a 4-ary heap, whose shallower sift-up
/// suits Dijkstra's many pushes. Keys and vertices are a total order with no repeated pair in
/// one search, so the pops come in the one order any such heap gives. A push only appends and
/// the next pop files what was pushed since: a search often ends right after settling a vertex
/// of many arcs, and the entries it pushed then cost an append each (on wasm-tools.core.wasm
/// about 7 million pushes to 1 million pops).
#[derive(Default)]
struct MinHeap {
    /// Each entry a (key, vertex) pair packed so that integer order is the pair's order (the
    /// key's sign bit flipped, above the vertex): one integer comparison where the pair took
    /// two dependent ones (the suite's passes 2–3 % faster, session 20).
    entries: Vec<u128>,
    /// Entries past this one are not yet in heap order.
    ordered: usize,
}

impl MinHeap {
    fn pack(key: i64, val: u32) -> u128 {
        (u128::from((key as u64) ^ (1 << 63)) << 32) | u128::from(val)
    }

    fn unpack(entry: u128) -> (i64, u32) {
        (((entry >> 32) as u64 ^ (1 << 63)) as i64, entry as u32)
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.ordered = 0;
    }

    fn push(&mut self, key: i64, val: u32) {
        self.entries.push(Self::pack(key, val));
    }

    /// Files the entries pushed since the last pop.
    fn order(&mut self) {
        for k in self.ordered..self.entries.len() {
            self.sift_up(k);
        }
        self.ordered = self.entries.len();
    }

    fn sift_up(&mut self, mut i: usize) {
        let item = self.entries[i];
        while i > 0 {
            let parent = (i - 1) >> 2;
            if item >= self.entries[parent] {
                break;
            }
            self.entries[i] = self.entries[parent];
            i = parent;
        }
        self.entries[i] = item;
    }

    /// Moves the entry at `i` down until its children are larger.
    fn sift_down(&mut self, mut i: usize) {
        let n = self.entries.len();
        let item = self.entries[i];
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let mut m = first;
            for c in first + 1..(first + 4).min(n) {
                if self.entries[c] < self.entries[m] {
                    m = c;
                }
            }
            if self.entries[m] >= item {
                break;
            }
            self.entries[i] = self.entries[m];
            i = m;
        }
        self.entries[i] = item;
    }

    /// Inlined into `step`, its one caller: the call's register saves were 17 instructions a pop.
    #[inline]
    fn pop(&mut self) -> Option<(i64, u32)> {
        self.order();
        let top = *self.entries.first()?;
        let item = self.entries.pop()?;
        let n = self.entries.len();
        self.ordered = n;
        if n > 0 {
            self.entries[0] = item;
            self.sift_down(0);
        }
        Some(Self::unpack(top))
    }
}

/// A vertex's state in one search: its distance, valid when `seen` is the search's stamp, and
/// settled when `done` is (stamps spare clearing between searches).
#[derive(Clone, Copy, Default)]
struct Mark {
    dist: i64,
    seen: u32,
    done: u32,
    /// The arc the vertex was last reached through (NIL at the source).
    parent: u32,
}

/// A vertex's marks in the forward and the backward search. Its potential is kept apart
/// (`PotentialSystem::phi`): whether an arc ends beyond the search's bound reads only the far
/// end's potential. (On wasm-tools.core.wasm about a third of the observation class's arcs that
/// searches relax do: 5.6 M of 15.4 M, counted in session 21.)
#[derive(Clone, Copy, Default)]
struct Vertex {
    marks: [Mark; 2],
}

const FORWARD: usize = 0;
const BACKWARD: usize = 1;

/// Dijkstra settling one vertex per step, ignoring distances >= bound; the marks live in the
/// vertices, at index `side`.
struct BoundedSearch {
    side: usize,
    settled: Vec<u32>,
    heap: MinHeap,
    stamp: u32,
    bound: i64,
    current: i64,
}

impl BoundedSearch {
    fn new(side: usize) -> Self {
        BoundedSearch {
            side,
            settled: Vec::new(),
            heap: MinHeap::default(),
            stamp: 0,
            bound: 0,
            current: 0,
        }
    }

    fn start(&mut self, vertices: &mut [Vertex], source: usize, bound: i64, stamp: u32) {
        self.stamp = stamp;
        self.bound = bound;
        self.settled.clear();
        self.heap.clear();
        let mark = &mut vertices[source].marks[self.side];
        mark.seen = stamp;
        mark.dist = 0;
        mark.parent = NIL;
        self.heap.push(0, source as u32);
    }

    fn step(&mut self, vertices: &mut [Vertex]) -> Option<usize> {
        while let Some((d, v)) = self.heap.pop() {
            let v = v as usize;
            let mark = &mut vertices[v].marks[self.side];
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
    fn offer(&mut self, mark: &mut Mark, v: usize, arc: u32, reduced: i64) -> Option<i64> {
        let nd = self.current.saturating_add(reduced);
        if nd >= self.bound || mark.done == self.stamp {
            return None;
        }
        if mark.seen != self.stamp || nd < mark.dist {
            mark.seen = self.stamp;
            mark.dist = nd;
            mark.parent = arc;
            self.heap.push(nd, v as u32);
        }
        Some(nd)
    }

    /// Whether the other search reached the vertex with `mark` so that the two paths close a
    /// cycle shorter than the bound.
    fn meets(&self, mark: &Mark, d: i64) -> bool {
        mark.seen == self.stamp && d.saturating_add(mark.dist) < self.bound
    }
}

pub struct PotentialSystem {
    phi: Vec<i64>,
    vertices: Vec<Vertex>,
    arcs: Arcs,
    forward: BoundedSearch,
    backward: BoundedSearch,
    stamp: u32,
    journaling: bool,
    journal: Vec<(usize, i64)>,
    /// The arcs of the negative cycle that refused the last `add`, when a cycle did.
    cycle: Vec<u32>,
    /// Arcs relaxed so far: a deterministic measure of work.
    pub work: u64,
}

impl PotentialSystem {
    pub fn new(size: usize) -> Self {
        PotentialSystem {
            phi: vec![0; size],
            vertices: vec![Vertex::default(); size],
            arcs: Arcs::new(size),
            forward: BoundedSearch::new(FORWARD),
            backward: BoundedSearch::new(BACKWARD),
            stamp: 0,
            journaling: false,
            journal: Vec::new(),
            cycle: Vec::new(),
            work: 0,
        }
    }

    /// Room for `n` more arcs, so that a known number of `add`s does not grow the arcs one
    /// doubling at a time.
    pub fn reserve_arcs(&mut self, n: usize) {
        self.arcs.reserve(n);
    }

    /// The potential of `p`.
    pub fn phi(&self, p: usize) -> i64 {
        self.phi[p]
    }

    /// Adds phi(q) <= phi(p) + w; its handle, or None when infeasible or when proving it would
    /// relax more than `max_work` arcs (then nothing changes).
    pub fn add(&mut self, p: usize, q: usize, w: i64, max_work: u64) -> Option<usize> {
        self.cycle.clear();
        let delta = self.phi[p] + w - self.phi[q];
        if delta < 0 {
            if p == q {
                return None;
            }
            let bound = -delta;
            self.stamp += 1;
            let stamp = self.stamp;
            self.forward.start(&mut self.vertices, q, bound, stamp);
            self.backward.start(&mut self.vertices, p, bound, stamp);
            let limit = self.work.saturating_add(max_work);
            // The vertex each search has settled and not yet expanded, and the arcs each search
            // has relaxed.
            let (mut pending_f, mut pending_b) = (None, None);
            let (mut spent_f, mut spent_b) = (0u64, 0u64);
            loop {
                if self.work > limit {
                    return None;
                }
                let f = match pending_f.or_else(|| self.forward.step(&mut self.vertices)) {
                    Some(f) => f,
                    None => {
                        self.finish(FORWARD, delta);
                        break;
                    }
                };
                pending_f = Some(f);
                let b = match pending_b.or_else(|| self.backward.step(&mut self.vertices)) {
                    Some(b) => b,
                    None => {
                        self.finish(BACKWARD, delta);
                        break;
                    }
                };
                pending_b = Some(b);
                // Expand the vertex with fewer arcs to relax (the forward one on a tie), unless
                // its search would then have relaxed more than twice what the other would after
                // its own; the other keeps waiting.
                let (out_f, in_b) = (
                    u64::from(self.arcs.out_count[f]),
                    u64::from(self.arcs.in_count[b]),
                );
                let after_f = spent_f + out_f;
                let after_b = spent_b + in_b;
                let forward_first = if out_f <= in_b {
                    after_f <= 2 * after_b
                } else {
                    after_b > 2 * after_f
                };
                if forward_first {
                    pending_f = None;
                    spent_f = after_f;
                    if self.relax_out(f) {
                        return None;
                    }
                } else {
                    pending_b = None;
                    spent_b = after_b;
                    if self.relax_in(b) {
                        return None;
                    }
                }
            }
        }
        Some(self.arcs.push(p, q, w))
    }

    /// Applies the search of `side` that found no more vertices below its bound: the forward
    /// one lowers what it settled, the backward one raises it, each by what it lacked.
    fn finish(&mut self, side: usize, delta: i64) {
        let settled = std::mem::take(if side == FORWARD {
            &mut self.forward.settled
        } else {
            &mut self.backward.settled
        });
        for &v in &settled {
            let v = v as usize;
            let dist = self.vertices[v].marks[side].dist;
            let moved = if side == FORWARD {
                delta + dist
            } else {
                -delta - dist
            };
            self.set(v, self.phi[v] + moved);
        }
        // Handed back, so that the next search reuses its room.
        if side == FORWARD {
            self.forward.settled = settled;
        } else {
            self.backward.settled = settled;
        }
    }

    /// The arcs that, with the arc the last `add` refused, close a negative cycle; empty when
    /// that refusal was for the work limit (or the last `add` succeeded).
    pub fn refusal(&self) -> &[u32] {
        &self.cycle
    }

    /// Whether every arc of `cycle` is still in the system: then the refused arc still closes a
    /// negative cycle (weights never change), so adding it again would be refused too.
    pub fn still_refuses(&self, cycle: &[u32]) -> bool {
        !cycle.is_empty()
            && cycle
                .iter()
                .all(|&h| self.arcs.active.get(h as usize).copied().unwrap_or(false))
    }

    /// Records the cycle found when the forward search reached `forward_end` and the backward
    /// search `backward_end`, joined by `arc` (forward_end -> backward_end).
    fn record_cycle(&mut self, forward_end: usize, arc: u32, backward_end: usize) {
        self.cycle.clear();
        self.cycle.push(arc);
        for (side, start) in [(FORWARD, forward_end), (BACKWARD, backward_end)] {
            let mut v = start;
            // Parents lead back to the search's source; the bound only guards against a bug.
            for _ in 0..self.vertices.len() {
                let h = self.vertices[v].marks[side].parent;
                if h == NIL {
                    break;
                }
                self.cycle.push(h);
                let arc = &self.arcs.arcs[h as usize];
                v = if side == FORWARD { arc.from } else { arc.to } as usize;
            }
        }
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
        if handle < self.arcs.len() && self.arcs.active[handle] {
            self.arcs.unlink(handle);
        }
    }

    /// Re-enables a removed constraint the current phi satisfies.
    pub fn restore(&mut self, handle: usize) {
        if handle < self.arcs.len() && !self.arcs.active[handle] {
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
            // The next arc first: the chain is what each step waits on.
            let next = self.arcs.out_next[h as usize];
            let arc = self.arcs.arcs[h as usize];
            self.work += 1;
            let to = arc.to as usize;
            let reduced = arc.weight + pv - self.phi[to];
            let [forward, backward] = &mut self.vertices[to].marks;
            if let Some(nd) = self.forward.offer(forward, to, h, reduced) {
                if self.backward.meets(backward, nd) {
                    self.record_cycle(v, h, to);
                    return true;
                }
            }
            h = next;
        }
        false
    }

    fn relax_in(&mut self, v: usize) -> bool {
        let pv = self.phi[v];
        let mut h = self.arcs.in_head[v];
        while h != NIL {
            // The next arc first: the chain is what each step waits on.
            let next = self.arcs.in_next[h as usize];
            let arc = self.arcs.arcs[h as usize];
            self.work += 1;
            let from = arc.from as usize;
            let reduced = arc.weight + self.phi[from] - pv;
            let [forward, backward] = &mut self.vertices[from].marks;
            if let Some(nd) = self.backward.offer(backward, from, h, reduced) {
                if self.forward.meets(forward, nd) {
                    self.record_cycle(from, h, v);
                    return true;
                }
            }
            h = next;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::{MinHeap, PotentialSystem};

    /// Pushes in runs of random length (a search settling vertices of any degree) between pops,
    /// with many equal keys: the heap pops what std's heap pops, in the same order.
    #[test]
    fn the_heap_pops_in_key_then_vertex_order_however_pushes_and_pops_interleave() {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let mut bits = crate::fuel_place::Xorshift(0x2545_f491_4f6c_dd1d);
        let mut next = move |n: u64| bits.next() % n;
        for _ in 0..200 {
            let mut heap = MinHeap::default();
            let mut reference = BinaryHeap::new();
            let mut vertex = 0u32;
            for _ in 0..next(40) {
                for _ in 0..next(30) {
                    let key = next(12) as i64 - 3;
                    vertex += 1;
                    heap.push(key, vertex);
                    reference.push(Reverse((key, vertex)));
                }
                for _ in 0..next(6) {
                    assert_eq!(heap.pop(), reference.pop().map(|Reverse(e)| e));
                }
            }
            while let Some(Reverse(e)) = reference.pop() {
                assert_eq!(heap.pop(), Some(e));
            }
            assert_eq!(heap.pop(), None);
            heap.clear();
            assert_eq!(heap.pop(), None);
        }
    }

    /// Packing keeps each (key, vertex) pair and orders the packed integers as the pairs,
    /// at the extremes of both.
    #[test]
    fn packed_entries_order_as_their_pairs() {
        let keys = [
            i64::MIN,
            i64::MIN + 1,
            -2,
            -1,
            0,
            1,
            2,
            i64::MAX - 1,
            i64::MAX,
        ];
        let vertices = [0u32, 1, 7, u32::MAX - 1, u32::MAX];
        let pairs: Vec<(i64, u32)> = keys
            .iter()
            .flat_map(|&k| vertices.iter().map(move |&v| (k, v)))
            .collect();
        for &a in &pairs {
            assert_eq!(MinHeap::unpack(MinHeap::pack(a.0, a.1)), a);
            for &b in &pairs {
                assert_eq!(
                    MinHeap::pack(a.0, a.1).cmp(&MinHeap::pack(b.0, b.1)),
                    a.cmp(&b),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    /// The cases of tests/placement/potentials.test.ts that name a refusal's cycle: the solver
    /// skips a search only when both languages would, so the two must agree on what they name.
    #[test]
    fn a_refusal_names_its_negative_cycle_until_one_of_its_arcs_goes() {
        let mut sys = PotentialSystem::new(3);
        let a = sys.add(0, 1, 5, u64::MAX).expect("phi1 <= phi0 + 5");
        let b = sys.add(1, 2, -3, u64::MAX).expect("phi2 <= phi1 - 3");
        assert_eq!(
            sys.add(2, 0, -3, u64::MAX),
            None,
            "the cycle would weigh -1"
        );
        let mut cycle = sys.refusal().to_vec();
        cycle.sort_unstable();
        assert_eq!(cycle, vec![a as u32, b as u32]);
        assert!(sys.still_refuses(&cycle));
        sys.remove(a);
        assert!(!sys.still_refuses(&cycle));
        sys.restore(a);
        assert!(sys.still_refuses(&cycle));
        assert!(sys.add(2, 0, -2, u64::MAX).is_some(), "weight 0 is fine");
        assert!(sys.refusal().is_empty());
    }

    #[test]
    fn a_refusal_for_the_search_limit_names_no_cycle() {
        let mut sys = PotentialSystem::new(4);
        sys.add(0, 1, 0, u64::MAX);
        sys.add(1, 2, 0, u64::MAX);
        sys.add(2, 3, 0, u64::MAX);
        assert_eq!(sys.add(3, 0, -1, 1), None);
        assert!(sys.refusal().is_empty());
        assert!(!sys.still_refuses(sys.refusal()));
    }
}
