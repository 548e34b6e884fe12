//! The slacked fuel pipeline's first passes in Rust, on Cranelift's own `ir::Function` (issue
//! 16): `fuel-pinned` and `fuel-drop-checks`, ports of the TypeScript passes in
//! src/passes/fuel/ (which stay the reference and the test oracle). They edit the function in
//! place and create instructions in the TypeScript passes' order, so the printed text is the
//! same for the front end's functions. See docs/passes.md, "Native passes".

mod callees;
mod checks;
mod cleanup;
mod drop_checks;
mod error;
mod graph;
mod location;
mod pinned;
mod shapes;
mod web;

use cranelift_codegen::ir::Function;

pub use error::FuelPassError;

/// A pass the native pipeline runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativePass {
    FuelPinned,
    FuelDropChecks,
}

impl NativePass {
    /// The pass of a pipeline name; the names are the TypeScript passes' names.
    pub fn from_name(name: &str) -> Result<Self, String> {
        match name {
            "fuel-pinned" => Ok(NativePass::FuelPinned),
            "fuel-drop-checks" => Ok(NativePass::FuelDropChecks),
            // TODO(nplace): "fuel-place" from branch nplace (native/src/fuel_place/) joins here at merge.
            other => Err(format!(
                "the native pipeline has no pass `{other}` (it runs fuel-pinned and fuel-drop-checks, without options)"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NativePass::FuelPinned => "fuel-pinned",
            NativePass::FuelDropChecks => "fuel-drop-checks",
        }
    }
}

/// A comma-separated pipeline (`fuel-pinned,fuel-drop-checks`) as passes.
pub fn parse_pipeline(text: &str) -> Result<Vec<NativePass>, String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(NativePass::from_name).collect()
}

/// Runs `passes` on `func` in order.
pub fn run_passes(func: &mut Function, passes: &[NativePass]) -> Result<(), (NativePass, FuelPassError)> {
    for &pass in passes {
        let outcome = match pass {
            NativePass::FuelPinned => pinned::rewrite_to_pinned(func).map(|_| ()),
            NativePass::FuelDropChecks => drop_checks::drop_fuel_checks(func).map(|_| ()),
        };
        outcome.map_err(|e| (pass, e))?;
    }
    Ok(())
}
