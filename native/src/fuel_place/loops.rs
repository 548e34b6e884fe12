//! Loop nesting forest by nested strongly connected components (the TypeScript
//! `buildLoopForest`): every cyclic SCC of the reachable CFG is a loop, its headers the members
//! entered from outside it (or the entry); cutting the edges into the headers and recursing
//! gives the inner loops. Loops are numbered in discovery order, which is a pre-order.

use super::flow::Flow;
use super::scc::strongly_connected_components;

pub struct Loop {
    /// Header blocks, layout order (several when irreducible).
    pub headers: Vec<usize>,
    pub parent: Option<usize>,
    /// Membership by block number.
    pub contains: Vec<bool>,
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
        let reachable: Vec<usize> = (0..count)
            .filter(|&i| flow.reachable[flow.nodes[i]])
            .collect();
        forest.discover(flow, &reachable, &[], None);
        forest
    }

    /// `members` and `excluded` are layout indices.
    fn discover(
        &mut self,
        flow: &Flow,
        members: &[usize],
        excluded: &[usize],
        parent: Option<usize>,
    ) {
        let count = flow.nodes.len();
        let mut is_excluded = vec![false; count];
        for &h in excluded {
            is_excluded[h] = true;
        }
        let succ = |v: usize| -> Vec<usize> {
            flow.successors(flow.nodes[v])
                .map(|b| flow.layout_index[b])
                .filter(|&w| w < count && !is_excluded[w])
                .collect()
        };
        let mut sccs = strongly_connected_components(members, count, &succ);
        sccs.sort_by_key(|c| c[0]);
        // Membership of the component at hand, set and cleared per component (most are single
        // blocks that are no loop: clearing a whole table for each would be quadratic).
        let mut in_scc = vec![false; count];
        for scc in sccs {
            let cyclic = scc.len() > 1 || succ(scc[0]).contains(&scc[0]);
            if !cyclic {
                continue;
            }
            for &v in &scc {
                in_scc[v] = true;
            }
            let headers: Vec<usize> = scc
                .iter()
                .copied()
                .filter(|&v| {
                    let n = flow.nodes[v];
                    n == flow.entry
                        || flow.in_edges[n].iter().any(|&e| {
                            let p = flow.edges[e].from;
                            flow.reachable[p] && !in_scc[flow.layout_index[p]]
                        })
                })
                .collect();
            for &v in &scc {
                in_scc[v] = false;
            }
            let id = self.loops.len();
            let mut contains = vec![false; flow.layout_index.len()];
            for &v in &scc {
                contains[flow.nodes[v]] = true;
                self.innermost[flow.nodes[v]] = Some(id);
            }
            self.loops.push(Loop {
                headers: headers.iter().map(|&v| flow.nodes[v]).collect(),
                parent,
                contains,
            });
            self.discover(flow, &scc, &headers, Some(id));
        }
    }

    pub fn innermost(&self, block: usize) -> Option<usize> {
        self.innermost.get(block).copied().flatten()
    }

    pub fn contains(&self, id: usize, block: usize) -> bool {
        self.loops[id].contains.get(block).copied().unwrap_or(false)
    }

    /// The innermost loop holding the source does not hold the target.
    pub fn is_exit_edge(&self, from: usize, to: usize) -> bool {
        self.innermost(from).is_some_and(|l| !self.contains(l, to))
    }
}
