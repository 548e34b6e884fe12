//! Where the counter lives (src/passes/fuel/web/presets.ts): a pointer at
//! `vmctx + context_offset`, the i64 counter at `pointer + counter_offset`. `auto` tries the
//! presets in this order; the first one the function proves wins.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuelLocation {
    pub name: &'static str,
    pub context_offset: i64,
    pub counter_offset: i64,
}

/// Wasmtime since 2023 (`VMStoreContext.fuel_consumed` through `vmctx+8`); also slackfuel's ABI.
pub const WASMTIME_2026: FuelLocation = FuelLocation {
    name: "wasmtime-2026",
    context_offset: 8,
    counter_offset: 0,
};
/// Wasmtime in 2022 (`VMRuntimeLimits.fuel_consumed` at 8 through `vmctx+8`).
pub const WASMTIME_2022: FuelLocation = FuelLocation {
    name: "wasmtime-2022",
    context_offset: 8,
    counter_offset: 8,
};
/// slackfuel's runtime keeps Wasmtime 2026's layout (src/abi/vmctx-layout.ts).
pub const SLACKFUEL: FuelLocation = FuelLocation {
    name: "slackfuel",
    context_offset: 8,
    counter_offset: 0,
};

/// The order `auto` tries, as the TypeScript `AUTO_PRESET_ORDER`.
pub const AUTO_ORDER: [FuelLocation; 3] = [WASMTIME_2026, WASMTIME_2022, SLACKFUEL];
