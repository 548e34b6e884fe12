//! fuel-pinned (src/passes/fuel/fuel-pinned.ts): moves the counter from memory into the pinned
//! register. Every increment becomes get/iadd/set, counter parameters and their branch
//! arguments go, counter loads and stores go, and around observed calls to callees that do not
//! use the pinned register the counter is stored before and reloaded after. The instructions
//! are created in the TypeScript pass's order, so both number new values alike.

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::dominator_tree::DominatorTree;
use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{Block, Function, Inst, InstBuilder, MemFlagsData, Value, ValueDef};

use super::aliases::Aliases;
use super::callees::Convention;
use super::checks::FuelCheck;
use super::cleanup::{locate_inst, remove_blocks, remove_dead_instructions};
use super::cut_off::CutOff;
use super::error::{FuelPassError, FuelResult};
use super::graph::inst_values;
use super::shapes::insert_set_pinned_reg;
use super::use_counts::UseCounts;
use super::web::{FuelParam, FuelWeb, find_fuel_web};

/// What the rewrite did.
#[derive(Debug, Clone)]
pub struct PinnedRewrite {
    pub increments: usize,
    pub flushed_calls: usize,
    pub removed_unreachable_blocks: usize,
    /// What fuel-drop-checks, when it runs next, need not find again.
    pub handoff: Handoff,
}

/// What fuel-pinned hands to a fuel-drop-checks that runs right after it: the web's checks, now
/// comparing pinned-register reads (the control flow is unchanged, so they are what it would
/// recognize), and, when the clean-up was deferred, the instructions that may have died (one
/// dead-code sweep for both passes instead of two walks counting uses) and the counter values
/// whose cut-off that sweep's counts confirm.
#[derive(Debug, Clone)]
pub struct Handoff {
    pub checks: Vec<FuelCheck>,
    pub dead_candidates: Vec<Inst>,
    pub aliases: Aliases,
    pub cut_off: Option<CutOff>,
    /// The use counts of the function as the rewrite leaves it.
    pub counts: UseCounts,
}

fn web_error(web: &FuelWeb, message: String) -> FuelPassError {
    FuelPassError {
        message,
        location: web.location.name.to_string(),
    }
}

/// True when `a` is at or before `b` in their (shared) block.
fn same_block_before(func: &Function, a: Inst, b: Inst) -> bool {
    let mut cur = Some(a);
    while let Some(i) = cur {
        if i == b {
            return true;
        }
        cur = func.layout.next_inst(i);
    }
    false
}

/// Whether `a` dominates `b` (a reachable block). The entry dominates every reachable block;
/// other questions build the dominator tree once (the control flow does not change meanwhile).
fn block_dominates(func: &Function, dom: &mut Option<DominatorTree>, a: Block, b: Block) -> bool {
    if Some(a) == func.layout.entry_block() {
        return true;
    }
    dom.get_or_insert_with(|| {
        DominatorTree::with_function(func, &ControlFlowGraph::with_function(func))
    })
    .block_dominates(a, b)
}

/// A context-pointer value available at `inst`, or a fresh load of it from the vmctx.
fn context_pointer_at(
    func: &mut Function,
    web: &FuelWeb,
    dom: &mut Option<DominatorTree>,
    inst: Inst,
    load_flags: MemFlagsData,
) -> FuelResult<Value> {
    let block = func
        .layout
        .inst_block(inst)
        .ok_or_else(|| web_error(web, format!("{inst} is not in the layout")))?;
    for &p in &web.context_pointers {
        match func.dfg.value_def(p) {
            ValueDef::Param(owner, _) => {
                if func.layout.is_block_inserted(owner) && block_dominates(func, dom, owner, block)
                {
                    return Ok(p);
                }
            }
            ValueDef::Result(owner, _) => {
                if let Some(def_block) = func.layout.inst_block(owner) {
                    let ok = if def_block == block {
                        same_block_before(func, owner, inst)
                    } else {
                        block_dominates(func, dom, def_block, block)
                    };
                    if ok {
                        return Ok(p);
                    }
                }
            }
            _ => {}
        }
    }
    let entry = func.layout.entry_block();
    let vmctx = entry.and_then(|e| {
        web.vmctx_values
            .iter()
            .copied()
            .find(|v| func.dfg.block_params(e).contains(v))
    });
    let Some(vmctx) = vmctx else {
        return Err(web_error(
            web,
            format!(
                "no context pointer is available at {inst} and the function has no vmctx parameter to load one from"
            ),
        ));
    };
    let flags = load_flags.with_readonly();
    let offset = i32::try_from(web.location.context_offset)
        .map_err(|_| web_error(web, "the context offset does not fit 32 bits".into()))?;
    Ok(FuncCursor::new(func)
        .at_inst(inst)
        .ins()
        .load(I64, flags, vmctx, offset))
}

