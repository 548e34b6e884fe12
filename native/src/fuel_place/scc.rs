//! Strongly connected components (Tarjan, iterative) of a subgraph given by its members, each
//! component sorted by the members' order, components in Tarjan's output order.

const NONE: usize = usize::MAX;

/// Tarjan's tables for vertices below a size, kept between searches: a search touches only
/// its members' entries and resets them when done, so the nested searches of a loop forest
/// (one per loop, over the loop's blocks) cost their members' size rather than the graph's.
pub struct SccFinder {
    /// Position among the members, NONE for a vertex outside them.
    order: Vec<usize>,
    index: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    /// Open vertices: (vertex, start of its successors in `pending`, next one to try).
    work: Vec<(usize, usize, usize)>,
    /// The open vertices' successors, stack-shaped: the top frame's run to the end.
    pending: Vec<usize>,
}

impl SccFinder {
    pub fn new(size: usize) -> Self {
        SccFinder {
            order: vec![NONE; size],
            index: vec![NONE; size],
            low: vec![0; size],
            on_stack: vec![false; size],
            // A search's depth is at most the vertices, and most have one or two successors.
            stack: Vec::with_capacity(size),
            work: Vec::with_capacity(size),
            pending: Vec::with_capacity(2 * size),
        }
    }

    /// The cyclic components of `members` (each below the size), where `succs(v, out)` appends
    /// the successors of `v` to `out` (those outside the members are skipped here): those of
    /// more than one vertex, and single vertices with an edge to themselves. Most vertices of a
    /// loop forest's searches are alone and no loop: no list is made for them.
    pub fn cyclic_components(
        &mut self,
        members: &[usize],
        succs: &dyn Fn(usize, &mut Vec<usize>),
    ) -> Vec<Vec<usize>> {
        for (i, &v) in members.iter().enumerate() {
            self.order[v] = i;
        }
        let mut counter = 0;
        let mut result = Vec::new();
        for &start in members {
            if self.index[start] != NONE {
                continue;
            }
            self.open(start, &mut counter, succs);
            while let Some(&(v, from, next)) = self.work.last() {
                if next < self.pending.len() {
                    let w = self.pending[next];
                    if let Some(frame) = self.work.last_mut() {
                        frame.2 += 1;
                    }
                    if self.index[w] == NONE {
                        self.open(w, &mut counter, succs);
                    } else if self.on_stack[w] {
                        self.low[v] = self.low[v].min(self.index[w]);
                    }
                    continue;
                }
                self.work.pop();
                let alone = self.low[v] == self.index[v] && self.stack.last() == Some(&v);
                // Its successors are the run of `pending` from `from` (the top frame's).
                let self_edge = alone && self.pending[from..].contains(&v);
                self.pending.truncate(from);
                if let Some(&(parent, _, _)) = self.work.last() {
                    self.low[parent] = self.low[parent].min(self.low[v]);
                }
                if alone {
                    self.stack.pop();
                    self.on_stack[v] = false;
                    if self_edge {
                        result.push(vec![v]);
                    }
                } else if self.low[v] == self.index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = self.stack.pop() {
                        self.on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    component.sort_unstable_by_key(|&w| self.order[w]);
                    result.push(component);
                }
            }
        }
        for &v in members {
            self.order[v] = NONE;
            self.index[v] = NONE;
            self.low[v] = 0;
        }
        result
    }

    fn open(&mut self, v: usize, counter: &mut usize, succs: &dyn Fn(usize, &mut Vec<usize>)) {
        self.index[v] = *counter;
        self.low[v] = *counter;
        *counter += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        let from = self.pending.len();
        succs(v, &mut self.pending);
        let size = self.order.len();
        let mut kept = from;
        for k in from..self.pending.len() {
            let w = self.pending[k];
            if w < size && self.order[w] != NONE {
                self.pending[kept] = w;
                kept += 1;
            }
        }
        self.pending.truncate(kept);
        self.work.push((v, from, from));
    }
}

/// The tables of a loop forest's discovery by nested SCCs (fuel-place's and fuel-counted-loops'
/// forests): each level takes the SCCs of its members with the edges into its headers cut, and
/// recurses into each cyclic one. The tables are shared by every level. A level cuts the edges
/// into its headers for the levels below it and restores them on return; those levels' members
/// never hold an outer header (its in-edges are cut, so it is in no cycle), so the cuts an outer
/// level leaves change nothing below. `in_scc` is set and cleared per component.
pub struct NestedSccs {
    cut: Vec<bool>,
    in_scc: Vec<bool>,
    finder: SccFinder,
}

/// Appends the successors `succs` gives for `v`, less those outside `cut`'s size or cut.
fn append_uncut(
    cut: &[bool],
    v: usize,
    succs: &dyn Fn(usize, &mut Vec<usize>),
    out: &mut Vec<usize>,
) {
    let from = out.len();
    succs(v, out);
    let mut kept = from;
    for k in from..out.len() {
        let w = out[k];
        if w < cut.len() && !cut[w] {
            out[kept] = w;
            kept += 1;
        }
    }
    out.truncate(kept);
}

impl NestedSccs {
    pub fn new(size: usize) -> Self {
        NestedSccs {
            cut: vec![false; size],
            in_scc: vec![false; size],
            finder: SccFinder::new(size),
        }
    }

    /// Cuts the edges into `headers`, or with `cut` false restores them.
    pub fn cut_edges_into(&mut self, headers: &[usize], cut: bool) {
        for &h in headers {
            self.cut[h] = cut;
        }
    }

    /// The loops among the SCCs of `members` with the cut edges left out (more than one member,
    /// or an uncut self-edge), sorted by their first member. `succs(v, out)` appends the
    /// successors of `v`.
    pub fn loops(
        &mut self,
        members: &[usize],
        succs: &dyn Fn(usize, &mut Vec<usize>),
    ) -> Vec<Vec<usize>> {
        let NestedSccs { cut, finder, .. } = self;
        let uncut = |v: usize, out: &mut Vec<usize>| append_uncut(cut, v, succs, out);
        let mut sccs = finder.cyclic_components(members, &uncut);
        sccs.sort_unstable_by_key(|c| c[0]);
        sccs
    }

    /// The members of `scc` for which `entered(v, in_scc)` holds, `in_scc` telling the
    /// component's members from the others.
    pub fn headers(
        &mut self,
        scc: &[usize],
        entered: impl Fn(usize, &dyn Fn(usize) -> bool) -> bool,
    ) -> Vec<usize> {
        for &v in scc {
            self.in_scc[v] = true;
        }
        let in_scc = &self.in_scc;
        let inside = |v: usize| in_scc[v];
        let headers = scc
            .iter()
            .copied()
            .filter(|&v| entered(v, &inside))
            .collect();
        for &v in scc {
            self.in_scc[v] = false;
        }
        headers
    }
}
