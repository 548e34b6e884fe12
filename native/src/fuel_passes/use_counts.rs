//! How many times each value is read, and which values a `store` writes: what fuel-place's
//! scan needs, and what fuel-drop-checks' dead-code sweep already counts. When fuel-place runs
//! right after that sweep the counts are handed on instead of walking the function again. The
//! same walk counts the instructions naming each external function and signature, which is
//! what fuel-drop-checks' removal of unused declarations asks next.

use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{Function, Inst, InstructionData, Opcode};

use super::aliases::Aliases;
use super::cleanup::{func_ref_in, sig_ref_of};
use super::graph::each_read;

/// Adds `inst`'s reads to `uses`, by alias-resolved value number (the one count of reads every
/// pass shares: this sweep's, and the checks' in the fuel web's classification walk).
pub fn count_reads(uses: &mut [u32], func: &Function, aliases: Aliases, inst: Inst) {
    each_read(func, inst, |v| {
        if let Some(n) = uses.get_mut(aliases.resolve(func, v).index()) {
            *n += 1;
        }
    });
}

/// Counts by (alias-resolved) value number, exact for the function as it stands.
pub struct UseCounts {
    pub uses: Vec<u32>,
    pub stored: Vec<bool>,
    /// By declaration number, the instructions in the layout that name it.
    pub declarations: DeclarationUses,
}

/// How many instructions name each external function (`call`, `try_call`, `func_addr`) and each
/// signature (`call_indirect`'s, and an exception table's), and which instructions those were
/// when counted: renumbering the declarations edits only them.
pub struct DeclarationUses {
    pub funcs: Vec<u32>,
    pub sigs: Vec<u32>,
    pub naming: Vec<Inst>,
}

impl DeclarationUses {
    fn new(func: &Function) -> Self {
        DeclarationUses {
            funcs: vec![0; func.dfg.ext_funcs.len()],
            sigs: vec![0; func.dfg.signatures.len()],
            naming: Vec::new(),
        }
    }

    /// One walk over the layout.
    pub fn of(func: &Function) -> Self {
        let mut uses = Self::new(func);
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                uses.add(func, inst);
            }
        }
        uses
    }

    /// Counts what `inst`, in the layout, names.
    fn add(&mut self, func: &Function, inst: Inst) {
        let data = &func.dfg.insts[inst];
        let op = data.opcode();
        if op.is_call() || op == Opcode::FuncAddr {
            self.naming.push(inst);
            self.count(func, data, 1);
        }
    }

    /// Adds `by` (1, or -1 for an instruction leaving the layout) to what `data` names.
    fn count(&mut self, func: &Function, data: &InstructionData, by: i32) {
        let add = |n: &mut u32| *n = n.saturating_add_signed(by);
        if let Some(f) = func_ref_in(data) {
            self.funcs.get_mut(f.index()).map(add);
        }
        if let Some(s) = sig_ref_of(data) {
            self.sigs.get_mut(s.index()).map(add);
        }
        if let Some(et) = data.exception_table() {
            let s = func.dfg.exception_tables[et].signature();
            self.sigs.get_mut(s.index()).map(add);
        }
    }
}

impl UseCounts {
    /// One walk over every instruction in the layout (reachable or not).
    pub fn of(func: &Function, aliases: Aliases) -> Self {
        let dfg = &func.dfg;
        let mut counts = UseCounts {
            uses: vec![0; dfg.num_values()],
            stored: vec![false; dfg.num_values()],
            declarations: DeclarationUses::new(func),
        };
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                count_reads(&mut counts.uses, func, aliases, inst);
                counts.declarations.add(func, inst);
                if dfg.insts[inst].opcode() == Opcode::Store {
                    if let Some(&v) = dfg.inst_args(inst).first() {
                        if let Some(s) = counts.stored.get_mut(aliases.resolve(func, v).index()) {
                            *s = true;
                        }
                    }
                }
            }
        }
        counts
    }

    /// The reads of `v`.
    pub fn reads(&self, v: cranelift_codegen::ir::Value) -> u32 {
        self.uses.get(v.index()).copied().unwrap_or(0)
    }

    /// `inst` leaves the layout: its reads and what it names no longer count. (A removed
    /// instruction is never a `store`, since only side-effect-free ones are removed, so `stored`
    /// holds.)
    pub fn forget_reads_of(&mut self, func: &Function, aliases: Aliases, inst: Inst) {
        self.declarations.count(func, &func.dfg.insts[inst], -1);
        let uses = &mut self.uses;
        each_read(func, inst, |v| {
            if let Some(n) = uses.get_mut(aliases.resolve(func, v).index()) {
                *n = n.saturating_sub(1);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use cranelift_codegen::ir::Function;
    use cranelift_reader::{ParseOptions, parse_test};

    use super::DeclarationUses;
    use super::UseCounts;
    use crate::fuel_passes::aliases::Aliases;
    use crate::fuel_passes::cleanup::has_side_effects;

    fn named(d: &DeclarationUses) -> (Vec<bool>, Vec<bool>) {
        (
            d.funcs.iter().map(|&n| n > 0).collect(),
            d.sigs.iter().map(|&n| n > 0).collect(),
        )
    }

    /// The counted declaration uses name what a walk of the layout finds, on fixtures with
    /// calls, `call_indirect`s, `func_addr`s and `try_call`s, and still do after every
    /// side-effect-free instruction (each `func_addr` among them) leaves the layout.
    #[test]
    fn declaration_uses_follow_the_layout() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/");
        let mut named_somewhere = 0;
        for name in [
            "ir/calls.clif",
            "ir/trycall.clif",
            "runtests/calls-indirect.clif",
            "fuel/calls-2026.clif",
            "fuel/br-table-2026.clif",
        ] {
            let text = std::fs::read_to_string(format!("{dir}{name}")).expect("fixture reads");
            let file = parse_test(&text, ParseOptions::default())
                .unwrap_or_else(|e| panic!("{name} parses: {e}"));
            for (func, _) in file.functions {
                let mut func: Function = func;
                let aliases = Aliases::of(&func);
                let mut counts = UseCounts::of(&func, aliases);
                let walked = DeclarationUses::of(&func);
                assert_eq!(named(&counts.declarations), named(&walked), "{name}");
                assert_eq!(counts.declarations.naming, walked.naming, "{name}");
                named_somewhere += walked.naming.len();
                let pure: Vec<_> = func
                    .layout
                    .blocks()
                    .flat_map(|b| func.layout.block_insts(b))
                    .filter(|&i| !has_side_effects(&func, i))
                    .collect();
                for i in pure {
                    counts.forget_reads_of(&func, aliases, i);
                    func.layout.remove_inst(i);
                }
                assert_eq!(
                    named(&counts.declarations),
                    named(&DeclarationUses::of(&func)),
                    "{name}, swept"
                );
            }
        }
        assert!(
            named_somewhere > 5,
            "only {named_somewhere} named functions compared"
        );
    }
}
