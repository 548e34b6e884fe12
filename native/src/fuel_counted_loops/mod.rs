//! fuel-counted-loops in Rust on Cranelift's own `Function` (issue 16): after fuel-place, a
//! loop whose trip count is known on entry and whose every iteration charges the same is
//! versioned, so that when the counter can pay the whole loop up front the preheader charges it
//! once and a copy of the loop without increments runs. A port of the TypeScript pass
//! (src/passes/fuel/fuel-counted-loops.ts and counted/), which stays the reference: same loops,
//! same order, same edits, so the printed result is the same text. docs/passes.md,
//! "fuel-counted-loops".

mod find;
mod graph;
mod hot_loops;
mod increments;
#[cfg(test)]
mod tests;
mod trip_count;
mod version;

use std::collections::HashSet;

use cranelift_codegen::ir::{Function, Opcode};

pub use find::Rejection;
pub use hot_loops::DEFAULT_MAX_HOT_RATIO;

#[derive(Clone, Debug, Default)]
pub struct CountedStats {
    /// Loops versioned, and how many of them exit from their top.
    pub versioned: usize,
    pub versioned_top_exit: usize,
    /// Loops left alone on the first search, with why.
    pub rejected: Vec<Rejection>,
}

fn reads_pinned_register(func: &Function) -> bool {
    func.layout.blocks().any(|b| {
        func.layout
            .block_insts(b)
            .any(|i| func.dfg.insts[i].opcode() == Opcode::GetPinnedReg)
    })
}

/// Loops versioned in one function at most. Each is found again on the function as the one
/// before left it, so without a limit the pass grew with the square of the function's size:
/// 1,000 counted loops in a row took 18.5 s (docs/results.md, "Shapes a guest controls").
/// Real programs version at most 12 in one function (zstd).
pub const MAX_VERSIONED_LOOPS: usize = 64;

/// Versions the counted loops of `func` (pinned form, placed) where it spends its time (no block
/// estimated to run more than `max_hot_ratio` times as often as the loop's header). With
/// `observe_traps`, loops that may trap are left alone (the prepaid copy would trap with the
/// counter ahead). An error is an internal inconsistency; the function may then be half edited
/// and must not be used.
pub fn count_loops(
    func: &mut Function,
    observe_traps: bool,
    max_hot_ratio: f64,
) -> Result<CountedStats, String> {
    let mut stats = CountedStats::default();
    if !reads_pinned_register(func) {
        return Ok(stats);
    }
    let first = find::find_counted_loops(func, observe_traps);
    stats.rejected = first.rejected;
    // One loop at a time: versioning splits edges and renames values other loops refer to, so
    // each is found again on the current function. Originals stay counted loops: skip them, and
    // the loops that are not hot (decided once, on the function as it came in).
    let hot = hot_loops::hot_loops(func, &first.loops, max_hot_ratio);
    let mut done: HashSet<_> = first
        .loops
        .iter()
        .map(|l| l.header)
        .filter(|h| !hot.contains(h))
        .collect();
    stats
        .rejected
        .extend(std::iter::repeat_n(Rejection::NotHottest, done.len()));
    let mut next = first.loops.into_iter().find(|l| !done.contains(&l.header));
    while let Some(lp) = next {
        if stats.versioned == MAX_VERSIONED_LOOPS {
            let left = find::find_counted_loops(func, observe_traps)
                .loops
                .iter()
                .filter(|l| !done.contains(&l.header))
                .count();
            stats
                .rejected
                .extend(std::iter::repeat_n(Rejection::OverLimit, left));
            break;
        }
        version::version_loop(func, &lp)?;
        done.insert(lp.header);
        stats.versioned += 1;
        if lp.exit_at == find::ExitAt::Top {
            stats.versioned_top_exit += 1;
        }
        next = find::first_counted_loop(func, observe_traps, &done);
    }
    Ok(stats)
}