/// Rewrites `func` to keep the counter in the pinned register; None when it has no fuel web.
/// With `defer_cleanup` the dead-code sweep is left to the next pass (see [`Handoff`]).
/// `aliases`: `Aliases::of(func)`.
pub fn rewrite_to_pinned(
    func: &mut Function,
    defer_cleanup: bool,
    aliases: Aliases,
) -> FuelResult<Option<PinnedRewrite>> {
    let Some(mut web) = find_fuel_web(func, aliases)? else {
        return Ok(None);
    };
    let flushed: Vec<_> = web
        .calls
        .iter()
        .filter(|c| c.observed && c.convention == Convention::NonPinned)
        .copied()
        .collect();
    // Refuse before editing anything: a reload would be needed on every edge of a try_call.
    if let Some(c) = flushed
        .iter()
        .find(|c| func.dfg.insts[c.inst].exception_table().is_some())
    {
        return Err(web_error(
            &web,
            format!(
                "{}: an observed try_call to a callee without the pinned register cannot reload the counter on every edge",
                locate_inst(func, c.inst)
            ),
        ));
    }
    // The recognizer ignored unreachable code (nor counted it); drop it so nothing there still
    // uses the web.
    let removed_unreachable_blocks = remove_blocks(func, &web.unreachable);
    // Kept exact through the edits: an instruction removed is forgotten, an operand replaced or
    // removed loses its read, and the instructions made (numbered from `made`) are counted last.
    let mut counts = web
        .counts
        .take()
        .unwrap_or_else(|| UseCounts::of(func, aliases));
    let made = func.dfg.num_insts();
    let flags_of = |func: &Function, i: Option<&Inst>| {
        i.and_then(|&i| func.dfg.insts[i].memflags_data(&func.dfg))
            .unwrap_or_else(MemFlagsData::trusted)
    };
    let store_flags = flags_of(func, web.counter_stores.first());
    let load_flags = flags_of(func, web.counter_loads.first());
    // Dominance is asked only about flushed calls, and mostly of the entry block: the tree is
    // built on the first question the entry cannot answer.
    let mut dom = None;
    let offset = i32::try_from(web.location.counter_offset)
        .map_err(|_| web_error(&web, "the counter offset does not fit 32 bits".into()))?;

    // Calls first: they may need a context pointer that the clean-up would otherwise drop.
    for call in &flushed {
        let ptr = context_pointer_at(func, &web, &mut dom, call.inst, load_flags)?;
        let mut before = FuncCursor::new(func).at_inst(call.inst);
        let current = before.ins().get_pinned_reg(I64);
        before.ins().store(store_flags, current, ptr, offset);
        if !call.tail {
            let mut after = FuncCursor::new(func).after_inst(call.inst);
            let reloaded = after.ins().load(I64, load_flags, ptr, offset);
            insert_set_pinned_reg(&mut after, reloaded);
        }
    }
    // The context pointers' definitions, the folded increments' old operands, and the
    // operands of each counter load and store.
    let mut candidates: Vec<Inst> = Vec::with_capacity(
        web.context_pointer_defs.len()
            + web.increments.len()
            + 2 * (web.counter_loads.len() + web.counter_stores.len()),
    );
    candidates.extend_from_slice(&web.context_pointer_defs);
    let mut sets = Vec::with_capacity(web.increments.len());
    let aliases = web.aliases;
    for inc in &web.increments {
        let mut cur = FuncCursor::new(func).at_inst(inc.inst);
        if let (Some(charge), Some(amount)) = (inc.charge, inc.amount) {
            if charge != i128::from(amount) {
                // A folded increment: add only what it adds to the counter as it stands.
                let charge = i64::try_from(charge).map_err(|_| {
                    web_error(
                        &web,
                        format!(
                            "{}: the folded charge does not fit 64 bits",
                            locate_inst(cur.func, inc.inst)
                        ),
                    )
                })?;
                let other = 1 - inc.fuel_operand;
                let old = cur.func.dfg.inst_args(inc.inst)[other];
                if let ValueDef::Result(def, _) = cur.func.dfg.value_def(old) {
                    candidates.push(def);
                }
                let k = cur.ins().iconst(I64, charge);
                cur.func.dfg.inst_args_mut(inc.inst)[other] = k;
                counts.read_lost(cur.func, aliases, old);
                counts.read_gained(cur.func, aliases, k);
            }
        }
        let read = cur.ins().get_pinned_reg(I64);
        let operand = &mut func.dfg.inst_args_mut(inc.inst)[inc.fuel_operand];
        let old = std::mem::replace(operand, read);
        counts.read_lost(func, aliases, old);
        counts.read_gained(func, aliases, read);
        let set =
            insert_set_pinned_reg(&mut FuncCursor::new(func).after_inst(inc.inst), inc.result);
        sets.push((inc.result, set));
    }
    for check in &web.checks {
        let k = func
            .dfg
            .inst_args(check.compare)
            .iter()
            .position(|&a| web.aliases.resolve(func, a) == check.fuel);
        let Some(k) = k else { continue };
        let read = FuncCursor::new(func)
            .at_inst(check.compare)
            .ins()
            .get_pinned_reg(I64);
        let old = std::mem::replace(&mut func.dfg.inst_args_mut(check.compare)[k], read);
        counts.read_lost(func, aliases, old);
        counts.read_gained(func, aliases, read);
    }
    for &i in web.counter_loads.iter().chain(&web.counter_stores) {
        for v in inst_values(func, web.aliases, i) {
            if let ValueDef::Result(def, _) = func.dfg.value_def(v) {
                candidates.push(def);
            }
        }
        counts.forget(func, web.aliases, i);
        func.layout.remove_inst(i);
    }
    for v in remove_params(func, &web.params) {
        counts.read_lost(func, aliases, v);
    }
    counts.add_made(func, aliases, made);
    let cut_off = CutOff {
        values: web.values,
        sets,
        aliases: web.aliases,
        location: web.location.name.to_string(),
    };
    // The safety net is confirmed from the sweep's use counts, wherever the sweep runs.
    let (dead_candidates, cut_off, counts) = if defer_cleanup {
        (candidates, Some(cut_off), counts)
    } else {
        let swept = remove_dead_instructions(func, web.aliases, candidates, Some(counts))
            .unwrap_or_else(|| UseCounts::of(func, web.aliases));
        cut_off.confirm(func, Some(&swept))?;
        (Vec::new(), None, swept)
    };
    Ok(Some(PinnedRewrite {
        increments: web.increments.len(),
        flushed_calls: flushed.len(),
        removed_unreachable_blocks,
        handoff: Handoff {
            checks: web.checks,
            dead_candidates,
            aliases: web.aliases,
            cut_off,
            counts,
        },
    }))
}

