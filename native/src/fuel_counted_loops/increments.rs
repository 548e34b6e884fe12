//! The increments of the pinned form (the TypeScript `findPinnedIncrements`): a
//! `set_pinned_reg` of `iadd g, k` or `iadd k, g` where g is a `get_pinned_reg`, k an `iconst`
//! (a constant increment) or any other value (a run-time one).

use cranelift_codegen::ir::{Block, Function, Inst, InstructionData, Opcode, Value, ValueDef};

#[derive(Clone, Copy, Debug)]
pub struct PinnedIncrement {
    /// The block of the add.
    pub block: Block,
    pub get: Inst,
    pub add: Inst,
    pub set: Inst,
    /// The `iconst` holding the amount, if any.
    pub const_inst: Option<Inst>,
    /// The amount, None when it is a run-time value.
    pub amount: Option<i64>,
}

/// The instruction defining `v` (through aliases), if an instruction defines it.
pub fn defining_inst(func: &Function, v: Value) -> Option<Inst> {
    match func.dfg.value_def(func.dfg.resolve_aliases(v)) {
        ValueDef::Result(inst, _) => Some(inst),
        _ => None,
    }
}

/// The `iconst` defining `v` and its immediate as a signed 64-bit value.
pub fn constant_def(func: &Function, v: Value) -> Option<(Inst, i64)> {
    let inst = defining_inst(func, v)?;
    match func.dfg.insts[inst] {
        InstructionData::UnaryImm {
            opcode: Opcode::Iconst,
            imm,
        } => Some((inst, imm.bits())),
        _ => None,
    }
}

fn is_pinned_read(func: &Function, v: Value) -> bool {
    defining_inst(func, v).is_some_and(|i| func.dfg.insts[i].opcode() == Opcode::GetPinnedReg)
}

/// The increment that `set` ends, if it is one.
fn increment_at(func: &Function, set: Inst) -> Option<PinnedIncrement> {
    let InstructionData::Unary {
        opcode: Opcode::SetPinnedReg,
        arg,
    } = func.dfg.insts[set]
    else {
        return None;
    };
    let add = defining_inst(func, arg)?;
    let block = func.layout.inst_block(add)?;
    let InstructionData::Binary {
        opcode: Opcode::Iadd,
        args: [a, b],
    } = func.dfg.insts[add]
    else {
        return None;
    };
    let (counter, other) = match (is_pinned_read(func, a), is_pinned_read(func, b)) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        _ => return None,
    };
    let get = defining_inst(func, counter)?;
    let constant = constant_def(func, other);
    Some(PinnedIncrement {
        block,
        get,
        add,
        set,
        const_inst: constant.map(|c| c.0),
        amount: constant.map(|c| c.1),
    })
}

/// The increments of `func` in layout order of their `set_pinned_reg`.
pub fn pinned_increments(func: &Function) -> Vec<PinnedIncrement> {
    let mut out = Vec::new();
    for b in func.layout.blocks() {
        for inst in func.layout.block_insts(b) {
            if let Some(inc) = increment_at(func, inst) {
                out.push(inc);
            }
        }
    }
    out
}
