//! Control flow as the TypeScript passes see it (src/passes/flow-graph.ts, analysis/cfg.ts):
//! successors one per edge in branch order, with a `try_call`'s normal return first (Cranelift
//! keeps it last), reachability in depth-first discovery order, and the reverse post-order of
//! the same depth-first search. The orders matter: they fix which call is flushed first and so
//! the numbering of the values the passes create.

use cranelift_codegen::entity::EntitySet;
use cranelift_codegen::ir::{
    Block, BlockArg, BlockCall, ExceptionTableItem, Function, Inst, InstructionData, Value,
};

use super::aliases::Aliases;

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

/// Successors of `block`, one entry per edge (repeats kept), in [`destinations`] order. Only a
/// block's last instruction branches in Cranelift (as its own `ControlFlowGraph` assumes), so
/// only that one is read; nothing is allocated.
pub fn successors(func: &Function, block: Block) -> impl Iterator<Item = Block> + '_ {
    func.layout
        .last_inst(block)
        .into_iter()
        .flat_map(move |inst| destinations(func, inst).map(|(b, _)| b))
}

/// A block's edges for an indexed walk: its last instruction and how many edges it has.
fn edges_of(func: &Function, block: Block) -> (Option<Inst>, usize) {
    let last = func.layout.last_inst(block);
    let count = last.map_or(0, |inst| {
        let dfg = &func.dfg;
        dfg.insts[inst]
            .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
            .len()
    });
    (last, count)
}

/// The `k`th destination block of `inst` in [`destinations`] order, read without walking the others.
fn destination_at(func: &Function, inst: Inst, k: usize) -> Block {
    let dfg = &func.dfg;
    let data = &dfg.insts[inst];
    let calls = data.branch_destination(&dfg.jump_tables, &dfg.exception_tables);
    let n = calls.len();
    let rotate = matches!(
        data,
        InstructionData::TryCall { .. } | InstructionData::TryCallIndirect { .. }
    );
    calls[if rotate { (k + n - 1) % n } else { k }].block(&dfg.value_lists)
}

/// Blocks reachable from the entry, in the discovery order of the TypeScript `reachableBlocks`.
pub struct Reachable {
    pub order: Vec<Block>,
    pub set: EntitySet<Block>,
}

pub fn reachable(func: &Function) -> Reachable {
    let blocks = func.dfg.num_blocks();
    let mut order = Vec::with_capacity(blocks);
    let mut set = EntitySet::with_capacity(blocks);
    let Some(entry) = func.layout.entry_block() else {
        return Reachable { order, set };
    };
    let mut stack = Vec::with_capacity(blocks);
    stack.push(entry);
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
    let blocks = func.dfg.num_blocks();
    let mut visited = EntitySet::with_capacity(blocks);
    let mut post = Vec::with_capacity(blocks);
    // (block, its last instruction, next edge to follow, edge count)
    let push = |b: Block| {
        let (last, count) = edges_of(func, b);
        (b, last, 0usize, count)
    };
    let mut stack = Vec::with_capacity(blocks);
    stack.push(push(entry));
    visited.insert(entry);
    while let Some(top) = stack.last_mut() {
        match (top.1, top.2 < top.3) {
            (Some(last), true) => {
                let s = destination_at(func, last, top.2);
                top.2 += 1;
                if !visited.contains(s) {
                    visited.insert(s);
                    stack.push(push(s));
                }
            }
            _ => {
                post.push(top.0);
                stack.pop();
            }
        }
    }
    post.reverse();
    post
}

/// The arguments of the formats most instructions have, read in place (Cranelift's
/// `inst_args` is a call with a match over every format); None for the other formats, which
/// include every branch and call. None of these formats branches or has an exception table.
#[inline]
pub(super) fn plain_args(data: &InstructionData) -> Option<&[Value]> {
    match data {
        InstructionData::Binary { args, .. }
        | InstructionData::IntCompare { args, .. }
        | InstructionData::FloatCompare { args, .. }
        | InstructionData::Store { args, .. } => Some(args),
        InstructionData::Unary { arg, .. } | InstructionData::Load { arg, .. } => {
            Some(std::slice::from_ref(arg))
        }
        InstructionData::Ternary { args, .. } => Some(args),
        InstructionData::UnaryImm { .. } | InstructionData::NullAry { .. } => Some(&[]),
        _ => None,
    }
}

/// `func.dfg.inst_args(inst)`, the common formats read in place (see [`plain_args`]).
#[inline]
pub fn inst_args(func: &Function, inst: Inst) -> &[Value] {
    let dfg = &func.dfg;
    plain_args(&dfg.insts[inst]).unwrap_or_else(|| dfg.inst_args(inst))
}

/// Calls `f` on each value `inst` reads, as Cranelift's `inst_values` yields them (its
/// arguments, its branch arguments in destination order, then an exception table's context
/// values), aliases not resolved: the same values without the chained iterators, for the walks
/// that count every read of a function.
#[inline]
pub fn each_read(func: &Function, inst: Inst, mut f: impl FnMut(Value)) {
    let dfg = &func.dfg;
    // The formats most instructions have neither branch nor carry an exception table.
    if let Some(args) = plain_args(&dfg.insts[inst]) {
        for &v in args {
            f(v);
        }
        return;
    }
    for &v in dfg.inst_args(inst) {
        f(v);
    }
    let data = &dfg.insts[inst];
    for call in data.branch_destination(&dfg.jump_tables, &dfg.exception_tables) {
        for a in call.args(&dfg.value_lists) {
            if let Some(v) = a.as_value() {
                f(v);
            }
        }
    }
    if let Some(et) = data.exception_table() {
        for item in dfg.exception_tables[et].items() {
            if let ExceptionTableItem::Context(v) = item {
                f(v);
            }
        }
    }
}

/// The values `inst` reads: its arguments, then its branch arguments (aliases resolved).
pub fn inst_values(
    func: &Function,
    aliases: Aliases,
    inst: Inst,
) -> impl Iterator<Item = Value> + '_ {
    func.dfg
        .inst_values(inst)
        .map(move |v| aliases.resolve(func, v))
}

#[cfg(test)]
mod tests {
    use super::{each_read, inst_args};

    /// `each_read` visits what Cranelift's `inst_values` yields, in its order, and `inst_args`
    /// reads what Cranelift's does, on every instruction of fixtures with `br_table`s, `brif`s
    /// with arguments, and `try_call`s whose exception tables carry a context value.
    #[test]
    fn each_read_is_inst_values() {
        let mut seen = 0;
        for name in [
            "ir/control.clif",
            "ir/trycall.clif",
            "ir/calls.clif",
            "ir/many.clif",
            "fuel/br-table-2026.clif",
            "fuel/nested-loops-2026-opt.clif",
            "fuel/calls-2026.clif",
        ] {
            for func in &crate::fuel_passes::fixture_functions(name) {
                for block in func.layout.blocks() {
                    for inst in func.layout.block_insts(block) {
                        let mut visited = Vec::new();
                        each_read(func, inst, |v| visited.push(v));
                        let expected: Vec<_> = func.dfg.inst_values(inst).collect();
                        assert_eq!(visited, expected, "{name}: {}", func.dfg.display_inst(inst));
                        assert_eq!(
                            inst_args(func, inst),
                            func.dfg.inst_args(inst),
                            "{name}: {}",
                            func.dfg.display_inst(inst)
                        );
                        seen += expected.len();
                    }
                }
            }
        }
        assert!(seen > 150, "only {seen} reads compared");
    }
}
