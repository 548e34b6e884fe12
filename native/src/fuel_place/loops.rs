//! Loop nesting forest by nested strongly connected components (the TypeScript
//! `buildLoopForest`): every cyclic SCC of the reachable CFG is a loop, its headers the members
//! entered from outside it (or the entry); cutting the edges into the headers and recursing
//! gives the inner loops. Loops are numbered in discovery order, which is a pre-order.

use super::flow::Flow;
use super::scc::SccFinder;

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

/// Tables by layout index shared by every level of the discovery. A level marks its headers
/// excluded and leaves them so for the levels below it: those levels' members never include an
/// outer header (its in-edges are cut, so it is no loop), and the marks unset on return.
struct Scratch {
    excluded: Vec<bool>,
    in_scc: Vec<bool>,
    scc: SccFinder,
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
        let mut scratch = Scratch {
            excluded: vec![false; count],
            in_scc: vec![false; count],
            scc: SccFinder::new(count),
        };
        forest.discover(flow, &reachable, &[], &mut scratch);
        forest
    }

    /// `members` and `excluded` are layout indices.
    fn discover(
        &mut self,
        flow: &Flow,
        members: &[usize],
        excluded: &[usize],
        scratch: &mut Scratch,
    ) {
        let count = flow.nodes.len();
        for &h in excluded {
            scratch.excluded[h] = true;
        }
        let mut sccs = {
            let is_excluded = &scratch.excluded;
            let succ = |v: usize, out: &mut Vec<usize>| {
                out.extend(
                    flow.successors(flow.nodes[v])
                        .map(|b| flow.layout_index[b])
                        .filter(|&w| w < count && !is_excluded[w]),
                )
            };
            scratch.scc.components(members, &succ)
        };
        sccs.sort_by_key(|c| c[0]);
        for scc in sccs {
            let v = scc[0];
            let cyclic = scc.len() > 1
                || flow
                    .successors(flow.nodes[v])
                    .any(|b| flow.layout_index[b] == v && !scratch.excluded[v]);
            if !cyclic {
                continue;
            }
            // Membership of the component at hand, set and cleared per component (most are
            // single blocks that are no loop: clearing a whole table for each is quadratic).
            let in_scc = &mut scratch.in_scc;
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
            for &v in &scc {
                self.innermost[flow.nodes[v]] = Some(id);
            }
            self.loops.push(Loop {
                headers: headers.iter().map(|&v| flow.nodes[v]).collect(),
                members: scc.iter().map(|&v| flow.nodes[v]).collect(),
                last_nested: id,
            });
            self.discover(flow, &scc, &headers, scratch);
            self.loops[id].last_nested = self.loops.len() - 1;
        }
        for &h in excluded {
            scratch.excluded[h] = false;
        }
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
