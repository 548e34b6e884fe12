//! Writes a placement back into the function (the TypeScript `applyPlacement`, same order of
//! edits so new values and blocks get the same numbers): in each reachable segment the first
//! constant increment keeps the new amount and the others go; a segment without one gets a new
//! increment at its anchor; each charged edge gets a new block after its source holding the
//! increment and a jump (a try_call edge passing call results takes them as block params).

use super::PlaceError;
use super::flow::Flow;
use super::scan::{IncrementSite, Scan};
use super::solver::Placement;
use crate::fuel_passes::insert_set_pinned_reg;
use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{
    Block, BlockArg, BlockCall, Function, Inst, InstBuilder, InstructionData, Opcode, Value,
    immediates::Imm64,
};

#[derive(Clone, Copy, Debug, Default)]
pub struct Applied {
    pub removed: usize,
    pub changed: usize,
    pub inserted: usize,
    pub split_edges: usize,
}

fn insert_increment(cursor: &mut FuncCursor, amount: i64) {
    let k = cursor.ins().iconst(I64, amount);
    let g = cursor.ins().get_pinned_reg(I64);
    let w = cursor.ins().iadd(g, k);
    insert_set_pinned_reg(cursor, w);
}

struct Editor<'a> {
    func: &'a mut Function,
    uses: Vec<u32>,
    applied: Applied,
}

impl Editor<'_> {
    fn remove(&mut self, inc: &IncrementSite) {
        self.func.layout.remove_inst(inc.set);
        self.func.layout.remove_inst(inc.add);
        self.func.layout.remove_inst(inc.get);
        if let Some(c) = inc.const_inst {
            let value = self.func.dfg.first_result(c).index();
            let left = self.uses[value].saturating_sub(1);
            self.uses[value] = left;
            if left == 0 && self.func.layout.inst_block(c).is_some() {
                self.func.layout.remove_inst(c);
            }
        }
        self.applied.removed += 1;
    }

    fn set_amount(&mut self, inc: &IncrementSite, amount: i64) {
        if inc.amount == Some(amount) {
            return;
        }
        self.applied.changed += 1;
        let Some(c) = inc.const_inst else {
            return;
        };
        let value = self.func.dfg.first_result(c);
        if self.uses[value.index()] == 1 {
            self.func.dfg.insts[c] = InstructionData::UnaryImm {
                opcode: Opcode::Iconst,
                imm: Imm64::new(amount),
            };
            return;
        }
        // The constant is shared: this increment gets its own.
        let fresh = FuncCursor::new(self.func)
            .at_inst(inc.add)
            .ins()
            .iconst(I64, amount);
        let resolved: Vec<Value> = self
            .func
            .dfg
            .inst_args(inc.add)
            .iter()
            .map(|&a| self.func.dfg.resolve_aliases(a))
            .collect();
        for (slot, r) in self
            .func
            .dfg
            .inst_args_mut(inc.add)
            .iter_mut()
            .zip(resolved)
        {
            if r == value {
                *slot = fresh;
            }
        }
        self.uses[value.index()] = self.uses[value.index()].saturating_sub(1);
    }

    fn insert_before(&mut self, anchor: Inst, amount: i64) {
        let mut cursor = FuncCursor::new(self.func).at_inst(anchor);
        insert_increment(&mut cursor, amount);
        self.applied.inserted += 1;
    }
}

/// Branch operands of `block` in edge order: (instruction, destination index).
fn edge_operands(func: &Function, block: Block) -> Vec<(Inst, usize)> {
    let dfg = &func.dfg;
    let mut out = Vec::new();
    for inst in func.layout.block_insts(block) {
        let n = dfg.insts[inst]
            .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
            .len();
        out.extend((0..n).map(|i| (inst, i)));
    }
    out
}

