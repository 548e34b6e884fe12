//! A fuel check (src/passes/fuel/web/checks.ts): a compare of the counter with zero
//! (`icmp sge F, 0`, `icmp sle 0, F`, or their `slt`/`sgt` inversions),
//! whose result only feeds a `brif` to an out-of-gas path that calls the builtin and comes back
//! to the continuation. The legacy shapes the TypeScript also reads (`icmp_imm`, `ifcmp`, one-target
//! branches) no longer exist in Cranelift 0.135, so its reader cannot produce them.

use cranelift_codegen::entity::{EntitySet, SecondaryMap};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{Block, Function, Inst, InstructionData, Opcode, Value};

use super::aliases::Aliases;
use super::graph::{Reachable, inst_values, reachable, successors};
use super::shapes::is_pinned_read;
use super::use_counts::UseCounts;

#[derive(Debug, Clone)]
pub struct FuelCheck {
    pub compare: Inst,
    /// The counter value compared.
    pub fuel: Value,
    pub branch: Inst,
    pub continuation: Block,
    /// Every block of the out-of-gas path.
    pub path: Vec<Block>,
}

/// The compare part of a check.
#[derive(Debug, Clone, Copy)]
pub struct FuelCompare {
    pub fuel: Value,
    /// The result is true when fuel remains, so the taken edge is the continuation.
    pub inverted: bool,
}

fn is_zero(func: &Function, v: Value) -> bool {
    match func.dfg.value_def(v).inst() {
        Some(i) => {
            matches!(func.dfg.insts[i], InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } if imm.bits() == 0)
        }
        None => false,
    }
}

/// Matches a compare of a counter value with zero.
pub fn match_fuel_compare(
    func: &Function,
    aliases: Aliases,
    inst: Inst,
    is_fuel: &dyn Fn(Value) -> bool,
) -> Option<FuelCompare> {
    let dfg = &func.dfg;
    match dfg.insts[inst] {
        InstructionData::IntCompare {
            opcode: Opcode::Icmp,
            cond,
            args: [a, b],
        } => {
            let (ra, rb) = (aliases.resolve(func, a), aliases.resolve(func, b));
            if is_fuel(ra)
                && is_zero(func, rb)
                && matches!(
                    cond,
                    IntCC::SignedGreaterThanOrEqual | IntCC::SignedLessThan
                )
            {
                return Some(FuelCompare {
                    fuel: ra,
                    inverted: cond == IntCC::SignedLessThan,
                });
            }
            if is_fuel(rb)
                && is_zero(func, ra)
                && matches!(
                    cond,
                    IntCC::SignedLessThanOrEqual | IntCC::SignedGreaterThan
                )
            {
                return Some(FuelCompare {
                    fuel: rb,
                    inverted: cond == IntCC::SignedGreaterThan,
                });
            }
            None
        }
        _ => None,
    }
}

/// Facts every check recognition needs, gathered in one walk over the reachable blocks: how
/// many times each value is read (an instruction reading it twice counts twice; the rare
/// question of distinct users is answered by a search), and how many edges enter each block.
/// A check's compare has one user, normally its block's branch, so the users themselves are
/// found where needed. The fuel web counts while it classifies the instructions (one walk for
/// both).
pub struct CheckContext {
    aliases: Aliases,
    live: EntitySet<Block>,
    /// Reads of each value (and the rest a use count holds), by value number.
    counts: UseCounts,
    preds: SecondaryMap<Block, u32>,
}

impl CheckContext {
    /// Edges counted, uses not yet: [`CheckContext::count_uses`] each reachable instruction.
    pub fn with_edges(func: &Function, aliases: Aliases, live: &EntitySet<Block>) -> Self {
        let mut preds: SecondaryMap<Block, u32> = SecondaryMap::new();
        preds.resize(func.dfg.num_blocks());
        for b in func.layout.blocks().filter(|b| live.contains(*b)) {
            for s in successors(func, b) {
                preds[s] += 1;
            }
        }
        CheckContext {
            aliases,
            live: live.clone(),
            counts: UseCounts::empty(func),
            preds,
        }
    }

