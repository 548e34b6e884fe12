//! The fuel each operator costs, as Wasmtime 48's `OperatorCost` table (`Config::operator_cost`):
//! a flat cost per operator, keyed by the operator names Wasmtime uses (wasmparser's `Operator`
//! variants: `I32Add`, `MemoryFill`, ...), plus `variable` costs per byte or element of the bulk
//! operations, whose size is known only at run time. Unset entries keep Wasmtime's defaults.
//!
//! The JSON form is a partial table: `{"I32Add": 3, "variable": {"memory_fill_per_byte": 2}}`.
//! Unknown names are an error, so a misspelt operator cannot silently keep its default.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wasmparser::Operator;

/// Per-byte / per-element costs, Wasmtime's `VariableOperatorCost` field for field. The `array_*`
/// costs belong to the GC proposal, which this front end refuses; they are accepted so that a
/// table written for Wasmtime loads unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VariableCosts {
    pub memory_copy_per_byte: u8,
    pub memory_fill_per_byte: u8,
    pub memory_init_per_byte: u8,
    pub memory_grow_per_page: u8,
    pub table_copy_per_element: u8,
    pub table_fill_per_element: u8,
    pub table_init_per_element: u8,
    pub table_grow_per_element: u8,
    pub array_copy_per_element: u8,
    pub array_fill_per_element: u8,
    pub array_new_data_per_element: u8,
    pub array_init_data_per_element: u8,
    pub array_new_elem_per_element: u8,
    pub array_init_elem_per_element: u8,
    pub array_new_default_per_element: u8,
    pub array_new_per_element: u8,
}

impl Default for VariableCosts {
    /// Wasmtime 48's defaults: one unit per byte or element, nothing per page of `memory.grow`.
    fn default() -> Self {
        Self {
            memory_copy_per_byte: 1,
            memory_fill_per_byte: 1,
            memory_init_per_byte: 1,
            memory_grow_per_page: 0,
            table_copy_per_element: 1,
            table_fill_per_element: 1,
            table_init_per_element: 1,
            table_grow_per_element: 1,
            array_copy_per_element: 1,
            array_fill_per_element: 1,
            array_new_data_per_element: 1,
            array_init_data_per_element: 1,
            array_new_elem_per_element: 1,
            array_init_elem_per_element: 1,
            array_new_default_per_element: 1,
            array_new_per_element: 1,
        }
    }
}

// One enumerator per wasmparser operator, so a cost lookup is an array index, not a string hash.
macro_rules! define_operator_kinds {
    ($(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, dead_code)]
        #[derive(Clone, Copy)]
        enum OperatorKind { $($op,)* }

        /// Every operator name, in `OperatorKind` order.
        const OPERATOR_NAMES: &[&str] = &[$(stringify!($op),)*];

        fn operator_kind(op: &Operator<'_>) -> Option<OperatorKind> {
            match op {
                $(Operator::$op $({ $($arg: _),* })? => Some(OperatorKind::$op),)*
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    };
}
wasmparser::for_each_operator!(define_operator_kinds);

/// Wasmtime's default flat cost: nothing for operators that generate no code or only control
/// flow (`if` is charged: it tests a condition), one unit for everything else.
fn default_cost(name: &str) -> u8 {
    match name {
        "Nop" | "Drop" | "Block" | "Loop" | "Unreachable" | "Return" | "Else" | "End" => 0,
        _ => 1,
    }
}

/// A complete cost table (see the module comment for its JSON form).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CostSpec", into = "CostSpec")]
pub struct FuelCosts {
    /// Flat cost by `OperatorKind`.
    flat: Vec<u8>,
    pub variable: VariableCosts,
}

impl Default for FuelCosts {
    fn default() -> Self {
        Self {
            flat: OPERATOR_NAMES.iter().map(|n| default_cost(n)).collect(),
            variable: VariableCosts::default(),
        }
    }
}

impl FuelCosts {
    /// The flat cost of `op` (an operator unknown to the table costs Wasmtime's default 1).
    pub fn cost(&self, op: &Operator<'_>) -> i64 {
        operator_kind(op).map_or(1, |k| i64::from(self.flat[k as usize]))
    }

    /// Every operator name the table accepts.
    pub fn operator_names() -> &'static [&'static str] {
        OPERATOR_NAMES
    }
}

