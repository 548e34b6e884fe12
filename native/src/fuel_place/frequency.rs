//! Static block and edge frequencies (the TypeScript `estimateFrequencies`, same arithmetic in
//! the same order so both pick the same placement): branch probabilities from cold blocks and
//! loop exits, then mass propagated loop by loop, innermost first; a loop's returning mass
//! scales it by 1 / (1 - back), capped at 4096. An edge profile replaces the estimate.

use super::flow::Flow;
use super::loops::LoopForest;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const NORMAL: f64 = 1048576.0; // 2^20
const LOOP_EXIT: f64 = 32768.0; // 2^15
const COLD: f64 = 1.0;
const MAX_LOOP_SCALE: f64 = 4096.0;

pub struct Frequencies {
    pub block: Vec<f64>,
    pub edge: Vec<f64>,
}

/// Counts from an edge profile: how often the function ran and each edge (by edge id) ran.
pub struct EdgeCounts {
    pub entry_count: f64,
    pub edge_counts: Vec<f64>,
}

fn cold_blocks(flow: &Flow, user_cold: &dyn Fn(usize) -> bool) -> Vec<bool> {
    let mut cold = vec![false; flow.layout_index.len()];
    for &n in &flow.nodes {
        cold[n] = user_cold(n);
    }
    // Least fixpoint: a block whose successors are all cold is cold.
    let mut changed = true;
    while changed {
        changed = false;
        for &n in &flow.nodes {
            let out = &flow.out_edges[n];
            if !cold[n] && !out.is_empty() && out.iter().all(|&e| cold[flow.edges[e].to]) {
                cold[n] = true;
                changed = true;
            }
        }
    }
    cold
}

