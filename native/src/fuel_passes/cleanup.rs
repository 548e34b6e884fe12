//! The clean-ups the fuel passes share (src/passes/utility/*.ts): removing unreachable blocks,
//! worklist dead-code removal from candidate instructions, and removing external-function and
//! signature declarations nothing refers to any more (renumbering the rest, since Cranelift's
//! tables are dense).

use std::collections::BTreeSet;

use std::fmt;

use cranelift_codegen::entity::packed_option::ReservedValue;
use cranelift_codegen::entity::{EntityRef, PrimaryMap, SecondaryMap};
use cranelift_codegen::ir::{
    Block, ExceptionTableData, FuncRef, Function, Inst, InstructionData, Opcode, SigRef, Value,
    ValueDef,
};
use cranelift_codegen::write::{FuncWriter, PlainWriter, decorate_function};

use super::aliases::Aliases;
use super::graph::{inst_values, reachable};
use super::use_counts::{DeclarationUses, UseCounts};

/// Whether removing `inst` (its results unused) could change behaviour. A load counts as an
/// effect unless it cannot trap; reading the pinned register changes nothing.
pub fn has_side_effects(func: &Function, inst: Inst) -> bool {
    let data = &func.dfg.insts[inst];
    let op = data.opcode();
    if op == Opcode::GetPinnedReg {
        return false;
    }
    if op.is_terminator()
        || op.is_branch()
        || op.is_call()
        || op.is_return()
        || op.can_store()
        || op.other_side_effects()
        || op.can_trap()
    {
        return true;
    }
    if op.can_load() {
        return match data.memflags_data(&func.dfg) {
            None => true,
            Some(flags) => flags.trap_code().is_some(),
        };
    }
    false
}

/// The instruction defining `v` (`value_def` follows aliases), if it is an instruction result.
pub fn defining_inst(func: &Function, v: Value) -> Option<Inst> {
    match func.dfg.value_def(v) {
        ValueDef::Result(inst, _) => Some(inst),
        _ => None,
    }
}

/// Removes a block and its instructions from the layout.
pub fn remove_block(func: &mut Function, block: Block) {
    let insts: Vec<Inst> = func.layout.block_insts(block).collect();
    for i in insts {
        func.layout.remove_inst(i);
    }
    func.layout.remove_block(block);
}

/// Removes every block the entry cannot reach; returns how many went.
pub fn remove_unreachable_blocks(func: &mut Function) -> usize {
    let live = reachable(func);
    let dead: Vec<_> = func
        .layout
        .blocks()
        .filter(|b| !live.set.contains(*b))
        .collect();
    remove_blocks(func, &dead)
}

/// Removes `blocks` and their instructions; returns how many went.
pub fn remove_blocks(func: &mut Function, blocks: &[Block]) -> usize {
    for &b in blocks {
        remove_block(func, b);
    }
    blocks.len()
}

/// Removes side-effect-free instructions among `candidates` whose results are unused, and then
/// the definitions they were the last user of. `counted`: the use counts of the function as it
/// stands, when an earlier pass kept them. Returns the use counts after the sweep, when it had
/// them or had to count them (no candidate could go otherwise).
pub fn remove_dead_instructions(
    func: &mut Function,
    aliases: Aliases,
    candidates: Vec<Inst>,
    counted: Option<UseCounts>,
) -> Option<UseCounts> {
    let removable = |func: &Function, inst: Inst| {
        func.layout.inst_block(inst).is_some() && !has_side_effects(func, inst)
    };
    let mut counts = match counted {
        Some(c) => {
            debug_assert!(
                c.match_a_fresh_count(func, aliases),
                "the kept use counts are a fresh count's"
            );
            c
        }
        // Counting uses walks the whole function: not needed when no candidate could go.
        None if !candidates.iter().any(|&i| removable(func, i)) => return None,
        None => UseCounts::of(func, aliases),
    };
    let mut work = candidates;
    while let Some(inst) = work.pop() {
        if !removable(func, inst) {
            continue;
        }
        if func
            .dfg
            .inst_results(inst)
            .iter()
            .any(|&r| counts.reads(r) > 0)
        {
            continue;
        }
        counts.forget(func, aliases, inst);
        for v in inst_values(func, aliases, inst) {
            if let ValueDef::Result(def, _) = func.dfg.value_def(v) {
                work.push(def);
            }
        }
        func.layout.remove_inst(inst);
    }
    Some(counts)
}

