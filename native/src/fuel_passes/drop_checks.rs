//! fuel-drop-checks (src/passes/fuel/fuel-drop-checks.ts): removes every fuel check (compare of
//! the counter with zero and the branch on it) with its out-of-gas path; the branch becomes a
//! jump to the continuation. Then the builtin's function reference and signature go when
//! nothing uses them. Works on the pinned form (counter read by `get_pinned_reg`) and on the
//! memory form (the web is recognized first).

use std::collections::BTreeSet;

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::{Block, BlockArg, Function, InstBuilder, InstructionData, ValueDef};

use super::aliases::Aliases;
use super::checks::{FuelCheck, find_pinned_checks};
use super::cleanup::{
    func_ref_in, remove_block, remove_dead_instructions, remove_unreachable_blocks,
    remove_unused_declarations, sig_ref_of,
};
use super::error::FuelResult;
use super::graph::inst_values;
use super::pinned::Handoff;
use super::shapes::reads_pinned_register;
use super::use_counts::UseCounts;
use super::web::find_fuel_web;

#[derive(Debug, Clone, Default)]
pub struct DroppedChecks {
    pub checks: usize,
    pub removed_blocks: usize,
}

/// Turns the check's `brif` into a jump to the continuation (with the continuation's arguments).
fn rewrite_branch(func: &mut Function, check: &FuelCheck) {
    let dfg = &func.dfg;
    let args: Vec<BlockArg> = match dfg.insts[check.branch] {
        InstructionData::Brif { blocks, .. } => blocks
            .iter()
            .find(|c| c.block(&dfg.value_lists) == check.continuation)
            .map(|c| c.args(&dfg.value_lists).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    FuncCursor::new(func)
        .at_inst(check.branch)
        .ins()
        .jump(check.continuation, &args);
    func.layout.remove_inst(check.branch);
}

/// Removes every fuel check and out-of-gas path of `func`; None when it has none. `handoff` is
/// what fuel-pinned passed on when it ran right before (it also removed the unreachable
/// blocks); otherwise the checks are recognized here.
/// With them, the use counts its dead-code sweep left, when it counted (see [`UseCounts`]).
pub fn drop_fuel_checks(
    func: &mut Function,
    handoff: Option<Handoff>,
) -> FuelResult<(Option<DroppedChecks>, Option<UseCounts>)> {
    let handed_on = handoff.is_some();
    let (checks, mut candidates, aliases, cut_off, mut counted) = match handoff {
        Some(h) => (
            h.checks,
            h.dead_candidates,
            h.aliases,
            h.cut_off,
            Some(h.counts),
        ),
        None if reads_pinned_register(func) => (
            find_pinned_checks(func),
            Vec::new(),
            Aliases::of(func),
            None,
            None,
        ),
        None => match find_fuel_web(func, Aliases::of(func))? {
            Some(web) => (web.checks, Vec::new(), web.aliases, None, None),
            None => (Vec::new(), Vec::new(), Aliases::of(func), None, None),
        },
    };
    if checks.is_empty() {
        let counts = remove_dead_instructions(func, aliases, candidates, counted);
        if let Some(c) = &cut_off {
            c.confirm(func, counts.as_ref())?;
        }
        return Ok((None, counts));
    }
    // The recognizers ignore unreachable code; drop it so no branch into a removed path remains.
    let unreachable = if handed_on {
        0
    } else {
        remove_unreachable_blocks(func)
    };
    let mut funcs = BTreeSet::new();
    let mut sigs = BTreeSet::new();
    // Definitions the removed code used (the compare, a flush's context pointer) may die with it.
    let mut removed: Vec<Block> = Vec::new();
    // Handed-on counts stay exact: the branches and blocks that go are forgotten, the jumps
    // made (numbered from `made`) counted.
    let made = func.dfg.num_insts();
    for check in &checks {
        if let Some(c) = counted.as_mut() {
            c.forget(func, aliases, check.branch);
        }
        rewrite_branch(func, check);
        candidates.push(check.compare);
        for &b in &check.path {
            for i in func.layout.block_insts(b) {
                for v in inst_values(func, aliases, i) {
                    if let ValueDef::Result(def, _) = func.dfg.value_def(v) {
                        candidates.push(def);
                    }
                }
                let data = &func.dfg.insts[i];
                if let Some(f) = func_ref_in(data) {
                    funcs.insert(f);
                }
                if let Some(s) = sig_ref_of(data) {
                    sigs.insert(s);
                }
            }
            if !removed.contains(&b) {
                removed.push(b);
            }
        }
    }
    for &b in &removed {
        if let Some(c) = counted.as_mut() {
            for i in func.layout.block_insts(b) {
                c.forget(func, aliases, i);
            }
        }
        remove_block(func, b);
    }
    if let Some(c) = counted.as_mut() {
        c.add_made(func, aliases, made);
    }
    let mut counts = remove_dead_instructions(func, aliases, candidates, counted);
    if let Some(c) = &cut_off {
        c.confirm(func, counts.as_ref())?;
    }
    remove_unused_declarations(
        func,
        &funcs,
        &sigs,
        counts.as_mut().map(|c| &mut c.declarations),
    );
    let dropped = DroppedChecks {
        checks: checks.len(),
        removed_blocks: removed.len() + unreachable,
    };
    Ok((Some(dropped), counts))
}
