//! Control flow as the TypeScript passes see it (src/passes/flow-graph.ts, analysis/cfg.ts):
//! successors one per edge in branch order, with a `try_call`'s normal return first (Cranelift
//! keeps it last), reachability in depth-first discovery order, and the reverse post-order of
//! the same depth-first search. The orders matter: they fix which call is flushed first and so
//! the numbering of the values the passes create.

use cranelift_codegen::entity::{EntitySet, SecondaryMap};
use cranelift_codegen::ir::{Block, BlockArg, BlockCall, Function, Inst, InstructionData, Value};

/// The destinations of `inst` as `(block, call)`, normal return first for `try_call`; read a
/// call's arguments with `args` / `arg_at`.
pub fn destinations(func: &Function, inst: Inst) -> impl Iterator<Item = (Block, BlockCall)> + '_ {
    let dfg = &func.dfg;
    let data = &dfg.insts[inst];
    let calls = data.branch_destination(&dfg.jump_tables, &dfg.exception_tables);
    let n = calls.len();
    let rotate = matches!(
        data,
        InstructionData::TryCall { .. } | InstructionData::TryCallIndirect { .. }
    );
    (0..n).map(move |d| {
        let call = calls[if rotate { (d + n - 1) % n } else { d }];
        (call.block(&dfg.value_lists), call)
    })
}

/// The `k`th argument of a branch destination, when it is a value.
pub fn arg_at(func: &Function, call: BlockCall, k: usize) -> Option<Value> {
    call.args(&func.dfg.value_lists)
        .nth(k)
        .and_then(|a| a.as_value())
}

/// A branch destination's arguments.
pub fn args(func: &Function, call: BlockCall) -> impl Iterator<Item = BlockArg> + '_ {
    call.args(&func.dfg.value_lists)
}

/// The destination blocks of `inst` in the same order, without their arguments.
pub fn destination_blocks(func: &Function, inst: Inst) -> Vec<Block> {
    let dfg = &func.dfg;
    let data = &dfg.insts[inst];
    let calls = data.branch_destination(&dfg.jump_tables, &dfg.exception_tables);
    let mut out: Vec<Block> = calls.iter().map(|c| c.block(&dfg.value_lists)).collect();
    if matches!(
        data,
        InstructionData::TryCall { .. } | InstructionData::TryCallIndirect { .. }
    ) {
        out.rotate_right(1);
    }
    out
}

/// Successors of `block`, one entry per edge (repeats kept).
pub fn successors(func: &Function, block: Block) -> Vec<Block> {
    let mut out = Vec::new();
    for inst in func.layout.block_insts(block) {
        out.extend(destination_blocks(func, inst));
    }
    out
}

/// Blocks reachable from the entry, in the discovery order of the TypeScript `reachableBlocks`.
pub struct Reachable {
    pub order: Vec<Block>,
    pub set: EntitySet<Block>,
}

pub fn reachable(func: &Function) -> Reachable {
    let mut order = Vec::new();
    let mut set = EntitySet::new();
    let Some(entry) = func.layout.entry_block() else {
        return Reachable { order, set };
    };
    let mut stack = vec![entry];
    set.insert(entry);
    order.push(entry);
    while let Some(b) = stack.pop() {
        for s in successors(func, b) {
            if !set.contains(s) && func.layout.is_block_inserted(s) {
                set.insert(s);
                order.push(s);
                stack.push(s);
            }
        }
    }
    Reachable { order, set }
}

/// Reachable blocks in reverse post-order of a depth-first search from the entry.
pub fn reverse_post_order(func: &Function) -> Vec<Block> {
    let Some(entry) = func.layout.entry_block() else {
        return Vec::new();
    };
    let mut succs: SecondaryMap<Block, Vec<Block>> = SecondaryMap::new();
    for b in func.layout.blocks() {
        succs[b] = successors(func, b);
    }
    let mut visited = EntitySet::new();
    let mut post = Vec::new();
    let mut stack: Vec<(Block, usize)> = vec![(entry, 0)];
    visited.insert(entry);
    while let Some(top) = stack.last_mut() {
        let (node, next) = *top;
        if next < succs[node].len() {
            top.1 += 1;
            let s = succs[node][next];
            if !visited.contains(s) {
                visited.insert(s);
                stack.push((s, 0));
            }
        } else {
            post.push(node);
            stack.pop();
        }
    }
    post.reverse();
    post
}

/// The values `inst` reads: its arguments, then its branch arguments (aliases resolved).
pub fn inst_values(func: &Function, inst: Inst) -> impl Iterator<Item = Value> + '_ {
    func.dfg
        .inst_values(inst)
        .map(|v| func.dfg.resolve_aliases(v))
}