    /// Counts what `inst` reads (and stores and names).
    pub fn count_uses(&mut self, func: &Function, inst: Inst) {
        self.counts.add(func, self.aliases, inst);
    }

    /// `count_uses`, and whether one of `inst`'s arguments (not its branch arguments) is a
    /// value `asked` holds.
    #[inline]
    pub fn count_uses_asking(
        &mut self,
        func: &Function,
        inst: Inst,
        asked: impl Fn(Value) -> bool,
    ) -> bool {
        self.counts.add_asking(func, self.aliases, inst, asked)
    }

    /// How many times `v` is read.
    fn reads(&self, v: Value) -> u32 {
        self.counts.reads(v)
    }

    /// The counts, for the passes that edit the function next (see [`UseCounts`]).
    pub fn into_counts(self) -> UseCounts {
        self.counts
    }

    /// The instructions that read `v`, in layout order (a walk: used on the rare paths only).
    fn users_of(&self, func: &Function, v: Value) -> Vec<Inst> {
        let mut out = Vec::new();
        for b in func.layout.blocks().filter(|b| self.live.contains(*b)) {
            out.extend(
                func.layout
                    .block_insts(b)
                    .filter(|&i| inst_values(func, self.aliases, i).any(|x| x == v)),
            );
        }
        out
    }

    /// The only user of `v` when it has exactly one; the count otherwise.
    fn single_user(&self, func: &Function, v: Value, near: Block) -> Result<Inst, u32> {
        match self.reads(v) {
            0 => Err(0),
            1 => {
                let last = func.layout.last_inst(near);
                match last.filter(|&i| inst_values(func, self.aliases, i).any(|x| x == v)) {
                    Some(i) => Ok(i),
                    None => self.users_of(func, v).first().copied().ok_or(0),
                }
            }
            // Read more than once: by one instruction several times, or by several.
            _ => match self.users_of(func, v).as_slice() {
                [only] => Ok(*only),
                users => Err(u32::try_from(users.len()).unwrap_or(u32::MAX)),
            },
        }
    }
}

/// The check context of the reachable blocks `live`.
pub fn check_context(func: &Function, live: &EntitySet<Block>) -> CheckContext {
    let mut ctx = CheckContext::with_edges(func, Aliases::of(func), live);
    for b in func.layout.blocks().filter(|b| live.contains(*b)) {
        for i in func.layout.block_insts(b) {
            ctx.count_uses(func, i);
        }
    }
    ctx
}

const MAX_PATH_BLOCKS: usize = 32;

/// Recognizes the check made by `compare`, or explains why it is not one.
pub fn recognize_check(
    func: &Function,
    compare: Inst,
    m: FuelCompare,
    ctx: &CheckContext,
) -> Result<FuelCheck, String> {
    let dfg = &func.dfg;
    let Some(&result) = dfg.inst_results(compare).first() else {
        return Err("the compare has no result".into());
    };
    let near = func
        .layout
        .inst_block(compare)
        .ok_or("the compare is not in the layout")?;
    let branch = ctx
        .single_user(func, result, near)
        .map_err(|n| format!("its result {result} has {n} users; a check branches on it once"))?;
    let block = func
        .layout
        .inst_block(branch)
        .ok_or("the branch is not in the layout")?;
    let (out_of_gas, continuation) = match dfg.insts[branch] {
        InstructionData::Brif {
            opcode: Opcode::Brif,
            arg,
            blocks,
        } => {
            if arg != result {
                return Err("the branch does not test the compare".into());
            }
            let then_block = blocks[0].block(&dfg.value_lists);
            let else_block = blocks[1].block(&dfg.value_lists);
            if m.inverted {
                (else_block, then_block)
            } else {
                (then_block, else_block)
            }
        }
        ref other => {
            return Err(format!(
                "its result feeds `{}`, not a conditional branch",
                other.opcode()
            ));
        }
    };
    let path = out_of_gas_path(func, block, out_of_gas, continuation, ctx)?;
    Ok(FuelCheck {
        compare,
        fuel: m.fuel,
        branch,
        continuation,
        path,
    })
}

