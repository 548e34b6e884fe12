//! How many times each value is read, which values a `store` writes, and which declarations
//! instructions name: what fuel-place's scan needs, what fuel-drop-checks' dead-code sweep and
//! its removal of unused declarations ask. The fuel web counts them while it classifies the
//! instructions; fuel-pinned and fuel-drop-checks keep the counts exact through their edits
//! (an instruction leaving the layout is forgotten, a replaced or removed operand loses its read,
//! and the instructions made are counted once the edits are done), and hand them on, so that no
//! pass walks the whole function again to count (a walk was about 5 % of the passes' time).

use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{Function, Inst, InstructionData, Opcode, Value};

use super::aliases::Aliases;
use super::cleanup::{func_ref_in, sig_ref_of};
use super::graph::{each_read, plain_args};

/// Whether an instruction of `op` names an external function or a signature.
fn names_declarations(op: Opcode) -> bool {
    op.is_call() || op == Opcode::FuncAddr
}

/// Counts by (alias-resolved) value number, exact for the function as it stands.
#[derive(Debug, Clone)]
pub struct UseCounts {
    pub uses: Vec<u32>,
    /// How many `store`s write each value.
    pub stored: Vec<u32>,
    /// By declaration number, the instructions in the layout that name it.
    pub declarations: DeclarationUses,
}

/// How many instructions name each external function (`call`, `try_call`, `func_addr`) and each
/// signature (`call_indirect`'s, and an exception table's), and the instructions that named one
/// while counted (some may have left the layout since, and one may be listed twice, which the
/// renumbering removes first): renumbering the declarations edits only them.
#[derive(Debug, Clone)]
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
                if names_declarations(func.dfg.insts[inst].opcode()) {
                    uses.count(func, inst, 1);
                }
            }
        }
        uses
    }

    /// Adds `by` (1, or `u32::MAX` for -1: an instruction leaving the layout) to what `inst`
    /// names; `inst` is a call or a `func_addr`. Out of line: about one instruction in fifty.
    #[cold]
    fn count(&mut self, func: &Function, inst: Inst, by: u32) {
        let data: &InstructionData = &func.dfg.insts[inst];
        if by == 1 {
            self.naming.push(inst);
        }
        let add = |n: &mut u32| *n = n.wrapping_add(by);
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
    /// Nothing counted yet, sized for `func` as it stands.
    pub fn empty(func: &Function) -> Self {
        let values = func.dfg.num_values();
        UseCounts {
            uses: vec![0; values],
            stored: vec![0; values],
            declarations: DeclarationUses::new(func),
        }
    }

    /// One walk over every instruction in the layout (reachable or not).
    pub fn of(func: &Function, aliases: Aliases) -> Self {
        let mut counts = Self::empty(func);
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                counts.add(func, aliases, inst);
            }
        }
        counts
    }

    /// Counts `inst` (in the layout, or about to be): its reads, its store, what it names.
    pub fn add(&mut self, func: &Function, aliases: Aliases, inst: Inst) {
        self.count::<1>(func, aliases, inst);
    }

    /// `inst` is about to change or leave the layout: its share no longer counts.
    pub fn forget(&mut self, func: &Function, aliases: Aliases, inst: Inst) {
        self.count::<{ u32::MAX }>(func, aliases, inst);
    }

    /// `add`, and whether one of `inst`'s arguments (not its branch arguments), resolved, is
    /// a value `asked` holds. The web's classification asks that of every instruction; for the
    /// formats most instructions have it is answered in the same look at the arguments.
    #[inline]
    pub fn add_asking(
        &mut self,
        func: &Function,
        aliases: Aliases,
        inst: Inst,
        asked: impl Fn(Value) -> bool,
    ) -> bool {
        let dfg = &func.dfg;
        let Some(args) = plain_args(&dfg.insts[inst]) else {
            self.add(func, aliases, inst);
            return dfg
                .inst_args(inst)
                .iter()
                .any(|&a| asked(aliases.resolve(func, a)));
        };
        let mut any = false;
        for &v in args {
            let v = aliases.resolve(func, v);
            if let Some(n) = self.uses.get_mut(v.index()) {
                *n += 1;
            }
            any |= asked(v);
        }
        self.count_store_and_names::<1>(func, aliases, inst);
        any
    }

    /// Adds `BY` (1, or `u32::MAX` for -1, wrapping) to what `inst` counts for.
    #[inline]
    fn count<const BY: u32>(&mut self, func: &Function, aliases: Aliases, inst: Inst) {
        let by = BY;
        let uses = &mut self.uses;
        each_read(func, inst, |v| {
            if let Some(n) = uses.get_mut(aliases.resolve(func, v).index()) {
                *n = n.wrapping_add(by);
            }
        });
        self.count_store_and_names::<BY>(func, aliases, inst);
    }

    /// The part of `count` past the reads: the value a `store` writes, the declarations named.
    #[inline]
    fn count_store_and_names<const BY: u32>(
        &mut self,
        func: &Function,
        aliases: Aliases,
        inst: Inst,
    ) {
        let by = BY;
        let dfg = &func.dfg;
        let op = dfg.insts[inst].opcode();
        if op == Opcode::Store {
            if let Some(&v) = dfg.inst_args(inst).first() {
                if let Some(n) = self.stored.get_mut(aliases.resolve(func, v).index()) {
                    *n = n.wrapping_add(by);
                }
            }
        } else if names_declarations(op) {
            self.declarations.count(func, inst, by);
        }
    }

    /// Sized for the values and declarations made since the counts were sized.
    fn grow(&mut self, func: &Function) {
        let values = func.dfg.num_values();
        self.uses.resize(values, 0);
        self.stored.resize(values, 0);
        let d = &mut self.declarations;
        d.funcs
            .resize(func.dfg.ext_funcs.len().max(d.funcs.len()), 0);
        d.sigs
            .resize(func.dfg.signatures.len().max(d.sigs.len()), 0);
    }

    /// Counts the instructions numbered from `first` on (made since) that are in the layout.
    pub fn add_made(&mut self, func: &Function, aliases: Aliases, first: usize) {
        self.grow(func);
        for i in (first..func.dfg.num_insts()).map(Inst::new) {
            if func.layout.inst_block(i).is_some() {
                self.add(func, aliases, i);
            }
        }
    }

    /// An instruction in the layout no longer reads `v` (one of its operands was replaced or
    /// removed).
    pub fn read_lost(&mut self, func: &Function, aliases: Aliases, v: Value) {
        if let Some(n) = self.uses.get_mut(aliases.resolve(func, v).index()) {
            *n = n.wrapping_sub(1);
        }
    }

    /// An instruction in the layout now reads `v` (maybe a value made since the counts were sized).
    pub fn read_gained(&mut self, func: &Function, aliases: Aliases, v: Value) {
        let v = aliases.resolve(func, v).index();
        if v >= self.uses.len() {
            // Room for the values still to come (`add_made` sizes the counts exactly).
            self.uses
                .resize(func.dfg.num_values() + self.uses.len() / 8, 0);
        }
        if let Some(n) = self.uses.get_mut(v) {
            *n = n.wrapping_add(1);
        }
    }

    /// The reads of `v`.
    pub fn reads(&self, v: cranelift_codegen::ir::Value) -> u32 {
        self.uses.get(v.index()).copied().unwrap_or(0)
    }

    /// Whether these are the counts a fresh walk of `func` gives (the naming list may hold more).
    pub fn match_a_fresh_count(&self, func: &Function, aliases: Aliases) -> bool {
        let fresh = Self::of(func, aliases);
        let d = &self.declarations;
        self.uses == fresh.uses
            && self.stored == fresh.stored
            && d.funcs == fresh.declarations.funcs
            && d.sigs == fresh.declarations.sigs
            && fresh
                .declarations
                .naming
                .iter()
                .all(|i| d.naming.contains(i))
    }
}