pub fn from_profile(flow: &Flow, profile: &EdgeCounts) -> Frequencies {
    let mut block = vec![0.0; flow.layout_index.len()];
    for &n in &flow.nodes {
        let incoming = flow.in_edges[n].iter().fold(0.0, |s, &e| {
            s + profile.edge_counts.get(e).copied().unwrap_or(0.0)
        });
        let base = if n == flow.entry {
            profile.entry_count
        } else {
            0.0
        };
        block[n] = (base + incoming) / profile.entry_count;
    }
    let edge = (0..flow.edges.len())
        .map(|e| profile.edge_counts.get(e).copied().unwrap_or(0.0) / profile.entry_count)
        .collect();
    Frequencies { block, edge }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Item {
    Node(usize),
    Loop(usize),
}

struct Summary {
    scale: f64,
    exits: Vec<(usize, f64)>,
    local: Vec<(Item, f64)>,
}

pub fn estimate(
    flow: &Flow,
    forest: &LoopForest,
    user_cold: &dyn Fn(usize) -> bool,
) -> Frequencies {
    let cold = cold_blocks(flow, user_cold);
    let mut prob = vec![0.0; flow.edges.len()];
    for &n in &flow.nodes {
        let out = &flow.out_edges[n];
        let weight = |e: usize| {
            let to = flow.edges[e].to;
            if cold[to] && !cold[n] {
                COLD
            } else if forest.is_exit_edge(n, to) {
                LOOP_EXIT
            } else {
                NORMAL
            }
        };
        let total = out.iter().fold(0.0, |a, &e| a + weight(e));
        for &e in out {
            prob[e] = weight(e) / total;
        }
    }
    let freq = propagate(flow, forest, &prob);
    let edge = flow
        .edges
        .iter()
        .enumerate()
        .map(|(id, e)| freq[e.from] * prob[id])
        .collect();
    Frequencies { block: freq, edge }
}

/// No loop summarized yet holds the block.
const NO_LOOP: usize = usize::MAX;

fn propagate(flow: &Flow, forest: &LoopForest, prob: &[f64]) -> Vec<f64> {
    let mut summaries: Vec<Option<Summary>> = (0..forest.loops.len()).map(|_| None).collect();
    // By block: the outermost loop summarized so far that holds it. Loops are summarized in
    // reverse pre-order, inner before outer, so while a loop is summarized this is, for each
    // of its blocks in a nested loop, the nested loop directly inside it (its item).
    let mut outermost = vec![NO_LOOP; flow.layout_index.len()];
    let mut slots = Slots::new(flow, forest);
    for i in (0..forest.loops.len()).rev() {
        let s = summarize(
            flow,
            forest,
            prob,
            &summaries,
            &outermost,
            Some(i),
            &mut slots,
        );
        summaries[i] = Some(s);
        for &n in &forest.loops[i].members {
            outermost[n] = i;
        }
    }
    let root = summarize(flow, forest, prob, &summaries, &outermost, None, &mut slots);
    let mut freq = vec![0.0; flow.layout_index.len()];
    assign(&root, 1.0, &summaries, &mut freq);
    freq
}

fn assign(summary: &Summary, entering: f64, summaries: &[Option<Summary>], freq: &mut [f64]) {
    let total = entering * summary.scale;
    for &(item, m) in &summary.local {
        match item {
            Item::Node(n) => freq[n] = total * m,
            Item::Loop(l) => {
                if let Some(child) = &summaries[l] {
                    assign(child, total * m, summaries, freq);
                }
            }
        }
    }
}

/// Dense slots by block, loop and edge for `summarize`, kept across its calls and reset to
/// `NO_SLOT` entry by entry after each (a function of many loops summarizes each).
struct Slots {
    node: Vec<u32>,
    looped: Vec<u32>,
    exit: Vec<u32>,
}

const NO_SLOT: u32 = u32::MAX;

impl Slots {
    fn new(flow: &Flow, forest: &LoopForest) -> Self {
        Slots {
            node: vec![NO_SLOT; flow.layout_index.len()],
            looped: vec![NO_SLOT; forest.loops.len()],
            exit: vec![NO_SLOT; flow.edges.len()],
        }
    }

    fn of(&mut self, it: Item) -> &mut u32 {
        match it {
            Item::Node(n) => &mut self.node[n],
            Item::Loop(l) => &mut self.looped[l],
        }
    }
}

fn summarize(
    flow: &Flow,
    forest: &LoopForest,
    prob: &[f64],
    summaries: &[Option<Summary>],
    outermost: &[usize],
    region: Option<usize>,
    slots: &mut Slots,
) -> Summary {
    let in_region = |n: usize| flow.reachable[n] && region.is_none_or(|r| forest.contains(r, n));
    // A block of the region directly, or the loop directly inside the region that holds it.
    let item_of = |n: usize| -> Item {
        match forest.innermost(n) {
            None => Item::Node(n),
            Some(l) if Some(l) == region => Item::Node(n),
            Some(_) => Item::Loop(outermost[n]),
        }
    };
    let root = [flow.entry];
    let headers: &[usize] = match region {
        Some(r) => &forest.loops[r].headers,
        None => &root,
    };
    let is_header = |n: usize| region.is_some() && headers.contains(&n);
    // Items in order of their first member in the layout.
    let blocks: &[usize] = match region {
        Some(r) => &forest.loops[r].members,
        None => &flow.nodes,
    };
    let mut items: Vec<(Item, usize)> = Vec::with_capacity(blocks.len());
    for &n in blocks {
        if !in_region(n) {
            continue;
        }
        let it = item_of(n);
        let slot = slots.of(it);
        if *slot == NO_SLOT {
            *slot = items.len() as u32;
            items.push((it, flow.layout_index[n]));
        }
    }
    // Each item's outflow (edge, share), all items' in one array: `flows[starts[k]..starts[k + 1]]`.
    // Most blocks end in a `brif` or a `jump`.
    let mut flows: Vec<(usize, f64)> = Vec::with_capacity(2 * items.len());
    let mut starts: Vec<usize> = Vec::with_capacity(items.len() + 1);
    for &(it, _) in &items {
        starts.push(flows.len());
        match it {
            Item::Node(n) => flows.extend(flow.out_edges[n].iter().map(|&e| (e, prob[e]))),
            Item::Loop(l) => {
                if let Some(s) = &summaries[l] {
                    flows.extend_from_slice(&s.exits);
                }
            }
        }
    }
    starts.push(flows.len());
    let slot_of = |slots: &mut Slots, n: usize| *slots.of(item_of(n)) as usize;
    // The items each item leads to (one entry per edge), laid out as `flows`.
    let mut indeg = vec![0usize; items.len()];
    let mut targets: Vec<usize> = Vec::with_capacity(flows.len());
    let mut target_starts: Vec<usize> = Vec::with_capacity(items.len() + 1);
    for k in 0..items.len() {
        target_starts.push(targets.len());
        for &(e, _) in &flows[starts[k]..starts[k + 1]] {
            let to = flow.edges[e].to;
            if !in_region(to) || is_header(to) {
                continue;
            }
            let tk = slot_of(slots, to);
            if tk == k {
                continue;
            }
            targets.push(tk);
            indeg[tk] += 1;
        }
    }
    target_starts.push(targets.len());
    let mut mass = vec![0.0; items.len()];
    for &h in headers {
        let hk = slot_of(slots, h);
        mass[hk] += 1.0 / headers.len() as f64;
    }
    // Ready items, the first in the layout first (items' first blocks differ, so no ties).
    let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..items.len())
        .filter(|&k| indeg[k] == 0)
        .map(|k| Reverse((items[k].1, k)))
        .collect();
    let mut back = 0.0;
    let mut exits: Vec<(usize, f64)> = Vec::new();
    while let Some(Reverse((_, k))) = ready.pop() {
        let m = mass[k];
        for &(e, share) in &flows[starts[k]..starts[k + 1]] {
            let to = flow.edges[e].to;
            let f = m * share;
            if !in_region(to) {
                match slots.exit[e] {
                    NO_SLOT => {
                        slots.exit[e] = exits.len() as u32;
                        exits.push((e, 0.0 + f));
                    }
                    i => exits[i as usize].1 += f,
                }
            } else if is_header(to) {
                back += f;
            } else {
                let tk = slot_of(slots, to);
                if tk != k {
                    mass[tk] += f;
                }
            }
        }
        for &tk in &targets[target_starts[k]..target_starts[k + 1]] {
            indeg[tk] -= 1;
            if indeg[tk] == 0 {
                ready.push(Reverse((items[tk].1, tk)));
            }
        }
    }
    // Leave the slots as they were found, for the next region.
    for &(it, _) in &items {
        *slots.of(it) = NO_SLOT;
    }
    for &(e, _) in &exits {
        slots.exit[e] = NO_SLOT;
    }
    let scale = if region.is_none() {
        1.0
    } else {
        1.0 / (1.0 - f64::min(back, 1.0 - 1.0 / MAX_LOOP_SCALE))
    };
    exits.sort_by_key(|&(e, _)| e);
    Summary {
        scale,
        exits: exits.into_iter().map(|(e, m)| (e, m * scale)).collect(),
        local: items
            .iter()
            .enumerate()
            .map(|(k, &(it, _))| (it, mass[k]))
            .collect(),
    }
}
