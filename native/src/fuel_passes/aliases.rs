//! Value aliases, resolved only in functions that have any. The front end resolves every alias
//! before its functions reach the passes, and Cranelift's reader makes none, so looking each
//! operand up (about a fifth of the fuel web's time) is skipped when one scan of the values
//! finds no alias. The passes never create aliases, so the answer holds while they run.

use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{Function, Value};

#[derive(Debug, Clone, Copy)]
pub struct Aliases {
    any: bool,
}

impl Aliases {
    /// Scans `func`'s values. The reader fills unused value numbers with placeholder aliases of
    /// no type; a real alias has its value's type. (By number, not through `values()`, whose
    /// iterator is not inlined here and cost a call per value.)
    pub fn of(func: &Function) -> Self {
        let dfg = &func.dfg;
        Aliases {
            any: (0..dfg.num_values()).map(Value::new).any(|v| {
                dfg.value_is_alias(v) && dfg.value_type(v) != cranelift_codegen::ir::types::INVALID
            }),
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

#[cfg(test)]
mod tests {
    use super::Aliases;
    use cranelift_reader::{ParseOptions, parse_test};

    fn any_alias(text: &str) -> bool {
        let file = parse_test(text, ParseOptions::default()).expect("test CLIF parses");
        let (func, _) = file.functions.into_iter().next().expect("one function");
        Aliases::of(&func).any
    }

    /// Gaps in the value numbers are the reader's placeholders, not aliases; `v9 -> v1` is one.
    #[test]
    fn placeholders_are_not_aliases() {
        let gaps =
            "function %f(i64) -> i64 {\nblock0(v1: i64):\n    v7 = iadd v1, v1\n    return v7\n}\n";
        assert!(!any_alias(gaps));
        let alias = "function %f(i64) -> i64 {\nblock0(v1: i64):\n    v9 -> v1\n    v7 = iadd v9, v1\n    return v7\n}\n";
        assert!(any_alias(alias));
    }
}
