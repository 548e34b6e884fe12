//! Options accepted by `translate` (deserialisable from the TypeScript side).

use serde::{Deserialize, Serialize};

use crate::layout::VmctxLayout;

/// Which metering the emitted CLIF carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Metering {
    /// No instrumentation.
    #[default]
    None,
    /// Wasmtime's fuel metering: counter cached in a variable, checks at entry and loop headers.
    Vanilla,
    /// Wasmtime's epoch interruption: checks at entry and loop headers, cold slow path.
    Epoch,
}

/// Options for one translation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TranslateOptions {
    pub metering: Metering,
    /// `vanilla` only: charge bulk operations (`memory.fill/copy/init`, `table.fill/copy/init`)
    /// one unit per byte or element at run time, with a check. Default true.
    pub dynamic_bulk_cost: bool,
    /// Where the runtime keeps each piece of instance state; `src/abi` owns the real values.
    pub layout: VmctxLayout,
}

impl Default for TranslateOptions {
    fn default() -> Self {
        Self {
            metering: Metering::None,
            dynamic_bulk_cost: true,
            layout: VmctxLayout::default(),
        }
    }
}
