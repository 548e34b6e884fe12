//! Versions one counted loop (src/passes/fuel/counted/version.ts): the preheader computes the
//! trip count and the loop's whole charge (n × c; for a top exit m × c + c_top) and, when the
//! counter can pay it without reaching 0, charges it once and enters a copy of the loop without
//! increments; otherwise the original runs. Both leave through one new exit block whose
//! parameters carry the loop's values used after it. Edits happen in the TypeScript pass's order
//! so new blocks and values get the same numbers; the guard's shape is the one check-fuel
//! recognises (src/passes/fuel/check/versioned-loops.ts).

use std::collections::{HashMap, HashSet};

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::entity::SecondaryMap;
use cranelift_codegen::entity::packed_option::PackedOption;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{
    Block, BlockArg, BlockCall, Function, Inst, InstBuilder, InstructionData, JumpTableData,
    Opcode, Value,
};

use super::find::{Bound, CountedLoop, ExitAt};
use super::trip_count::prepay_limit;

/// Uses (through aliases) of each of `wanted` by the instructions in the layout. Dense by value
/// number: the scan covers the whole function once per versioned loop.
fn use_counts(func: &Function, wanted: &[Value]) -> SecondaryMap<Value, u32> {
    let mut counts: SecondaryMap<Value, u32> = SecondaryMap::with_capacity(func.dfg.num_values());
    let mut watched: SecondaryMap<Value, bool> = SecondaryMap::with_capacity(func.dfg.num_values());
    for &v in wanted {
        watched[v] = true;
    }
    for b in func.layout.blocks() {
        for inst in func.layout.block_insts(b) {
            for v in func.dfg.inst_values(inst) {
                let r = func.dfg.resolve_aliases(v);
                if watched[r] {
                    counts[r] += 1;
                }
            }
        }
    }
    counts
}

fn destination(func: &Function, inst: Inst, index: usize) -> Option<BlockCall> {
    let dfg = &func.dfg;
    dfg.insts[inst]
        .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
        .get(index)
        .copied()
}

fn set_destination(func: &mut Function, inst: Inst, index: usize, call: BlockCall) {
    let dfg = &mut func.dfg;
    if let Some(slot) = dfg.insts[inst]
        .branch_destination_mut(&mut dfg.jump_tables, &mut dfg.exception_tables)
        .get_mut(index)
    {
        *slot = call;
    }
}

/// Puts a new block after the branch's own block on destination `index`: it jumps on with the
/// arguments the branch passed, and the branch now goes to it without any.
fn split_edge(func: &mut Function, inst: Inst, index: usize) -> Result<Block, String> {
    let call = destination(func, inst, index)
        .ok_or_else(|| format!("{inst} has no destination {index}"))?;
    let source = func
        .layout
        .inst_block(inst)
        .ok_or_else(|| format!("{inst} is not in the layout"))?;
    let target = call.block(&func.dfg.value_lists);
    let args: Vec<BlockArg> = call.args(&func.dfg.value_lists).collect();
    let fresh = func.dfg.make_block();
    func.layout.insert_block_after(fresh, source);
    FuncCursor::new(func)
        .at_bottom(fresh)
        .ins()
        .jump(target, &args);
    let to_fresh = BlockCall::new(
        fresh,
        std::iter::empty::<BlockArg>(),
        &mut func.dfg.value_lists,
    );
    set_destination(func, inst, index, to_fresh);
    Ok(fresh)
}

/// A copy of `inst` (not in the layout) with its own results, value lists and jump table.
fn clone_inst(func: &mut Function, inst: Inst) -> Inst {
    let twin = func.dfg.clone_inst(inst);
    if let InstructionData::BranchTable { table, .. } = func.dfg.insts[twin] {
        let calls: Vec<BlockCall> = func.dfg.jump_tables[table].all_branches().to_vec();
        let mut fresh: Vec<BlockCall> = calls
            .iter()
            .map(|c| c.deep_clone(&mut func.dfg.value_lists))
            .collect();
        if !fresh.is_empty() {
            let default = fresh.remove(0);
            let jt = func
                .dfg
                .jump_tables
                .push(JumpTableData::new(default, &fresh));
            if let InstructionData::BranchTable { table, .. } = &mut func.dfg.insts[twin] {
                *table = jt;
            }
        }
    }
    let loc = func.srclocs[inst];
    if !loc.is_default() {
        func.srclocs[twin] = loc;
    }
    twin
}

/// Replaces every value `inst` uses by `f(value)`.
fn map_values(func: &mut Function, inst: Inst, f: impl Fn(&Function, Value) -> Option<Value>) {
    let mapped: Vec<Value> = func
        .dfg
        .inst_values(inst)
        .map(|v| f(func, v).unwrap_or(v))
        .collect();
    func.dfg.overwrite_inst_values(inst, mapped.into_iter());
}

