//! fuel-place in Rust on Cranelift's own `Function`: re-places the constant fuel increments of
//! a function in pinned form (after fuel-pinned and fuel-drop-checks) so the fewest run, exact
//! at every observation point, every increment non-negative and every cycle keeping its cost.
//! A port of the TypeScript pass (src/passes/fuel/placement-clif and placement), which stays
//! the reference: same flow graph, frequencies, solver decisions and edit order, so the printed
//! result is the same text.

mod apply;
mod charge_graph;
mod flow;
mod frequency;
mod loops;
mod potentials;
mod scan;
pub(crate) mod scc;
mod solver;
#[cfg(test)]
mod tests;

/// xorshift64: the unit tests' reproducible stream of random bits.
#[cfg(test)]
pub(crate) struct Xorshift(pub u64);

#[cfg(test)]
impl Xorshift {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

pub use frequency::EdgeCounts;
pub use solver::SolverOptions;
pub(crate) use solver::round_weight;

use cranelift_codegen::ir::Function;

use crate::fuel_passes::{Aliases, UseCounts};

/// The function is not in a shape fuel-place can re-place safely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceError {
    pub message: String,
}

impl PlaceError {
    pub fn new(message: impl Into<String>) -> Self {
        PlaceError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for PlaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PlaceError {}

#[derive(Clone, Debug, Default)]
pub struct PlaceOptions {
    /// Conditional traps are observation points too.
    pub observe_traps: bool,
    pub solver: SolverOptions,
}

/// What happened to the function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The increments were re-placed (possibly to the same places).
    Placed,
    /// No pinned-register access at all: nothing to place.
    NoFuel,
    /// A segment charges more than 2^53 - 1: left exactly as it was.
    TooLarge,
}

#[derive(Clone, Copy, Debug)]
pub struct PlaceStats {
    pub outcome: Outcome,
    pub static_before: usize,
    pub static_after: usize,
    pub dynamic_before: f64,
    pub dynamic_after: f64,
    pub split_edges: usize,
    pub removed: usize,
    pub changed: usize,
    pub inserted: usize,
}

const MAX_EXACT: i128 = (1i128 << 53) - 1;

/// Re-places the constant increments of `func` (pinned form) in place. `profile`: edge counts
/// by edge id (branch destinations in layout and instruction order) instead of the estimate.
pub fn place_fuel(
    func: &mut Function,
    options: &PlaceOptions,
    profile: Option<&EdgeCounts>,
) -> Result<PlaceStats, PlaceError> {
    place_fuel_knowing(func, options, profile, Aliases::of(func), None)
}

/// [`place_fuel`] where the caller already knows `Aliases::of(func)` (a pipeline scans once:
/// no pass creates an alias) and maybe the function's use counts as it stands.
pub fn place_fuel_knowing(
    func: &mut Function,
    options: &PlaceOptions,
    profile: Option<&EdgeCounts>,
    aliases: Aliases,
    counts: Option<UseCounts>,
) -> Result<PlaceStats, PlaceError> {
    let mut stats = PlaceStats {
        outcome: Outcome::Placed,
        static_before: 0,
        static_after: 0,
        dynamic_before: 0.0,
        dynamic_after: 0.0,
        split_edges: 0,
        removed: 0,
        changed: 0,
        inserted: 0,
    };
    let Some(flow) = flow::Flow::build(func) else {
        return Err(PlaceError::new("the function has no blocks"));
    };
    let counts = counts.unwrap_or_else(|| UseCounts::of(func, aliases));
    let scan = scan::scan_pinned(func, &flow, options.observe_traps, aliases, counts)?;
    let mut total: i128 = 0;
    for block in scan.blocks.iter().flatten() {
        for seg in scan.segments_of(block) {
            if seg.cost > MAX_EXACT {
                stats.outcome = Outcome::TooLarge;
                return Ok(stats);
            }
            total += seg.cost;
        }
    }
    if !scan.uses_pinned_register {
        stats.outcome = Outcome::NoFuel;
        return Ok(stats);
    }
    // Potentials stay within the sum of all costs: keep that sum far from i64's range.
    if total > (1i128 << 60) {
        stats.outcome = Outcome::TooLarge;
        return Ok(stats);
    }
    if !flow.in_edges[flow.entry].is_empty() {
        return Err(PlaceError::new(format!(
            "block{} is the entry and has predecessors",
            flow.entry
        )));
    }
    if let Some(e) = flow
        .edges
        .iter()
        .find(|e| flow.layout_index.get(e.to).is_none_or(|&i| i == usize::MAX))
    {
        return Err(PlaceError::new(format!(
            "block{} branches to block{}, which is not in the layout",
            e.from, e.to
        )));
    }
    let freq = match profile {
        Some(p) => {
            if p.edge_counts.len() != flow.edges.len() {
                return Err(PlaceError::new(format!(
                    "edge profile has {} counts but the function has {} edges",
                    p.edge_counts.len(),
                    flow.edges.len()
                )));
            }
            frequency::from_profile(&flow, p)
        }
        None => {
            let forest = loops::LoopForest::build(&flow);
            frequency::estimate(&flow, &forest, &|b| {
                func.layout
                    .is_cold(cranelift_codegen::ir::Block::from_u32(b as u32))
            })
        }
    };
    let graph = charge_graph::build(&flow, &scan, options.observe_traps);
    let placement = solver::place(&flow, &graph, scan.counts().0, &freq, &options.solver);
    for &b in &flow.nodes {
        if !flow.reachable[b] {
            continue;
        }
        for seg in scan.blocks[b].iter().flat_map(|s| scan.segments_of(s)) {
            let n = scan
                .constants_of(seg)
                .iter()
                .filter(|c| c.amount != Some(0))
                .count();
            stats.static_before += n;
            stats.dynamic_before += n as f64 * freq.block[b];
        }
        let placed = scan.blocks[b]
            .as_ref()
            .map_or(0..0, |s| scan.segment_range(s));
        for &k in &placement.segments[placed] {
            if k != 0 {
                stats.static_after += 1;
                stats.dynamic_after += freq.block[b];
            }
        }
    }
    for (e, &k) in placement.edges.iter().enumerate() {
        if k != 0 {
            stats.static_after += 1;
            stats.split_edges += 1;
            stats.dynamic_after += freq.edge[e];
        }
    }
    let applied = apply::apply(func, &flow, &scan, &placement)?;
    stats.removed = applied.removed;
    stats.changed = applied.changed;
    stats.inserted = applied.inserted;
    Ok(stats)
}

/// The static frequency estimate of every block of `func` (by block number; 0 for blocks not
/// reached), as fuel-place computes it: for fuel-counted-loops, which versions only the loops
/// where a function spends its time (and compares them as fuel-place does, `round_weight`).
pub(crate) fn estimated_block_frequencies(func: &Function) -> Vec<f64> {
    let Some(flow) = flow::Flow::build(func) else {
        return Vec::new();
    };
    let forest = loops::LoopForest::build(&flow);
    frequency::estimate(&flow, &forest, &|b| {
        func.layout
            .is_cold(cranelift_codegen::ir::Block::from_u32(b as u32))
    })
    .block
}