fn func_ref_of(data: &InstructionData) -> Option<FuncRef> {
    match *data {
        InstructionData::Call { func_ref, .. }
        | InstructionData::FuncAddr { func_ref, .. }
        | InstructionData::TryCall { func_ref, .. } => Some(func_ref),
        _ => None,
    }
}

fn func_ref_mut(data: &mut InstructionData) -> Option<&mut FuncRef> {
    match data {
        InstructionData::Call { func_ref, .. }
        | InstructionData::FuncAddr { func_ref, .. }
        | InstructionData::TryCall { func_ref, .. } => Some(func_ref),
        _ => None,
    }
}

pub fn sig_ref_of(data: &InstructionData) -> Option<SigRef> {
    match *data {
        InstructionData::CallIndirect { sig_ref, .. } => Some(sig_ref),
        _ => None,
    }
}

pub fn func_ref_in(data: &InstructionData) -> Option<FuncRef> {
    func_ref_of(data)
}

/// The entries of `counts` whose indices are not `removed`.
fn kept(counts: &[u32], removed: &BTreeSet<usize>) -> Vec<u32> {
    counts
        .iter()
        .enumerate()
        .filter(|(n, _)| !removed.contains(n))
        .map(|(_, &c)| c)
        .collect()
}

/// Old index → new index after removing the sorted `removed` indices from `0..count`.
fn renumbering(count: usize, removed: &BTreeSet<usize>) -> Vec<Option<usize>> {
    let mut shift = 0;
    (0..count)
        .map(|n| {
            if removed.contains(&n) {
                shift += 1;
                None
            } else {
                Some(n - shift)
            }
        })
        .collect()
}

/// Removes those of `funcs` no instruction in the layout references, then those of `sigs` (and
/// the signatures of removed functions) nothing references. Returns how many of each went.
/// `counted`: what the layout names, when a use count of the function as it stands has it
/// (otherwise one walk finds it); they are renumbered with the declarations. Only the layout's
/// instructions are renumbered: those outside it are never printed, verified or compiled.
pub fn remove_unused_declarations(
    func: &mut Function,
    funcs: &BTreeSet<FuncRef>,
    sigs: &BTreeSet<SigRef>,
    counted: Option<&mut DeclarationUses>,
) -> (usize, usize) {
    if funcs.is_empty() && sigs.is_empty() {
        return (0, 0);
    }
    let mut walked;
    let uses = match counted {
        Some(c) => c,
        None => {
            walked = DeclarationUses::of(func);
            &mut walked
        }
    };
    // Each instruction renumbered once, however often it was counted.
    uses.naming.sort_unstable();
    uses.naming.dedup();
    let mut sig_candidates: BTreeSet<SigRef> = sigs.clone();
    let dead_funcs: BTreeSet<usize> = funcs
        .iter()
        .filter(|f| uses.funcs.get(f.index()) == Some(&0))
        .map(|f| f.index())
        .collect();
    for &f in &dead_funcs {
        sig_candidates.insert(func.dfg.ext_funcs[FuncRef::new(f)].signature);
    }
    if !dead_funcs.is_empty() {
        let map = renumbering(func.dfg.ext_funcs.len(), &dead_funcs);
        let old = std::mem::take(&mut func.dfg.ext_funcs);
        let mut fresh = PrimaryMap::new();
        for (f, data) in old.into_iter() {
            if !dead_funcs.contains(&f.index()) {
                fresh.push(data);
            }
        }
        func.dfg.ext_funcs = fresh;
        uses.funcs = kept(&uses.funcs, &dead_funcs);
        for &i in &uses.naming {
            if let Some(r) = func_ref_mut(&mut func.dfg.insts[i]) {
                // An instruction the sweep removed may keep a dangling reference: never printed.
                *r = map[r.index()]
                    .map(FuncRef::new)
                    .unwrap_or(FuncRef::reserved_value());
            }
        }
    }
    // Signatures keep their numbers until here, so the counts still apply.
    let mut used_sigs: Vec<bool> = uses.sigs.iter().map(|&n| n > 0).collect();
    for e in func.dfg.ext_funcs.values() {
        if let Some(f) = used_sigs.get_mut(e.signature.index()) {
            *f = true;
        }
    }
    let dead_sigs: BTreeSet<usize> = sig_candidates
        .iter()
        .filter(|s| used_sigs.get(s.index()) == Some(&false))
        .map(|s| s.index())
        .collect();
    if !dead_sigs.is_empty() {
        let map = renumbering(func.dfg.signatures.len(), &dead_sigs);
        let remap = |s: SigRef| {
            map[s.index()]
                .map(SigRef::new)
                .unwrap_or(SigRef::reserved_value())
        };
        let old = std::mem::take(&mut func.dfg.signatures);
        let mut fresh = PrimaryMap::new();
        for (s, sig) in old.into_iter() {
            if !dead_sigs.contains(&s.index()) {
                fresh.push(sig);
            }
        }
        func.dfg.signatures = fresh;
        uses.sigs = kept(&uses.sigs, &dead_sigs);
        for ext in func.dfg.ext_funcs.values_mut() {
            ext.signature = remap(ext.signature);
        }
        for &i in &uses.naming {
            if let InstructionData::CallIndirect { sig_ref, .. } = &mut func.dfg.insts[i] {
                *sig_ref = remap(*sig_ref);
            }
        }
        // Exception tables keep their signature private: rebuild the ones that move.
        let tables: Vec<_> = func.dfg.exception_tables.keys().collect();
        for et in tables {
            let table = &func.dfg.exception_tables[et];
            let sig = table.signature();
            let new_sig = remap(sig);
            if new_sig != sig {
                let normal = *table.normal_return();
                let items: Vec<_> = table.items().collect();
                func.dfg.exception_tables[et] = ExceptionTableData::new(new_sig, normal, items);
            }
        }
    }
    (dead_funcs.len(), dead_sigs.len())
}