/// The out-of-gas region: entered once from `from`, leaving only to `continuation`, with a call.
fn out_of_gas_path(
    func: &Function,
    from: Block,
    oog: Block,
    continuation: Block,
    ctx: &CheckContext,
) -> Result<Vec<Block>, String> {
    let entry = func.layout.entry_block();
    if oog == continuation {
        return Err("both edges of the branch go to the same block".into());
    }
    // At most MAX_PATH_BLOCKS + 1 blocks: lists searched linearly, not tables sized by the
    // function's blocks (which would cost every check the whole function).
    let mut region = vec![oog];
    let mut i = 0;
    while i < region.len() {
        let b = region[i];
        if Some(b) == entry || b == from {
            return Err(format!("{oog} leads back to the check"));
        }
        if region.len() > MAX_PATH_BLOCKS {
            return Err(format!(
                "the path from {oog} is too large for an out-of-gas path"
            ));
        }
        for s in successors(func, b) {
            if s == continuation || region.contains(&s) {
                continue;
            }
            region.push(s);
        }
        i += 1;
    }
    let oog_preds = ctx.preds[oog];
    if oog_preds != 1 {
        return Err(format!(
            "{oog} has {oog_preds} incoming edges; an out-of-gas block is entered only from its check"
        ));
    }
    // Edges into a region block from inside the region; all others come from outside.
    let inner = |b: Block| -> u32 {
        region
            .iter()
            .map(|&r| successors(func, r).filter(|&s| s == b).count() as u32)
            .sum()
    };
    let mut calls = 0;
    for &b in &region {
        if b != oog && inner(b) != ctx.preds[b] {
            return Err(format!(
                "{b} on the out-of-gas path is also entered from elsewhere"
            ));
        }
        for inst in func.layout.block_insts(b) {
            let op = func.dfg.insts[inst].opcode();
            if op.is_return() {
                return Err(format!("{b} on the out-of-gas path returns"));
            }
            if op.is_call() {
                calls += 1;
            }
        }
    }
    if calls == 0 {
        return Err(format!(
            "the path from {oog} calls nothing; an out-of-gas path calls the builtin"
        ));
    }
    for &b in &region {
        let mut made: Vec<Value> = func.dfg.block_params(b).to_vec();
        for inst in func.layout.block_insts(b) {
            made.extend_from_slice(func.dfg.inst_results(inst));
        }
        for v in made {
            let inside = region
                .iter()
                .flat_map(|&rb| func.layout.block_insts(rb))
                .map(|i| {
                    inst_values(func, ctx.aliases, i)
                        .filter(|&x| x == v)
                        .count()
                })
                .sum::<usize>();
            let outside = ctx.reads(v) as usize > inside;
            if outside {
                return Err(format!(
                    "{v}, made on the out-of-gas path, is used outside it"
                ));
            }
        }
    }
    Ok(region)
}

/// The checks of a function in pinned form: compares of a pinned-register read with zero.
pub fn find_pinned_checks(func: &Function) -> Vec<FuelCheck> {
    let Reachable { set, .. } = reachable(func);
    let ctx = check_context(func, &set);
    let mut out = Vec::new();
    for b in func.layout.blocks() {
        if !set.contains(b) {
            continue;
        }
        for i in func.layout.block_insts(b) {
            if let Some(m) = match_fuel_compare(func, ctx.aliases, i, &|v| is_pinned_read(func, v))
            {
                if let Ok(check) = recognize_check(func, i, m, &ctx) {
                    out.push(check);
                }
            }
        }
    }
    out
}
