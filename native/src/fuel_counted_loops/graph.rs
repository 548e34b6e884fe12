//! The control flow the counted-loop search reads (the TypeScript `buildControlFlow` and
//! `buildLoopForest`): one edge per branch destination of every block in the layout, repeats
//! kept, reachability from the entry, and the loop forest by nested strongly connected
//! components, loops in pre-order with siblings by their first block's layout position. The
//! order matters: the pass versions the first counted loop of this order, and every block and
//! value it creates is numbered from there.

use crate::fuel_place::scc::NestedSccs;
use cranelift_codegen::ir::{Block, Function};

#[derive(Clone, Copy, Debug)]
pub struct Edge {
    pub from: Block,
    pub to: Block,
}

pub struct Graph {
    /// Blocks in layout order.
    pub nodes: Vec<Block>,
    /// Layout position by block number (`usize::MAX`: not in the layout).
    position: Vec<usize>,
    out_edges: Vec<Vec<Edge>>,
    in_edges: Vec<Vec<Edge>>,
    reachable: Vec<bool>,
}

const NONE: usize = usize::MAX;

impl Graph {
    pub fn build(func: &Function) -> Graph {
        let size = func.dfg.num_blocks();
        let nodes: Vec<Block> = func.layout.blocks().collect();
        let mut position = vec![NONE; size];
        for (i, b) in nodes.iter().enumerate() {
            position[b.as_u32() as usize] = i;
        }
        let mut out_edges = vec![Vec::new(); size];
        let mut in_edges = vec![Vec::new(); size];
        let dfg = &func.dfg;
        for &from in &nodes {
            for inst in func.layout.block_insts(from) {
                for call in
                    dfg.insts[inst].branch_destination(&dfg.jump_tables, &dfg.exception_tables)
                {
                    let edge = Edge {
                        from,
                        to: call.block(&dfg.value_lists),
                    };
                    out_edges[from.as_u32() as usize].push(edge);
                    if let Some(list) = in_edges.get_mut(edge.to.as_u32() as usize) {
                        list.push(edge);
                    }
                }
            }
        }
        let mut reachable = vec![false; size];
        let mut stack: Vec<Block> = func.layout.entry_block().into_iter().collect();
        while let Some(b) = stack.pop() {
            let i = b.as_u32() as usize;
            if i >= size || reachable[i] || position[i] == NONE {
                continue;
            }
            reachable[i] = true;
            stack.extend(out_edges[i].iter().map(|e| e.to));
        }
        Graph {
            nodes,
            position,
            out_edges,
            in_edges,
            reachable,
        }
    }

    pub fn out_edges(&self, b: Block) -> &[Edge] {
        self.out_edges
            .get(b.as_u32() as usize)
            .map_or(&[], Vec::as_slice)
    }

    pub fn in_edges(&self, b: Block) -> &[Edge] {
        self.in_edges
            .get(b.as_u32() as usize)
            .map_or(&[], Vec::as_slice)
    }

    pub fn is_reachable(&self, b: Block) -> bool {
        self.reachable
            .get(b.as_u32() as usize)
            .copied()
            .unwrap_or(false)
    }

    fn position(&self, b: Block) -> usize {
        self.position
            .get(b.as_u32() as usize)
            .copied()
            .unwrap_or(NONE)
    }

    /// Successors by layout position, one per edge, leaving out blocks not in the layout.
    fn successors(&self, v: usize) -> impl Iterator<Item = usize> + '_ {
        self.out_edges[self.nodes[v].as_u32() as usize]
            .iter()
            .map(|e| self.position(e.to))
            .filter(|&w| w != NONE)
    }
}

pub struct Loop {
    /// Entry blocks of the region, layout order (several when irreducible).
    pub headers: Vec<Block>,
    /// Every block of the loop, inner loops included, layout order.
    pub nodes: Vec<Block>,
    pub has_children: bool,
}

/// The loops of the reachable part of `graph`, parents before children.
pub fn loop_forest(graph: &Graph) -> Vec<Loop> {
    let count = graph.nodes.len();
    let reachable: Vec<usize> = (0..count)
        .filter(|&v| graph.is_reachable(graph.nodes[v]))
        .collect();
    let mut loops = Vec::new();
    let mut parents: Vec<Option<usize>> = Vec::new();
    let mut tables = NestedSccs::new(count);
    discover(
        graph,
        &reachable,
        &[],
        None,
        &mut loops,
        &mut parents,
        &mut tables,
    );
    for p in parents.into_iter().flatten() {
        loops[p].has_children = true;
    }
    loops
}

fn discover(
    graph: &Graph,
    members: &[usize],
    excluded: &[usize],
    parent: Option<usize>,
    loops: &mut Vec<Loop>,
    parents: &mut Vec<Option<usize>>,
    tables: &mut NestedSccs,
) {
    tables.cut_edges_into(excluded, true);
    let succ = |v: usize, out: &mut Vec<usize>| out.extend(graph.successors(v));
    let entry = graph.nodes.first().copied();
    for scc in tables.loops(members, &succ) {
        let headers = tables.headers(&scc, |v, in_scc| {
            let b = graph.nodes[v];
            Some(b) == entry
                || graph.in_edges(b).iter().any(|e| {
                    let p = graph.position(e.from);
                    graph.is_reachable(e.from) && p != NONE && !in_scc(p)
                })
        });
        let id = loops.len();
        loops.push(Loop {
            headers: headers.iter().map(|&v| graph.nodes[v]).collect(),
            nodes: scc.iter().map(|&v| graph.nodes[v]).collect(),
            has_children: false,
        });
        parents.push(parent);
        discover(graph, &scc, &headers, Some(id), loops, parents, tables);
    }
    tables.cut_edges_into(excluded, false);
}
