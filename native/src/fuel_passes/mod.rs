//! The slacked fuel pipeline's first passes in Rust, on Cranelift's own `ir::Function` (issue
//! 16): `fuel-pinned` and `fuel-drop-checks`, ports of the TypeScript passes in
//! src/passes/fuel/ (which stay the reference and the test oracle). They edit the function in
//! place and create instructions in the TypeScript passes' order, so the printed text is the
//! same for the front end's functions. See docs/passes.md, "Native passes".

mod aliases;
mod callees;
mod checks;
mod cleanup;
mod cut_off;
mod drop_checks;
mod error;
mod graph;
mod grouped;
mod location;
mod pinned;
mod shapes;
mod use_counts;
mod web;

use cranelift_codegen::ir::Function;

pub(crate) use aliases::Aliases;
pub use error::FuelPassError;
pub(crate) use grouped::Grouped;
pub(crate) use shapes::insert_set_pinned_reg;
pub(crate) use use_counts::UseCounts;

/// The functions of `tests/fixtures/NAME` (a path below it, `ir/calls.clif`), as Cranelift's
/// reader gives them: for the tests that compare the passes' helpers with Cranelift on real text.
#[cfg(test)]
pub(crate) fn fixture_functions(name: &str) -> Vec<Function> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/");
    let text = std::fs::read_to_string(format!("{path}{name}"))
        .unwrap_or_else(|e| panic!("{name} reads: {e}"));
    let file = cranelift_reader::parse_test(&text, cranelift_reader::ParseOptions::default())
        .unwrap_or_else(|e| panic!("{name} parses: {e}"));
    file.functions.into_iter().map(|(f, _)| f).collect()
}

/// A pass the native pipeline runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativePass {
    FuelPinned,
    FuelDropChecks,
    /// `crate::fuel_place` with the TypeScript pass's default options.
    FuelPlace,
    /// `crate::fuel_counted_loops` with the TypeScript pass's default options (traps not observed).
    FuelCountedLoops,
}

impl NativePass {
    /// The pass of a pipeline name; the names are the TypeScript passes' names.
    pub fn from_name(name: &str) -> Result<Self, String> {
        match name {
            "fuel-pinned" => Ok(NativePass::FuelPinned),
            "fuel-drop-checks" => Ok(NativePass::FuelDropChecks),
            "fuel-place" => Ok(NativePass::FuelPlace),
            "fuel-counted-loops" => Ok(NativePass::FuelCountedLoops),
            other => Err(format!(
                "the native pipeline has no pass `{other}` (it runs fuel-pinned, fuel-drop-checks, fuel-place and fuel-counted-loops, without options)"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            NativePass::FuelPinned => "fuel-pinned",
            NativePass::FuelDropChecks => "fuel-drop-checks",
            NativePass::FuelPlace => "fuel-place",
            NativePass::FuelCountedLoops => "fuel-counted-loops",
        }
    }
}

/// A comma-separated pipeline (`fuel-pinned,fuel-drop-checks`) as passes.
pub fn parse_pipeline(text: &str) -> Result<Vec<NativePass>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(NativePass::from_name)
        .collect()
}

/// What the passes did, summed (the TypeScript passes' `--stats` counters).
#[derive(Debug, Clone, Copy, Default)]
pub struct PassStats {
    /// Increments fuel-pinned moved to the pinned register.
    pub increments: usize,
    /// Observed calls to non-pinned callees wrapped in a store and a reload.
    pub flushed_calls: usize,
    /// Checks fuel-drop-checks removed.
    pub dropped_checks: usize,
    /// Blocks removed (out-of-gas paths and unreachable code).
    pub removed_blocks: usize,
    /// Functions fuel-place placed (the others had no fuel, or charges too large to move).
    pub placed_functions: usize,
}

/// Runs `passes` on `func` in order, adding what they did to `stats`.
pub fn run_passes(
    func: &mut Function,
    passes: &[NativePass],
    stats: &mut PassStats,
) -> Result<(), (NativePass, FuelPassError)> {
    // What fuel-pinned passes to a fuel-drop-checks right after it; no other pass reads it.
    let mut handoff = None;
    // The use counts fuel-drop-checks' sweep leaves, for a fuel-place right after it.
    let mut counted = None;
    // No pass creates an alias, so one scan answers for the whole pipeline.
    let aliases = Aliases::of(func);
    for (n, &pass) in passes.iter().enumerate() {
        let handed = handoff.take();
        let counts = counted.take();
        let next = passes.get(n + 1).copied();
        match pass {
            NativePass::FuelPinned => {
                let defer = next == Some(NativePass::FuelDropChecks);
                if let Some(r) =
                    pinned::rewrite_to_pinned(func, defer, aliases).map_err(|e| (pass, e))?
                {
                    stats.increments += r.increments;
                    stats.flushed_calls += r.flushed_calls;
                    stats.removed_blocks += r.removed_unreachable_blocks;
                    handoff = defer.then_some(r.handoff);
                }
            }
            NativePass::FuelDropChecks => {
                let (dropped, uses) =
                    drop_checks::drop_fuel_checks(func, handed).map_err(|e| (pass, e))?;
                if let Some(d) = dropped {
                    stats.dropped_checks += d.checks;
                    stats.removed_blocks += d.removed_blocks;
                }
                counted = uses.filter(|_| next == Some(NativePass::FuelPlace));
            }
            NativePass::FuelPlace => {
                let placed = crate::fuel_place::place_fuel_knowing(
                    func,
                    &crate::fuel_place::PlaceOptions::default(),
                    None,
                    aliases,
                    counts,
                )
                .map_err(|e| {
                    (
                        pass,
                        FuelPassError {
                            message: e.message,
                            location: "pinned register".into(),
                        },
                    )
                })?;
                if placed.outcome == crate::fuel_place::Outcome::Placed {
                    stats.placed_functions += 1;
                }
            }
            NativePass::FuelCountedLoops => {
                crate::fuel_counted_loops::count_loops(
                    func,
                    false,
                    crate::fuel_counted_loops::DEFAULT_MAX_HOT_RATIO,
                )
                .map_err(|message| {
                    (
                        pass,
                        FuelPassError {
                            message,
                            location: "pinned register".into(),
                        },
                    )
                })?;
            }
        }
    }
    Ok(())
}
