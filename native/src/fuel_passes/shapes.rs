//! The instruction shapes of the fuel web (src/passes/fuel/web/shapes.ts): an increment
//! `iadd F, k` / `iadd k, F` (Cranelift 0.135 has no `iadd_imm`), where F carries the counter and k is an
//! `iconst`, an immediate or a run-time value; and reads of the pinned register.

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::{Function, Inst, InstructionData, Opcode, Value};

use super::aliases::Aliases;
use super::cleanup::defining_inst;

/// An addition to the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterAdd {
    /// Index of the counter operand in the instruction's arguments.
    pub counter_operand: usize,
    pub counter: Value,
    /// The constant added, or None for a run-time amount.
    pub amount: Option<i64>,
}

/// Why arithmetic on the counter is not an increment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddMatch {
    None,
    Add(CounterAdd),
    AddsTwoCounters,
}

/// The signed value of the `iconst` defining `v`, if it is one.
pub fn constant_def(func: &Function, v: Value) -> Option<i64> {
    let inst = defining_inst(func, v)?;
    match func.dfg.insts[inst] {
        InstructionData::UnaryImm {
            opcode: Opcode::Iconst,
            imm,
        } => Some(imm.bits()),
        _ => None,
    }
}

/// `inst` as an addition to the counter, given which values carry it. Inlined, as the web's
/// walks ask it of every instruction and most are not additions.
#[inline]
pub fn match_counter_add(
    func: &Function,
    aliases: Aliases,
    inst: Inst,
    is_counter: impl Fn(Value) -> bool,
) -> AddMatch {
    let dfg = &func.dfg;
    match dfg.insts[inst] {
        InstructionData::Binary {
            opcode: Opcode::Iadd,
            args: [a, b],
        } => {
            let fa = is_counter(aliases.resolve(func, a));
            let fb = is_counter(aliases.resolve(func, b));
            match (fa, fb) {
                (false, false) => AddMatch::None,
                (true, true) => AddMatch::AddsTwoCounters,
                _ => {
                    let (k, counter, other) = if fa { (0, a, b) } else { (1, b, a) };
                    AddMatch::Add(CounterAdd {
                        counter_operand: k,
                        counter,
                        amount: constant_def(func, other),
                    })
                }
            }
        }
        _ => AddMatch::None,
    }
}

/// True when `v` is a read of the pinned register.
pub fn is_pinned_read(func: &Function, v: Value) -> bool {
    defining_inst(func, v).is_some_and(|i| func.dfg.insts[i].opcode() == Opcode::GetPinnedReg)
}

/// True when the function reads the pinned register anywhere (it is in the pinned form).
pub fn reads_pinned_register(func: &Function) -> bool {
    func.layout.blocks().any(|b| {
        func.layout
            .block_insts(b)
            .any(|i| func.dfg.insts[i].opcode() == Opcode::GetPinnedReg)
    })
}

/// Inserts `set_pinned_reg value` at `cursor`: the instruction `InstBuilder::set_pinned_reg`
/// makes, without the builder's result-type decoding (a third of the insertion's cost, for an
/// instruction that has no result).
pub fn insert_set_pinned_reg(cursor: &mut FuncCursor, value: Value) -> Inst {
    let inst = cursor.func.dfg.make_inst(InstructionData::Unary {
        opcode: Opcode::SetPinnedReg,
        arg: value,
    });
    cursor.insert_inst(inst);
    inst
}
