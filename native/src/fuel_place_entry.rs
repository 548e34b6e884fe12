//! The napi entry of the Rust fuel-place: CLIF text of pinned-form functions in, each function
//! placed and printed by Cranelift's writer out, with the time spent in the pass alone.

use crate::clif_file;
use crate::errors::{Failure, NativeResult, guard};
use crate::fuel_place::{EdgeCounts, Outcome, PlaceOptions, SolverOptions, place_fuel};
use napi_derive::napi;
use std::time::Instant;

#[napi(object)]
pub struct FuelPlaceOptions {
    pub observe_traps: Option<bool>,
    pub split_edge_cost: Option<f64>,
    pub exchange_rounds: Option<u32>,
    pub exchange_budget: Option<f64>,
    pub search_limit: Option<f64>,
}

/// Per function: its edge counts by edge id, for profile-guided placement.
#[napi(object)]
pub struct FunctionEdgeCounts {
    pub name: String,
    pub entry_count: f64,
    pub edge_counts: Vec<f64>,
}

#[napi(object)]
pub struct PlacedFunction {
    pub name: String,
    pub text: String,
    /// `placed`, `no-fuel` or `too-large`.
    pub outcome: String,
    pub static_before: u32,
    pub static_after: u32,
    pub dynamic_before: f64,
    pub dynamic_after: f64,
    pub split_edges: u32,
    /// Milliseconds in the placement itself (not parsing or printing).
    pub place_ms: f64,
}

fn count(v: Option<f64>, default: u64) -> u64 {
    match v {
        Some(x) if x.is_finite() && x >= 0.0 => x as u64,
        _ => default,
    }
}

pub fn place_text(
    text: &str,
    options: &FuelPlaceOptions,
    profiles: &[FunctionEdgeCounts],
) -> NativeResult<Vec<PlacedFunction>> {
    let defaults = SolverOptions::default();
    let opts = PlaceOptions {
        observe_traps: options.observe_traps.unwrap_or(false),
        solver: SolverOptions {
            split_edge_cost: options
                .split_edge_cost
                .filter(|c| c.is_finite() && *c >= 0.0)
                .unwrap_or(defaults.split_edge_cost),
            exchange_rounds: options.exchange_rounds.unwrap_or(defaults.exchange_rounds),
            exchange_budget: count(options.exchange_budget, defaults.exchange_budget),
            search_limit: count(options.search_limit, defaults.search_limit).max(1),
        },
    };
    let readable = clif_file::readable(text);
    let file = clif_file::parse(&readable)?;
    let mut out = Vec::new();
    for (func, _) in file.functions {
        let mut func = func;
        let name = func.name.to_string();
        let profile = profiles
            .iter()
            .find(|p| p.name == name)
            .map(|p| EdgeCounts {
                entry_count: p.entry_count,
                edge_counts: p.edge_counts.clone(),
            });
        let started = Instant::now();
        let stats = place_fuel(&mut func, &opts, profile.as_ref()).map_err(|e| {
            Failure::FuelPlaceError {
                message: format!("{name}: {e}"),
                function: name.clone(),
            }
        })?;
        let place_ms = started.elapsed().as_secs_f64() * 1000.0;
        out.push(PlacedFunction {
            text: func.display().to_string(),
            name,
            outcome: match stats.outcome {
                Outcome::Placed => "placed",
                Outcome::NoFuel => "no-fuel",
                Outcome::TooLarge => "too-large",
            }
            .to_string(),
            static_before: stats.static_before as u32,
            static_after: stats.static_after as u32,
            dynamic_before: stats.dynamic_before,
            dynamic_after: stats.dynamic_after,
            split_edges: stats.split_edges as u32,
            place_ms,
        });
    }
    Ok(out)
}

/// fuel-place in Rust: every function of `text` (pinned form) placed and printed.
#[napi]
pub fn fuel_place(
    text: String,
    options: FuelPlaceOptions,
    profiles: Option<Vec<FunctionEdgeCounts>>,
) -> napi::Result<Vec<PlacedFunction>> {
    guard(|| place_text(&text, &options, profiles.as_deref().unwrap_or(&[])))
}
