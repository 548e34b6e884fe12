//! How many times each value is read, and which values a `store` writes: what fuel-place's
//! scan needs, and what fuel-drop-checks' dead-code sweep already counts. When fuel-place runs
//! right after that sweep the counts are handed on instead of walking the function again.

use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{Function, Inst, Opcode};

use super::aliases::Aliases;
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
}

impl UseCounts {
    /// One walk over every instruction in the layout (reachable or not).
    pub fn of(func: &Function, aliases: Aliases) -> Self {
        let dfg = &func.dfg;
        let mut counts = UseCounts {
            uses: vec![0; dfg.num_values()],
            stored: vec![false; dfg.num_values()],
        };
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                count_reads(&mut counts.uses, func, aliases, inst);
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

    /// `inst` leaves the layout: its reads no longer count. (A removed instruction is never a
    /// `store`, since only side-effect-free ones are removed, so `stored` holds.)
    pub fn forget_reads_of(&mut self, func: &Function, aliases: Aliases, inst: Inst) {
        let uses = &mut self.uses;
        each_read(func, inst, |v| {
            if let Some(n) = uses.get_mut(aliases.resolve(func, v).index()) {
                *n = n.saturating_sub(1);
            }
        });
    }
}
