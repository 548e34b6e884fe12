//! Reads a function in pinned form (after fuel-pinned) into segments (the TypeScript
//! `scanPinned`): per block, the constant and dynamic increments between observation
//! boundaries (calls, and conditional traps when observed), and where a new increment goes.
//! Pinned-register accesses other than increments are the flushes (`get_pinned_reg` stored
//! for a callee) and reloads (`set_pinned_reg` after a call); inside a segment they must come
//! as reloads, then increments, then flushes, or the function is refused.

use super::PlaceError;
use super::flow::Flow;
use crate::fuel_passes::{Aliases, UseCounts};
use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{Block, Function, Inst, InstructionData, Opcode, Value, ValueDef};
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Boundary {
    Call,
    Trap,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockEnd {
    Return,
    Trap,
    Branch,
    CallBranch,
}

/// `get_pinned_reg → iadd/iadd_imm → set_pinned_reg`, movable as one unit.
#[derive(Clone, Copy, Debug)]
pub struct IncrementSite {
    pub get: Inst,
    pub add: Inst,
    pub set: Inst,
    /// The `iconst` of the amount (`iadd` form).
    pub const_inst: Option<Inst>,
    /// None for a run-time valued increment.
    pub amount: Option<i64>,
}

pub struct Segment {
    /// Sum of the constant increments (exact).
    pub cost: i128,
    /// Its constant increments: `Scan::constants_of`.
    constants: Range<u32>,
    /// Run-time valued increments (they stay where they are).
    #[allow(dead_code)]
    pub dynamics: usize,
    /// A new increment goes right before this instruction.
    pub anchor: Inst,
}

/// A block's segments and the boundaries between them (`Scan::segments_of`,
/// `Scan::boundaries_of`): every block's are in one array of the scan, as a function has
/// thousands of blocks.
pub struct ScannedBlock {
    segments: Range<u32>,
    boundaries: Range<u32>,
    pub end: BlockEnd,
}

pub struct Scan {
    /// By block number; None for blocks not in the layout.
    pub blocks: Vec<Option<ScannedBlock>>,
    segments: Vec<Segment>,
    constants: Vec<IncrementSite>,
    boundaries: Vec<Boundary>,
    pub uses_pinned_register: bool,
    /// Use counts by (alias-resolved) value.
    pub uses: Vec<u32>,
}

impl Scan {
    pub fn segments_of(&self, block: &ScannedBlock) -> &[Segment] {
        &self.segments[self.segment_range(block)]
    }

    /// Where `block`'s segments are among all of them (the numbering a placement uses).
    pub fn segment_range(&self, block: &ScannedBlock) -> Range<usize> {
        range(&block.segments)
    }

    /// The boundary after each segment but the last.
    pub fn boundaries_of(&self, block: &ScannedBlock) -> &[Boundary] {
        &self.boundaries[range(&block.boundaries)]
    }

    pub fn constants_of(&self, segment: &Segment) -> &[IncrementSite] {
        &self.constants[range(&segment.constants)]
    }

    /// The segments and the boundaries between them, in all blocks.
    pub fn counts(&self) -> (usize, usize) {
        (self.segments.len(), self.boundaries.len())
    }
}

fn range(r: &Range<u32>) -> Range<usize> {
    r.start as usize..r.end as usize
}

/// The end of `list` as an index of the scan's arrays (which stay far below 2^32 entries: at
/// most one per instruction).
fn end_of<T>(list: &[T]) -> u32 {
    u32::try_from(list.len()).unwrap_or(u32::MAX)
}

/// The scan's arrays as they fill, and the segment being read: its constant increments are
/// those from `open_from` on.
#[derive(Default)]
struct Filling {
    segments: Vec<Segment>,
    constants: Vec<IncrementSite>,
    boundaries: Vec<Boundary>,
    open_from: u32,
    /// The open segment's run-time valued increments.
    dynamics: usize,
}

impl Filling {
    /// Ends the open segment. A new increment goes before its first constant increment, or
    /// before `anchor` when it has none.
    fn close(&mut self, anchor: Inst) {
        let constants = self.open_from..end_of(&self.constants);
        let own = &self.constants[range(&constants)];
        let cost = own.iter().map(|c| i128::from(c.amount.unwrap_or(0))).sum();
        let anchor = own.first().map_or(anchor, |c| c.get);
        self.segments.push(Segment {
            cost,
            constants,
            dynamics: std::mem::take(&mut self.dynamics),
            anchor,
        });
        self.open_from = end_of(&self.constants);
    }
}

fn is_pinned_access(op: Opcode) -> bool {
    op == Opcode::GetPinnedReg || op == Opcode::SetPinnedReg
}

fn is_conditional_trap(op: Opcode) -> bool {
    matches!(op, Opcode::Trapz | Opcode::Trapnz)
}

/// `value_def` follows aliases.
fn defining_inst(func: &Function, v: Value) -> Option<Inst> {
    match func.dfg.value_def(v) {
        ValueDef::Result(inst, _) => Some(inst),
        _ => None,
    }
}

/// The increment `set` ends, if its value is a pinned read plus an amount.
fn pinned_increment_at(func: &Function, set: Inst) -> Option<IncrementSite> {
    let dfg = &func.dfg;
    if dfg.insts[set].opcode() != Opcode::SetPinnedReg {
        return None;
    }
    let arg = *dfg.inst_args(set).first()?;
    let add = defining_inst(func, arg)?;
    func.layout.inst_block(add)?;
    match dfg.insts[add] {
        InstructionData::Binary {
            opcode: Opcode::Iadd,
            args: [a, b],
        } => {
            // Each operand's definition, looked up once.
            let (da, db) = (defining_inst(func, a), defining_inst(func, b));
            let reads =
                |d: Option<Inst>| d.is_some_and(|i| dfg.insts[i].opcode() == Opcode::GetPinnedReg);
            let (fa, fb) = (reads(da), reads(db));
            if fa == fb {
                return None;
            }
            let (get, other) = if fa { (da?, db) } else { (db?, da) };
            let constant = other.and_then(|c| match dfg.insts[c] {
                InstructionData::UnaryImm {
                    opcode: Opcode::Iconst,
                    imm,
                } => Some((c, imm.bits())),
                _ => None,
            });
            Some(IncrementSite {
                get,
                add,
                set,
                const_inst: constant.map(|(c, _)| c),
                amount: constant.map(|(_, k)| k),
            })
        }
        _ => None,
    }
}

/// The increment ending at `set`, when it can move as a unit: one block, single uses, nothing
/// touching the counter, calling or trapping between its read and its write.
fn increment_at(
    func: &Function,
    aliases: Aliases,
    set: Inst,
    uses: &[u32],
) -> Option<IncrementSite> {
    let inc = pinned_increment_at(func, set)?;
    let block = func.layout.inst_block(set);
    if func.layout.inst_block(inc.add) != block || func.layout.inst_block(inc.get) != block {
        return None;
    }
    let dfg = &func.dfg;
    let single = |v: Value| uses.get(aliases.resolve(func, v).index()).copied() == Some(1);
    if !single(dfg.inst_args(set)[0]) || !single(dfg.first_result(inc.get)) {
        return None;
    }
    let mut at = func.layout.next_inst(inc.get);
    while let Some(i) = at {
        if i == set {
            break;
        }
        let op = dfg.insts[i].opcode();
        if is_pinned_access(op) || op.is_call() || is_conditional_trap(op) {
            return None;
        }
        at = func.layout.next_inst(i);
    }
    Some(inc)
}

fn inst_name(func: &Function, inst: Inst) -> String {
    match func.layout.inst_block(inst) {
        Some(b) => format!("{inst} in {b} (`{}`)", func.dfg.display_inst(inst)),
        None => format!("{inst}"),
    }
}

/// The error `inc` is when it adds a negative constant.
fn negative(func: &Function, inc: &IncrementSite) -> Option<PlaceError> {
    let k = inc.amount.filter(|&k| k < 0)?;
    Some(PlaceError::new(format!(
        "negative fuel increment {k} at {}",
        inst_name(func, inc.add)
    )))
}

/// The first increment of `block` adding a negative constant, as the error it is.
fn negative_increment(
    func: &Function,
    aliases: Aliases,
    block: Block,
    uses: &[u32],
) -> Option<PlaceError> {
    func.layout
        .block_insts(block)
        .filter(|&i| func.dfg.insts[i].opcode() == Opcode::SetPinnedReg)
        .filter_map(|i| increment_at(func, aliases, i, uses))
        .find_map(|inc| negative(func, &inc))
}

/// One walk over each block. An increment is recognized at its `set_pinned_reg`, after its read
/// and its add, which the walk passes over as it would any instruction: the read has one use,
/// the add, so it is no flush. A block's negative increment is reported before any other fault
/// of the block (as a first walk finding the increments would).
pub fn scan_pinned(
    func: &Function,
    flow: &Flow,
    observe_traps: bool,
    aliases: Aliases,
    counts: UseCounts,
) -> Result<Scan, PlaceError> {
    let dfg = &func.dfg;
    let UseCounts { uses, stored, .. } = counts;
    let mut blocks: Vec<Option<ScannedBlock>> = (0..dfg.num_blocks()).map(|_| None).collect();
    let mut uses_pinned_register = false;
    // Sized for the front end's code, where a block has about one increment and one segment,
    // and about one instruction in 50 is a call that starts another (room for one in 32).
    let expected = dfg.num_blocks() + dfg.num_insts() / 32;
    let mut fill = Filling {
        segments: Vec::with_capacity(expected),
        constants: Vec::with_capacity(expected),
        boundaries: Vec::with_capacity(dfg.num_insts() / 32),
        ..Filling::default()
    };
    let fault = |block: Block, message: String| {
        negative_increment(func, aliases, block, &uses).unwrap_or_else(|| PlaceError::new(message))
    };
    for block in func.layout.blocks() {
        let Some(first) = func.layout.first_inst(block) else {
            return Err(PlaceError::new(format!("{block} has no instructions")));
        };
        let first_segment = end_of(&fill.segments);
        let first_boundary = end_of(&fill.boundaries);
        let mut anchor = first;
        let mut saw_increment: Option<Inst> = None;
        let mut saw_flush: Option<Inst> = None;
        for i in func.layout.block_insts(block) {
            let op = dfg.insts[i].opcode();
            if is_pinned_access(op) {
                uses_pinned_register = true;
            }
            let next = func.layout.next_inst(i);
            if op == Opcode::SetPinnedReg {
                if let Some(inc) = increment_at(func, aliases, i, &uses) {
                    if let Some(e) = negative(func, &inc) {
                        return Err(e);
                    }
                    if let Some(flush) = saw_flush {
                        return Err(fault(
                            block,
                            format!(
                                "the counter is read at {} before the increment at {} with no call in between",
                                inst_name(func, flush),
                                inst_name(func, inc.add)
                            ),
                        ));
                    }
                    saw_increment.get_or_insert(inc.get);
                    if inc.amount.is_some() {
                        fill.constants.push(inc);
                    } else {
                        fill.dynamics += 1;
                    }
                    continue;
                }
                if let Some(earlier) = saw_increment.or(saw_flush) {
                    return Err(fault(
                        block,
                        format!(
                            "{} overwrites the counter after {} with no call in between; run fuel-pinned first",
                            inst_name(func, i),
                            inst_name(func, earlier)
                        ),
                    ));
                }
                if let Some(next) = next {
                    anchor = next;
                }
                continue;
            }
            if op == Opcode::GetPinnedReg {
                if stored[dfg.first_result(i).index()] > 0 {
                    saw_flush.get_or_insert(i);
                }
                continue;
            }
            let is_call = op.is_call() && !op.is_terminator() && !op.is_return();
            let observed_trap = observe_traps && is_conditional_trap(op);
            if let Some(next) = next.filter(|_| is_call || observed_trap) {
                fill.boundaries.push(if is_call {
                    Boundary::Call
                } else {
                    Boundary::Trap
                });
                fill.close(anchor);
                anchor = next;
                saw_increment = None;
                saw_flush = None;
            }
        }
        fill.close(anchor);
        let b = block.as_u32() as usize;
        let last_op = func.layout.last_inst(block).map(|l| dfg.insts[l].opcode());
        let end = if flow.out_edges[b].is_empty() {
            if last_op == Some(Opcode::Trap) {
                BlockEnd::Trap
            } else {
                BlockEnd::Return
            }
        } else if matches!(last_op, Some(Opcode::TryCall | Opcode::TryCallIndirect)) {
            BlockEnd::CallBranch
        } else {
            BlockEnd::Branch
        };
        blocks[b] = Some(ScannedBlock {
            segments: first_segment..end_of(&fill.segments),
            boundaries: first_boundary..end_of(&fill.boundaries),
            end,
        });
    }
    Ok(Scan {
        blocks,
        segments: fill.segments,
        constants: fill.constants,
        boundaries: fill.boundaries,
        uses_pinned_register,
        uses,
    })
}
