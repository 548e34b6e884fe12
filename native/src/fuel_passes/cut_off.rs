//! fuel-pinned's safety net: after the rewrite no counter value may be read except by the
//! `set_pinned_reg` that follows its increment. Walking every instruction's operands to prove it
//! took about 7 % of the pipeline, so it is read from the use counts the dead-code sweep takes
//! anyway: the counter values' reads must add up to one per increment, each increment's
//! `set_pinned_reg` still in place (that is one read each, so nothing else reads a counter
//! value). Without counts, or when they do not add up, the walk decides and names the reader.

use cranelift_codegen::entity::EntitySet;
use cranelift_codegen::ir::{Function, Inst, Opcode, Value};

use super::aliases::Aliases;
use super::cleanup::locate_inst;
use super::error::{FuelPassError, FuelResult};
use super::graph::inst_values;
use super::use_counts::UseCounts;

/// The counter values a rewrite cut off, and the `set_pinned_reg` written after each increment.
#[derive(Debug, Clone)]
pub struct CutOff {
    pub values: EntitySet<Value>,
    /// (increment result, the `set_pinned_reg` reading it).
    pub sets: Vec<(Value, Inst)>,
    pub aliases: Aliases,
    /// The counter location, for the diagnostic.
    pub location: String,
}

impl CutOff {
    /// Ok when no instruction in the layout other than a `set_pinned_reg` reads a counter value.
    pub fn confirm(&self, func: &Function, counts: Option<&UseCounts>) -> FuelResult<()> {
        if counts.is_some_and(|c| self.adds_up(func, c)) {
            return Ok(());
        }
        self.walk(func)
    }

    fn adds_up(&self, func: &Function, counts: &UseCounts) -> bool {
        let sets_in_place = self.sets.iter().all(|&(result, set)| {
            func.layout.inst_block(set).is_some()
                && func.dfg.insts[set].opcode() == Opcode::SetPinnedReg
                && func
                    .dfg
                    .inst_args(set)
                    .first()
                    .map(|&a| self.aliases.resolve(func, a))
                    == Some(result)
        });
        let reads: u64 = self.values.iter().map(|v| u64::from(counts.reads(v))).sum();
        sets_in_place && reads == self.sets.len() as u64
    }

    fn walk(&self, func: &Function) -> FuelResult<()> {
        for b in func.layout.blocks() {
            for i in func.layout.block_insts(b) {
                if func.dfg.insts[i].opcode() == Opcode::SetPinnedReg {
                    continue;
                }
                if let Some(v) =
                    inst_values(func, self.aliases, i).find(|&v| self.values.contains(v))
                {
                    return Err(FuelPassError {
                        message: format!(
                            "internal error: counter value {v} is still used after the rewrite ({})",
                            locate_inst(func, i)
                        ),
                        location: self.location.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{CutOff, UseCounts};
    use crate::fuel_passes::Aliases;
    use cranelift_codegen::entity::EntitySet;
    use cranelift_codegen::ir::{Function, Inst, Value};
    use cranelift_reader::{ParseOptions, parse_test};

    fn function(text: &str) -> Function {
        let file = parse_test(text, ParseOptions::default()).expect("test CLIF parses");
        file.functions.into_iter().next().expect("one function").0
    }

    /// The cut-off of v3, the counter after an increment whose `set_pinned_reg` is inst3.
    fn cut_of_v3(f: &Function) -> CutOff {
        let mut values = EntitySet::new();
        values.insert(Value::from_u32(3));
        CutOff {
            values,
            sets: vec![(Value::from_u32(3), Inst::from_u32(3))],
            aliases: Aliases::of(f),
            location: "test".into(),
        }
    }

    /// A rewritten block0 whose `set_pinned_reg v3` is followed by `extra` (the reader under
    /// test) and the return.
    fn rewritten(extra: &str) -> (Function, CutOff) {
        let f = function(&format!(
            "function %f(i64 vmctx) -> i64 tail {{\nblock0(v0: i64):\n    v1 = iconst.i64 5\n    v2 = get_pinned_reg.i64\n    v3 = iadd v2, v1\n    set_pinned_reg v3\n{extra}    v9 = iconst.i64 0\n    return v9\n}}"
        ));
        let cut = cut_of_v3(&f);
        (f, cut)
    }

    #[test]
    fn the_counts_confirm_a_clean_rewrite_without_the_walk() {
        let (f, cut) = rewritten("");
        let counts = UseCounts::of(&f, cut.aliases);
        assert!(cut.adds_up(&f, &counts));
        assert!(cut.confirm(&f, Some(&counts)).is_ok());
        assert!(cut.confirm(&f, None).is_ok());
    }

    #[test]
    fn a_reader_left_behind_is_named_with_or_without_counts() {
        let (f, cut) =
            rewritten("    v5 = iconst.i64 1\n    v4 = iadd v3, v5\n    store v4, v0+8\n");
        let counts = UseCounts::of(&f, cut.aliases);
        assert!(!cut.adds_up(&f, &counts));
        for given in [Some(&counts), None] {
            let e = cut.confirm(&f, given).expect_err("v3 is still read");
            assert!(
                e.message.contains("counter value v3 is still used"),
                "{}",
                e.message
            );
            assert!(e.message.contains("iadd v3, v5"), "{}", e.message);
        }
    }

    #[test]
    fn a_moved_set_does_not_count_as_the_increments_read() {
        // The one read of v3 is a store, not the set the rewrite wrote (inst3 is now that store).
        let f = function(
            "function %f(i64 vmctx) -> i64 tail {\nblock0(v0: i64):\n    v1 = iconst.i64 5\n    v2 = get_pinned_reg.i64\n    v3 = iadd v2, v1\n    store v3, v0+8\n    v9 = iconst.i64 0\n    return v9\n}",
        );
        let cut = cut_of_v3(&f);
        let counts = UseCounts::of(&f, cut.aliases);
        assert!(!cut.adds_up(&f, &counts));
        assert!(cut.confirm(&f, Some(&counts)).is_err());
    }
}
