//! The function's control flow as fuel-place sees it (the TypeScript `functionFlowGraph` +
//! `buildControlFlow`): blocks in layout order, one edge per branch destination in
//! instruction order (repeats kept), edge ids numbered block by block, and reachability from
//! the entry. Block numbers index dense arrays sized by the DFG's block count.

use cranelift_codegen::ir::{Block, Function};

#[derive(Clone, Copy, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// Position among the source's out-edges.
    pub index: usize,
}

/// Edge ids by block number in two flat arrays (compressed rows): a function's edge lists
/// cost two allocations rather than two per block.
pub struct EdgeLists {
    /// Block b's ids are `ids[start[b]..start[b + 1]]`.
    start: Vec<u32>,
    ids: Vec<usize>,
}

impl EdgeLists {
    /// Groups `0..keys.len()` by key (each below `size`), ids ascending within a key.
    fn group(keys: impl Iterator<Item = usize> + Clone, size: usize) -> EdgeLists {
        let mut start = vec![0u32; size + 1];
        for k in keys.clone() {
            start[k + 1] += 1;
        }
        for b in 0..size {
            start[b + 1] += start[b];
        }
        let mut next = start.clone();
        let mut ids = vec![0usize; start[size] as usize];
        for (id, k) in keys.enumerate() {
            ids[next[k] as usize] = id;
            next[k] += 1;
        }
        EdgeLists { start, ids }
    }
}

impl std::ops::Index<usize> for EdgeLists {
    type Output = [usize];
    fn index(&self, b: usize) -> &[usize] {
        &self.ids[self.start[b] as usize..self.start[b + 1] as usize]
    }
}

pub struct Flow {
    pub entry: usize,
    /// Block numbers in layout order.
    pub nodes: Vec<usize>,
    pub edges: Vec<Edge>,
    pub out_edges: EdgeLists,
    pub in_edges: EdgeLists,
    pub reachable: Vec<bool>,
    /// Layout position of each block, `usize::MAX` when not in the layout.
    pub layout_index: Vec<usize>,
}

/// Successor blocks of `block`, one per edge, in the order its branch names them. Only a
/// block's last instruction branches in Cranelift, so only that one is read (no allocation).
fn block_successors(func: &Function, block: Block) -> impl Iterator<Item = Block> + '_ {
    let dfg = &func.dfg;
    func.layout
        .last_inst(block)
        .into_iter()
        .flat_map(move |inst| {
            dfg.insts[inst]
                .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
                .iter()
                .map(move |call| call.block(&dfg.value_lists))
        })
}

impl Flow {
    /// None when the function has no blocks.
    pub fn build(func: &Function) -> Option<Flow> {
        let entry = func.layout.entry_block()?.as_u32() as usize;
        let size = func.dfg.num_blocks();
        let nodes: Vec<usize> = func.layout.blocks().map(|b| b.as_u32() as usize).collect();
        let mut layout_index = vec![usize::MAX; size];
        for (i, &n) in nodes.iter().enumerate() {
            layout_index[n] = i;
        }
        let mut edges = Vec::with_capacity(nodes.len() * 2);
        for block in func.layout.blocks() {
            let from = block.as_u32() as usize;
            for (index, to) in block_successors(func, block).enumerate() {
                let to = to.as_u32() as usize;
                edges.push(Edge { from, to, index });
            }
        }
        let out_edges = EdgeLists::group(edges.iter().map(|e| e.from), size);
        // An edge to a block beyond the DFG's (a malformed function, which the caller reports)
        // is in no block's in-list: such edges go under a spare key past the last block.
        let in_edges = EdgeLists::group(edges.iter().map(|e| e.to.min(size)), size + 1);
        // Reachability by a depth-first search from the entry.
        let mut reachable = vec![false; size];
        reachable[entry] = true;
        let mut stack = vec![entry];
        while let Some(n) = stack.pop() {
            for &e in &out_edges[n] {
                let to = edges[e].to;
                if to < size && !reachable[to] {
                    reachable[to] = true;
                    stack.push(to);
                }
            }
        }
        Some(Flow {
            entry,
            nodes,
            edges,
            out_edges,
            in_edges,
            reachable,
            layout_index,
        })
    }

    pub fn successors(&self, n: usize) -> impl Iterator<Item = usize> + '_ {
        self.out_edges[n].iter().map(|&e| self.edges[e].to)
    }
}
