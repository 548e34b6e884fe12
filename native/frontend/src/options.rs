//! Options accepted by `translate` (deserialisable from the TypeScript side).

use serde::{Deserialize, Serialize};

use crate::cost::FuelCosts;
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
    /// `vanilla` only: the fuel each operator costs (Wasmtime's `Config::operator_cost`); the
    /// default is Wasmtime's default table.
    pub fuel_costs: FuelCosts,
    /// Where the runtime keeps each piece of instance state; `src/abi` owns the real values.
    pub layout: VmctxLayout,
    /// Bytes of address space the runtime reserves for a 32-bit linear memory (Wasmtime's
    /// `memory_reservation`, default 4 GiB), and the inaccessible guard behind it (Wasmtime's
    /// `memory_guard_size`, default 32 MiB). With the full 4 GiB reserved, an access whose
    /// static `offset + size` fits the guard needs no bounds check: any 32-bit index lands in
    /// the reservation or the guard, and the hardware faults on what is not accessible.
    pub memory_reservation: u64,
    pub memory_guard_size: u64,
    /// Wasmtime's `relaxed_simd_deterministic` (default false): relaxed SIMD operators take
    /// their deterministic lowering everywhere instead of the x86 instruction's own behaviour.
    pub relaxed_simd_deterministic: bool,
    /// Threads that translate the function bodies: 0 (the default) takes the machine's cores,
    /// up to 8. The text is the same whatever the number (the bodies are independent).
    pub threads: u32,
    /// Loads a memory's base `readonly can_move`, as Wasmtime does, so Cranelift hoists it out
    /// of loops into a register held for the whole function. Default false (plain `readonly`
    /// loads where the base is used); the runtime turns it on in every mode (docs/frontend.md,
    /// "Linear memory", has the measurements).
    pub hoist_memory_base: bool,
}

/// Wasmtime's defaults on 64-bit hosts.
pub const DEFAULT_MEMORY_RESERVATION: u64 = 1 << 32;
pub const DEFAULT_MEMORY_GUARD_SIZE: u64 = 32 << 20;

impl Default for TranslateOptions {
    fn default() -> Self {
        Self {
            metering: Metering::None,
            dynamic_bulk_cost: true,
            fuel_costs: FuelCosts::default(),
            layout: VmctxLayout::default(),
            memory_reservation: DEFAULT_MEMORY_RESERVATION,
            memory_guard_size: DEFAULT_MEMORY_GUARD_SIZE,
            relaxed_simd_deterministic: false,
            threads: 0,
            hoist_memory_base: false,
        }
    }
}