pub fn version_loop(func: &mut Function, lp: &CountedLoop) -> Result<(), String> {
    let in_loop: HashSet<Block> = lp.blocks.iter().copied().collect();
    let mut skip: HashSet<Inst> = lp
        .increments
        .iter()
        .flat_map(|i| [i.get, i.add, i.set])
        .collect();
    // An increment's own constant goes too, unless something else uses it.
    let constants: Vec<Value> = lp
        .increments
        .iter()
        .filter_map(|i| i.const_inst)
        .map(|c| func.dfg.first_result(c))
        .collect();
    let uses = use_counts(func, &constants);
    for inc in &lp.increments {
        if let Some(c) = inc.const_inst {
            if uses[func.dfg.first_result(c)] == 1 {
                skip.insert(c);
            }
        }
    }

    // The guard block: the preheader itself when it just jumps to the header, else a split edge.
    let mut entry = lp.entry_branch;
    let mut guard = func
        .layout
        .inst_block(entry)
        .ok_or("the entry branch is not in the layout")?;
    if func.dfg.insts[entry].opcode() != Opcode::Jump {
        let index = {
            let dfg = &func.dfg;
            dfg.insts[entry]
                .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
                .iter()
                .position(|c| c.block(&dfg.value_lists) == lp.header)
                .ok_or("the entry branch does not reach the header")?
        };
        guard = split_edge(func, entry, index)?;
        entry = func
            .layout
            .last_inst(guard)
            .ok_or("the split edge has no jump")?;
    }
    let exit = split_edge(func, lp.exit_branch, lp.exit_index)?;

    // The copy: blocks, parameters and results first, operands once every value has its twin.
    let mut block_map: HashMap<Block, Block> = HashMap::new();
    // Dense by value number: the live-out scan below looks up every value of the function.
    let mut value_map: SecondaryMap<Value, PackedOption<Value>> =
        SecondaryMap::with_capacity(func.dfg.num_values());
    let mut last = *lp.blocks.last().ok_or("the loop has no blocks")?;
    for &b in &lp.blocks {
        let copy = func.dfg.make_block();
        func.layout.insert_block_after(copy, last);
        last = copy;
        block_map.insert(b, copy);
        let params: Vec<Value> = func.dfg.block_params(b).to_vec();
        for p in params {
            let ty = func.dfg.value_type(p);
            value_map[p] = func.dfg.append_block_param(copy, ty).into();
        }
    }
    let mut copies = Vec::new();
    for &b in &lp.blocks {
        let copy = *block_map.get(&b).ok_or("a loop block has no copy")?;
        let insts: Vec<Inst> = func.layout.block_insts(b).collect();
        for inst in insts {
            if skip.contains(&inst) {
                continue;
            }
            let twin = clone_inst(func, inst);
            for (&r, &t) in func
                .dfg
                .inst_results(inst)
                .iter()
                .zip(func.dfg.inst_results(twin))
            {
                value_map[r] = t.into();
            }
            func.layout.append_inst(twin, copy);
            copies.push(twin);
        }
    }
    for &inst in &copies {
        map_values(func, inst, |f, v| {
            value_map[f.dfg.resolve_aliases(v)].expand()
        });
        let dfg = &mut func.dfg;
        for call in
            dfg.insts[inst].branch_destination_mut(&mut dfg.jump_tables, &mut dfg.exception_tables)
        {
            if let Some(&to) = block_map.get(&call.block(&dfg.value_lists)) {
                call.set_block(to, &mut dfg.value_lists);
            }
        }
    }

    // Values of the loop used after it reach their uses through the exit block's parameters.
    let copy_blocks: HashSet<Block> = block_map.values().copied().collect();
    let outside: Vec<Block> = func
        .layout
        .blocks()
        .filter(|b| !in_loop.contains(b) && !copy_blocks.contains(b))
        .collect();
    let mut live_out: Vec<Value> = Vec::new();
    let mut seen: HashSet<Value> = HashSet::new();
    // The instructions that use them, to rename afterwards (layout order).
    let mut users: Vec<Inst> = Vec::new();
    for &b in &outside {
        for inst in func.layout.block_insts(b) {
            let mut uses_loop = false;
            for v in func.dfg.inst_values(inst) {
                let r = func.dfg.resolve_aliases(v);
                if value_map[r].is_some() {
                    uses_loop = true;
                    if seen.insert(r) {
                        live_out.push(r);
                    }
                }
            }
            if uses_loop {
                users.push(inst);
            }
        }
    }
    let copy_exiting = block_map
        .get(&lp.exiting)
        .and_then(|&b| func.layout.last_inst(b))
        .ok_or("the copy has no exit branch")?;
    let mut exit_params: HashMap<Value, Value> = HashMap::new();
    for &v in &live_out {
        let ty = func.dfg.value_type(v);
        exit_params.insert(v, func.dfg.append_block_param(exit, ty));
        let twin = value_map[v]
            .expand()
            .ok_or("a live-out value has no twin")?;
        for (inst, arg) in [(lp.exit_branch, v), (copy_exiting, twin)] {
            let dfg = &mut func.dfg;
            if let Some(call) = dfg.insts[inst]
                .branch_destination_mut(&mut dfg.jump_tables, &mut dfg.exception_tables)
                .get_mut(lp.exit_index)
            {
                call.append_argument(arg, &mut dfg.value_lists);
            }
        }
    }
    for inst in users {
        map_values(func, inst, |f, u| {
            exit_params.get(&f.dfg.resolve_aliases(u)).copied()
        });
    }

    // The guard: the trip count and amount before the entry branch, which becomes a `brif`.
    let header_args: Vec<Value> = destination(func, entry, 0)
        .filter(|c| c.block(&func.dfg.value_lists) == lp.header)
        .map(|c| {
            c.args(&func.dfg.value_lists)
                .filter_map(|a| a.as_value())
                .collect()
        })
        .ok_or("the guard does not jump to the header")?;
    let prepay = func.dfg.make_block();
    func.layout.insert_block_after(prepay, guard);
    let w = lp.iv_type;
    let i0 = *header_args
        .get(lp.iv_index)
        .ok_or("the header has no induction argument")?;
    let limit =
        i64::try_from(prepay_limit(lp.charge)).map_err(|_| "the prepay limit is out of range")?;
    let charge = i64::try_from(lp.charge).map_err(|_| "the charge is out of range")?;
    let top_charge = i64::try_from(lp.top_charge).map_err(|_| "the charge is out of range")?;
    let abs: i64 = 1i64
        .checked_shl(lp.shift)
        .ok_or("the step is out of range")?;
    let mut cur = FuncCursor::new(func).at_inst(entry);
    let bound = match lp.bound {
        Bound::Value(v) => v,
        // The comparison's own immediate, as it is (no re-masking).
        Bound::Const(imm) => {
            let (inst, dfg) = cur.ins().UnaryImm(Opcode::Iconst, w, imm);
            dfg.first_result(inst)
        }
    };
    let delta = if lp.step_negative {
        cur.ins().isub(i0, bound)
    } else {
        cur.ins().isub(bound, i0)
    };
    // m: iterations before the last test; a test of `i` meets the bound one step after `i + s`.
    let mut m = delta;
    if lp.tests_stepped {
        let a = cur.ins().iconst(w, abs);
        m = cur.ins().isub(delta, a);
    }
    if lp.shift > 0 {
        let t = cur.ins().iconst(w, i64::from(lp.shift));
        m = cur.ins().ushr(m, t);
    }
    let m64 = if w.bits() < 64 {
        cur.ins().uextend(I64, m)
    } else {
        m
    };
    let amount = match lp.exit_at {
        ExitAt::Latch => {
            let one = cur.ins().iconst(I64, 1);
            let n = cur.ins().iadd(m64, one);
            let c = cur.ins().iconst(I64, charge);
            cur.ins().imul(n, c)
        }
        ExitAt::Top => {
            let c = cur.ins().iconst(I64, charge);
            let mc = cur.ins().imul(m64, c);
            let t = cur.ins().iconst(I64, top_charge);
            cur.ins().iadd(mc, t)
        }
    };
    let lim = cur.ins().iconst(I64, limit);
    let small = cur.ins().icmp(IntCC::UnsignedLessThan, m64, lim);
    let counter = cur.ins().get_pinned_reg(I64);
    let owed = cur.ins().ineg(counter);
    let covered = cur.ins().icmp(IntCC::SignedLessThan, amount, owed);
    let mut ok = cur.ins().band(small, covered);
    if lp.shift > 0 {
        let mask = cur.ins().iconst(w, abs - 1);
        let rest = cur.ins().band(delta, mask);
        let zero = cur.ins().iconst(w, 0);
        let whole = cur.ins().icmp(IntCC::Equal, rest, zero);
        ok = cur.ins().band(ok, whole);
    }
    let args: Vec<BlockArg> = header_args.iter().map(|&v| BlockArg::Value(v)).collect();
    cur.ins().brif(ok, prepay, &[], lp.header, &args);
    func.layout.remove_inst(entry);

    let copy_header = *block_map.get(&lp.header).ok_or("the header has no copy")?;
    let mut pay = FuncCursor::new(func).at_bottom(prepay);
    let counter = pay.ins().get_pinned_reg(I64);
    let paid = pay.ins().iadd(counter, amount);
    pay.ins().set_pinned_reg(paid);
    pay.ins().jump(copy_header, &args);
    Ok(())
}
