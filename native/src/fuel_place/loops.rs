//! Loop nesting forest by nested strongly connected components (the TypeScript
//! `buildLoopForest`): every cyclic SCC of the reachable CFG is a loop, its headers the members
//! entered from outside it (or the entry); cutting the edges into the headers and recursing
//! gives the inner loops. Loops are numbered in discovery order, which is a pre-order.

use super::flow::Flow;
use super::scc::NestedSccs;

pub struct Loop {
    /// Header blocks, layout order (several when irreducible).
    pub headers: Vec<usize>,
    /// Member blocks (inner loops' included), layout order.
    pub members: Vec<usize>,
    /// The last loop nested in this one: loops are numbered in pre-order, so this loop and
    /// those inside it are the ids `id..=last_nested`.
    last_nested: usize,
}

pub struct LoopForest {
    pub loops: Vec<Loop>,
    innermost: Vec<Option<usize>>,
}

impl LoopForest {
    pub fn build(flow: &Flow) -> LoopForest {
        let count = flow.nodes.len();
        let mut forest = LoopForest {
            loops: Vec::new(),
            innermost: vec![None; flow.layout_index.len()],
        };
        // A cycle has an edge that does not go forward in the layout, so when every reachable
        // edge does (most functions), there is no loop and no search is needed.
        let forward = flow.edges.iter().all(|e| {
            !flow.reachable[e.from] || flow.layout_index[e.to] > flow.layout_index[e.from]
        });
        if forward {
            return forest;
        }
        let reachable: Vec<usize> = (0..count)
            .filter(|&i| flow.reachable[flow.nodes[i]])
            .collect();
        forest.discover(flow, &reachable, &[], &mut NestedSccs::new(count));
        forest
    }

    /// `members` and `excluded` (the headers of the loop around them) are layout indices.
    fn discover(
        &mut self,
        flow: &Flow,
        members: &[usize],
        excluded: &[usize],
        tables: &mut NestedSccs,
    ) {
        let count = flow.nodes.len();
        tables.cut_edges_into(excluded, true);
        let succ = |v: usize, out: &mut Vec<usize>| {
            out.extend(
                flow.successors(flow.nodes[v])
                    .map(|b| flow.layout_index[b])
                    .filter(|&w| w < count),
            )
        };
        for scc in tables.loops(members, &succ) {
            let headers = tables.headers(&scc, |v, in_scc| {
                let n = flow.nodes[v];
                n == flow.entry
                    || flow.in_edges[n].iter().any(|&e| {
                        let p = flow.edges[e].from;
                        flow.reachable[p] && !in_scc(flow.layout_index[p])
                    })
            });
            let id = self.loops.len();
            for &v in &scc {
                self.innermost[flow.nodes[v]] = Some(id);
            }
            self.loops.push(Loop {
                headers: headers.iter().map(|&v| flow.nodes[v]).collect(),
                members: scc.iter().map(|&v| flow.nodes[v]).collect(),
                last_nested: id,
            });
            self.discover(flow, &scc, &headers, tables);
            self.loops[id].last_nested = self.loops.len() - 1;
        }
        tables.cut_edges_into(excluded, false);
    }

    pub fn innermost(&self, block: usize) -> Option<usize> {
        self.innermost.get(block).copied().flatten()
    }

    /// Whether the loop holds the block, directly or in a loop nested in it (its innermost
    /// loop is in the loop's pre-order interval): constant time, no table per loop.
    pub fn contains(&self, id: usize, block: usize) -> bool {
        self.innermost(block)
            .is_some_and(|m| id <= m && m <= self.loops[id].last_nested)
    }

    /// The innermost loop holding the source does not hold the target.
    pub fn is_exit_edge(&self, from: usize, to: usize) -> bool {
        self.innermost(from).is_some_and(|l| !self.contains(l, to))
    }
}