/// Removes the counter parameters and their branch arguments in one sweep over the branches;
/// returns the arguments removed (values no longer read there).
fn remove_params(func: &mut Function, params: &[FuelParam]) -> Vec<Value> {
    if params.is_empty() {
        return Vec::new();
    }
    // (block, parameter index), by block and then the last index first, so that removing one
    // moves none still to come.
    let mut by_block: Vec<(cranelift_codegen::ir::Block, usize)> =
        params.iter().map(|p| (p.block, p.index)).collect();
    by_block.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let of = |block| {
        let start = by_block.partition_point(|&(b, _)| b < block);
        let end = start + by_block[start..].partition_point(|&(b, _)| b == block);
        &by_block[start..end]
    };
    // Only a block's last instruction branches (Cranelift's rule).
    let branches: Vec<Inst> = func
        .layout
        .blocks()
        .filter_map(|b| func.layout.last_inst(b))
        .collect();
    // About one argument for each edge into a block with a counter parameter.
    let mut removed = Vec::with_capacity(2 * params.len());
    for i in branches {
        let dfg = &mut func.dfg;
        let calls =
            dfg.insts[i].branch_destination_mut(&mut dfg.jump_tables, &mut dfg.exception_tables);
        for call in calls {
            let target = call.block(&dfg.value_lists);
            for &(_, index) in of(target) {
                if index < call.len(&dfg.value_lists) {
                    if let Some(v) = call
                        .args(&dfg.value_lists)
                        .nth(index)
                        .and_then(|a| a.as_value())
                    {
                        removed.push(v);
                    }
                    call.remove(index, &mut dfg.value_lists);
                }
            }
        }
    }
    for &(block, index) in &by_block {
        let v = func.dfg.block_params(block)[index];
        func.dfg.remove_block_param(v);
    }
    removed
}