/// Prints one instruction as it appears in the whole function's text (the type suffix only when
/// the writer needs it), nothing else.
struct OneInst {
    target: Inst,
    text: String,
}

impl FuncWriter for OneInst {
    fn write_block_header(
        &mut self,
        _: &mut dyn fmt::Write,
        _: &Function,
        _: Block,
        _: usize,
    ) -> fmt::Result {
        Ok(())
    }

    fn write_instruction(
        &mut self,
        _: &mut dyn fmt::Write,
        func: &Function,
        aliases: &SecondaryMap<Value, Vec<Value>>,
        inst: Inst,
        indent: usize,
    ) -> fmt::Result {
        if inst == self.target {
            PlainWriter.write_instruction(&mut self.text, func, aliases, inst, indent)?;
        }
        Ok(())
    }

    fn write_preamble(&mut self, _: &mut dyn fmt::Write, _: &Function) -> Result<bool, fmt::Error> {
        Ok(false)
    }
}

/// The instruction's text (`v7 = imul v6, v6`) as the function's printout shows it, without
/// its source location or trailing comment: what the TypeScript `describeInst` gives.
pub fn describe_inst(func: &Function, inst: Inst) -> String {
    let mut writer = OneInst {
        target: inst,
        text: String::new(),
    };
    if func.layout.inst_block(inst).is_none()
        || decorate_function(&mut writer, &mut String::new(), func).is_err()
    {
        return inst.to_string();
    }
    let line = writer.text.trim();
    let line = match line.strip_prefix('@') {
        Some(rest) => rest
            .split_once(char::is_whitespace)
            .map_or("", |(_, after)| after)
            .trim(),
        None => line,
    };
    // Without the printer's trailing comment (`; v7 = 0` naming a constant argument).
    let line = line
        .split_once(';')
        .map_or(line, |(code, _)| code)
        .trim_end();
    line.to_string()
}

/// `` `v7 = iadd v6, v5` in block3 ``: an instruction for diagnostics, as the TS `locateInst`.
pub fn locate_inst(func: &Function, inst: Inst) -> String {
    let text = describe_inst(func, inst);
    match func.layout.inst_block(inst) {
        Some(b) => format!("`{text}` in {b}"),
        None => format!("`{text}`"),
    }
}
