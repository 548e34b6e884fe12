//! Value aliases, resolved only in functions that have any. The front end resolves every alias
//! before its functions reach the passes, and Cranelift's reader makes none, so looking each
//! operand up (about a fifth of the fuel web's time) is skipped when one scan of the values
//! finds no alias. The passes never create aliases, so the answer holds while they run.

use cranelift_codegen::ir::{Function, Value};

#[derive(Debug, Clone, Copy)]
pub struct Aliases {
    any: bool,
}

impl Aliases {
    /// Scans `func`'s values (`values()` leaves out the reader's placeholders for unused numbers).
    pub fn of(func: &Function) -> Self {
        let dfg = &func.dfg;
        Aliases {
            any: dfg.values().any(|v| dfg.value_is_alias(v)),
        }
    }

    /// The value `v` stands for.
    #[inline]
    pub fn resolve(self, func: &Function, v: Value) -> Value {
        if self.any {
            func.dfg.resolve_aliases(v)
        } else {
            v
        }
    }
}