#[cfg(test)]
mod tests {
    use cranelift_codegen::ir::Function;

    use super::{DeclarationUses, UseCounts};
    use crate::fuel_passes::aliases::Aliases;
    use crate::fuel_passes::cleanup::has_side_effects;
    use crate::fuel_passes::fixture_functions;

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
        let mut named_somewhere = 0;
        for name in [
            "ir/calls.clif",
            "ir/trycall.clif",
            "runtests/calls-indirect.clif",
            "fuel/calls-2026.clif",
            "fuel/br-table-2026.clif",
        ] {
            for mut func in fixture_functions(name) {
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
                    counts.forget(&func, aliases, i);
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

    /// The counts fuel-pinned keeps through its rewrite, and fuel-drop-checks through its own,
    /// are a fresh count's, on every function of the built-in suite's vanilla modules (checks,
    /// loops, calls, flushes, `br_table`s), and on the fuel fixtures Cranelift's reader takes.
    #[test]
    fn kept_counts_are_fresh_counts_after_each_pass() {
        use crate::fuel_passes::drop_checks::drop_fuel_checks;
        use crate::fuel_passes::pinned::rewrite_to_pinned;
        use std::sync::atomic::{AtomicUsize, Ordering};

        let rewritten = AtomicUsize::new(0);
        let check = |func: &mut Function| -> Result<(), String> {
            let aliases = Aliases::of(func);
            let Some(r) = rewrite_to_pinned(func, true, aliases).map_err(|e| e.message)? else {
                return Ok(());
            };
            if !r.handoff.counts.match_a_fresh_count(func, aliases) {
                return Err("after fuel-pinned".into());
            }
            let (_, counts) = drop_fuel_checks(func, Some(r.handoff)).map_err(|e| e.message)?;
            if !counts.is_some_and(|c| c.match_a_fresh_count(func, aliases)) {
                return Err("after fuel-drop-checks".into());
            }
            rewritten.fetch_add(1, Ordering::Relaxed);
            Ok(())
        };
        let options = slackfuel_frontend::TranslateOptions {
            metering: slackfuel_frontend::Metering::Vanilla,
            ..Default::default()
        };
        let wasm_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/wasm");
        let mut modules = 0;
        for entry in std::fs::read_dir(wasm_dir).expect("bench/wasm lists") {
            let path = entry.expect("an entry").path();
            if path.extension().is_none_or(|e| e != "wasm") {
                continue;
            }
            let wasm = std::fs::read(&path).expect("module reads");
            let rewrite = |_: u32, func: &mut Function| check(func);
            if let Err(e) = slackfuel_frontend::translate_rewriting(&wasm, &options, &rewrite) {
                panic!("{}: {e:?}", path.display());
            }
            modules += 1;
        }
        for name in [
            "calls-2026",
            "br-table-2026",
            "loop-2026",
            "nested-loops-2026-opt",
        ] {
            for mut func in fixture_functions(&format!("fuel/{name}.clif")) {
                check(&mut func).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        let rewritten = rewritten.into_inner();
        assert!(
            modules >= 10 && rewritten > 500,
            "{modules} modules, {rewritten} functions"
        );
    }
}
