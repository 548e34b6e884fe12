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
            stack: Vec::new(),
            work: Vec::new(),
            pending: Vec::new(),
        }
    }

    /// The components of `members` (each below the size), where `succs(v, out)` appends the
    /// successors of `v` to `out` (those outside the members are skipped here).
    pub fn components(
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
                self.pending.truncate(from);
                if let Some(&(parent, _, _)) = self.work.last() {
                    self.low[parent] = self.low[parent].min(self.low[v]);
                }
                if self.low[v] == self.index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = self.stack.pop() {
                        self.on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    component.sort_by_key(|&w| self.order[w]);
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
