//! `--fuel-costs FILE.json`: a partial operator-cost table, keyed by Wasmtime's operator names
//! (`I32Add`, `MemoryFill`, ...) with a `variable` object for the per-byte/per-element costs
//! (`memory_fill_per_byte`, ...). Missing entries keep Wasmtime's defaults; unknown names are
//! an error, so a typo cannot silently leave a default in place.

use serde_json::Value;
use wasmtime::{OperatorCost, Result, bail, error::Context as _};

pub fn load(path: &str) -> Result<OperatorCost> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {path}"))?;
    let given: Value =
        serde_json::from_str(&text).with_context(|| format!("{path} is not JSON"))?;
    parse(&given).with_context(|| format!("bad fuel-cost table in {path}"))
}

pub fn parse(given: &Value) -> Result<OperatorCost> {
    // Start from Wasmtime's own defaults, serialised, and overlay what the file sets.
    let mut table = serde_json::to_value(OperatorCost::new())?;
    let (Some(given), Some(slots)) = (given.as_object(), table.as_object_mut()) else {
        bail!("the cost table must be a JSON object");
    };
    for (name, cost) in given {
        if name == "variable" {
            let (Some(costs), Some(Value::Object(vars))) =
                (cost.as_object(), slots.get_mut("variable"))
            else {
                bail!("`variable` must be an object");
            };
            for (field, c) in costs {
                let Some(slot) = vars.get_mut(field) else {
                    bail!("unknown variable cost `{field}`")
                };
                *slot = byte(field, c)?;
            }
            continue;
        }
        let Some(slot) = slots.get_mut(name) else {
            bail!("unknown operator `{name}`")
        };
        *slot = byte(name, cost)?;
    }
    Ok(serde_json::from_value(table)?)
}

fn byte(name: &str, v: &Value) -> Result<Value> {
    match v.as_u64() {
        Some(n) if n <= 255 => Ok(Value::from(n)),
        _ => bail!("cost of `{name}` must be a whole number from 0 to 255"),
    }
}