fn split(func: &mut Function, inst: Inst, index: usize, after: Block) -> Result<Block, PlaceError> {
    let dfg = &func.dfg;
    let call = dfg.insts[inst].branch_destination(&dfg.jump_tables, &dfg.exception_tables)[index];
    let target = call.block(&dfg.value_lists);
    let args: Vec<BlockArg> = call.args(&dfg.value_lists).collect();
    let sig = dfg.insts[inst]
        .exception_table()
        .map(|et| dfg.exception_tables[et].signature());
    let fresh = func.dfg.make_block();
    func.layout.insert_block_after(fresh, after);
    let mut passed = Vec::new();
    let mut forwarded = Vec::new();
    for arg in args {
        let ty = match arg {
            BlockArg::Value(_) => {
                forwarded.push(arg);
                continue;
            }
            BlockArg::TryCallRet(i) => sig
                .and_then(|s| func.dfg.signatures[s].returns.get(i as usize))
                .map(|p| p.value_type)
                .ok_or_else(|| PlaceError::new(format!("cannot split the edge to {target}: ret{i} has no type in the call's signature")))?,
            // Exception payloads are pointer-sized: i64 on our 64-bit targets.
            BlockArg::TryCallExn(_) => I64,
        };
        passed.push(arg);
        let param = func.dfg.append_block_param(fresh, ty);
        forwarded.push(BlockArg::Value(param));
    }
    FuncCursor::new(func)
        .at_bottom(fresh)
        .ins()
        .jump(target, &forwarded);
    let new_call = BlockCall::new(fresh, passed, &mut func.dfg.value_lists);
    let dfg = &mut func.dfg;
    dfg.insts[inst].branch_destination_mut(&mut dfg.jump_tables, &mut dfg.exception_tables)
        [index] = new_call;
    Ok(fresh)
}

pub fn apply(
    func: &mut Function,
    flow: &Flow,
    scan: &Scan,
    placement: &Placement,
) -> Result<Applied, PlaceError> {
    // Edge operands first, while they still match the edge ids.
    let mut splits: Vec<(Inst, usize, i64, usize)> = Vec::new();
    let mut operands: std::collections::HashMap<usize, Vec<(Inst, usize)>> =
        std::collections::HashMap::new();
    for (id, e) in flow.edges.iter().enumerate() {
        let amount = placement.edges[id];
        if amount == 0 || !flow.reachable[e.from] {
            continue;
        }
        let list = operands
            .entry(e.from)
            .or_insert_with(|| edge_operands(func, Block::from_u32(e.from as u32)));
        let Some(&(inst, index)) = list.get(e.index) else {
            return Err(PlaceError::new(format!(
                "internal error: edge {id} (block{} -> block{}) has no branch operand",
                e.from, e.to
            )));
        };
        splits.push((inst, index, amount, e.from));
    }
    let uses = scan.uses.clone();
    let mut editor = Editor {
        func,
        uses,
        applied: Applied::default(),
    };
    for &b in &flow.nodes {
        if !flow.reachable[b] {
            continue;
        }
        let Some(block) = scan.blocks[b].as_ref() else {
            continue;
        };
        let first = scan.segment_range(block).start;
        for (i, seg) in scan.segments_of(block).iter().enumerate() {
            let amount = placement.segments.get(first + i).copied().unwrap_or(0);
            let constants = scan.constants_of(seg);
            for inc in constants.iter().skip(1) {
                editor.remove(inc);
            }
            match constants.first() {
                Some(first) if amount == 0 => editor.remove(first),
                Some(first) => editor.set_amount(first, amount),
                None if amount != 0 => editor.insert_before(seg.anchor, amount),
                None => {}
            }
        }
    }
    let mut applied = editor.applied;
    let func = editor.func;
    let mut last_new: std::collections::HashMap<usize, Block> = std::collections::HashMap::new();
    for (inst, index, amount, from) in splits {
        let after = last_new
            .get(&from)
            .copied()
            .unwrap_or(Block::from_u32(from as u32));
        let fresh = split(func, inst, index, after)?;
        last_new.insert(from, fresh);
        let mut cursor = FuncCursor::new(func).at_first_inst(fresh);
        insert_increment(&mut cursor, amount);
        applied.split_edges += 1;
    }
    Ok(applied)
}