/// The JSON shape: flat costs by name next to the `variable` object.
#[derive(Serialize, Deserialize)]
struct CostSpec {
    #[serde(default)]
    variable: VariableCosts,
    #[serde(flatten)]
    operators: BTreeMap<String, u8>,
}

impl TryFrom<CostSpec> for FuelCosts {
    type Error = String;

    fn try_from(spec: CostSpec) -> Result<Self, String> {
        let mut costs = FuelCosts {
            variable: spec.variable,
            ..FuelCosts::default()
        };
        for (name, cost) in spec.operators {
            let Some(i) = OPERATOR_NAMES.iter().position(|n| *n == name) else {
                return Err(format!(
                    "unknown operator `{name}` in the fuel-cost table (names as Wasmtime's OperatorCost: I32Add, MemoryFill, ...)"
                ));
            };
            costs.flat[i] = cost;
        }
        Ok(costs)
    }
}

impl From<FuelCosts> for CostSpec {
    /// Only the entries that differ from the default, so echoed options stay short.
    fn from(c: FuelCosts) -> Self {
        let operators = OPERATOR_NAMES
            .iter()
            .zip(&c.flat)
            .filter(|(n, cost)| default_cost(n) != **cost)
            .map(|(n, cost)| (n.to_string(), *cost))
            .collect();
        CostSpec {
            variable: c.variable,
            operators,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op_cost(costs: &FuelCosts, wat: &str) -> i64 {
        let wasm = wat::parse_str(format!("(module (func {wat}))")).expect("wat");
        for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
            if let Ok(wasmparser::Payload::CodeSectionEntry(body)) = payload {
                let mut ops = body.get_operators_reader().expect("ops");
                return costs.cost(&ops.read().expect("op"));
            }
        }
        panic!("no code");
    }

    #[test]
    fn defaults_are_wasmtimes() {
        let d = FuelCosts::default();
        assert_eq!(op_cost(&d, "nop"), 0);
        assert_eq!(op_cost(&d, "unreachable"), 0);
        assert_eq!(op_cost(&d, "(block)"), 0);
        assert_eq!(op_cost(&d, "(if (i32.const 0) (then))"), 1);
        assert_eq!(op_cost(&d, "(drop (i32.const 1))"), 1);
        assert_eq!(d.variable.memory_grow_per_page, 0);
        assert_eq!(d.variable.memory_fill_per_byte, 1);
    }

    #[test]
    fn a_partial_table_overrides_what_it_names() {
        let c: FuelCosts = serde_json::from_str(
            r#"{"I32Const": 7, "Nop": 2, "variable": {"memory_fill_per_byte": 3}}"#,
        )
        .expect("parses");
        assert_eq!(op_cost(&c, "(drop (i32.const 1))"), 7);
        assert_eq!(op_cost(&c, "nop"), 2);
        assert_eq!(op_cost(&c, "(drop (i64.const 1))"), 1);
        assert_eq!(c.variable.memory_fill_per_byte, 3);
        assert_eq!(c.variable.memory_copy_per_byte, 1);
        let echoed = serde_json::to_value(&c).expect("serialises");
        assert_eq!(echoed["I32Const"], 7);
        assert!(echoed.get("I64Const").is_none());
        assert_eq!(
            serde_json::from_value::<FuelCosts>(echoed).expect("round trip"),
            c
        );
    }

    #[test]
    fn bad_tables_are_refused() {
        for bad in [
            r#"{"I32Ad": 1}"#,
            r#"{"I32Add": 256}"#,
            r#"{"I32Add": -1}"#,
            r#"{"I32Add": "1"}"#,
            r#"{"variable": {"memory_fill_per_bytes": 1}}"#,
        ] {
            assert!(
                serde_json::from_str::<FuelCosts>(bad).is_err(),
                "{bad} accepted"
            );
        }
    }
}
