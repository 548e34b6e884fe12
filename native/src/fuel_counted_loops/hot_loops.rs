//! Which counted loops are worth a copy (src/passes/fuel/counted/hot-loops.ts): a copy saves a
//! loop's increments but grows the whole function the register allocator sees, so a loop is
//! versioned only when no block of its function is estimated to run more than `max_hot_ratio`
//! times as often as its header. Frequencies are fuel-place's static estimate, compared at 12
//! significant digits as the TypeScript pass compares them.

use std::collections::HashSet;

use cranelift_codegen::ir::{Block, Function};

use super::find::CountedLoop;
use crate::fuel_place::{estimated_block_frequencies, round_weight};

pub const DEFAULT_MAX_HOT_RATIO: f64 = 4.0;

pub fn hot_loops(func: &Function, loops: &[CountedLoop], max_hot_ratio: f64) -> HashSet<Block> {
    if loops.is_empty() {
        return HashSet::new();
    }
    let freq = estimated_block_frequencies(func);
    let at = |b: Block| freq.get(b.as_u32() as usize).copied().unwrap_or(0.0);
    let hottest = func.layout.blocks().map(at).fold(0.0, f64::max);
    let limit = round_weight(hottest);
    loops
        .iter()
        .filter(|l| limit <= round_weight(at(l.header) * max_hot_ratio))
        .map(|l| l.header)
        .collect()
}
