//! Program points and the steps between them for the reachable blocks (the TypeScript
//! `buildChargeGraph`, same point and step numbering): per block, a start and an end point per
//! segment; calls (and observed traps) make the points around them observation points, other
//! boundaries are zero-cost steps; a try_call adds an after-call start point from which the
//! block's edges leave; edge steps come last, block by block.

use super::flow::Flow;
use super::scan::{BlockEnd, Boundary, Scan};

#[derive(Clone, Copy, Debug)]
pub enum StepKind {
    /// The segment numbered `at` among all the scan's segments (they run block by block).
    Segment {
        block: usize,
        at: usize,
    },
    Edge {
        edge: usize,
    },
    Boundary,
}

#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub kind: StepKind,
    pub tail: usize,
    pub head: usize,
    pub cost: i64,
}

pub struct ChargeGraph {
    pub point_count: usize,
    pub steps: Vec<Step>,
    pub is_start: Vec<bool>,
    /// Observation points in increasing order.
    pub observation: Vec<usize>,
    /// Exit point of each block (usize::MAX when it has none).
    pub exit: Vec<usize>,
}

const NONE: usize = usize::MAX;

pub fn build(flow: &Flow, scan: &Scan, observe_traps: bool) -> ChargeGraph {
    let size = flow.layout_index.len();
    let mut point_count = 0usize;
    let mut point = || {
        point_count += 1;
        point_count - 1
    };
    let (segments, boundaries) = scan.counts();
    let mut steps = Vec::with_capacity(segments + boundaries + flow.edges.len());
    let mut starts = Vec::with_capacity(boundaries + size + 1);
    let mut ends = Vec::with_capacity(boundaries + size);
    let mut seg_in = vec![NONE; size];
    let mut exit = vec![NONE; size];
    for &b in &flow.nodes {
        if !flow.reachable[b] {
            continue;
        }
        let Some(block) = scan.blocks[b].as_ref() else {
            continue;
        };
        let mut previous_out = NONE;
        let boundaries = scan.boundaries_of(block);
        let first = scan.segment_range(block).start;
        for (i, segment) in scan.segments_of(block).iter().enumerate() {
            let p_in = point();
            let p_out = point();
            if i == 0 {
                seg_in[b] = p_in;
            }
            // Costs are at most 2^53 - 1 here (checked by the caller).
            let cost = i64::try_from(segment.cost).unwrap_or(i64::MAX);
            steps.push(Step {
                kind: StepKind::Segment {
                    block: b,
                    at: first + i,
                },
                tail: p_in,
                head: p_out,
                cost,
            });
            if i > 0 {
                let boundary = boundaries[i - 1];
                if boundary == Boundary::Call || observe_traps {
                    ends.push(previous_out);
                    starts.push(p_in);
                } else {
                    steps.push(Step {
                        kind: StepKind::Boundary,
                        tail: previous_out,
                        head: p_in,
                        cost: 0,
                    });
                }
            }
            previous_out = p_out;
        }
        match block.end {
            BlockEnd::Return | BlockEnd::Trap => ends.push(previous_out),
            BlockEnd::Branch => exit[b] = previous_out,
            BlockEnd::CallBranch => {
                ends.push(previous_out);
                let after = point();
                starts.push(after);
                exit[b] = after;
            }
        }
    }
    if seg_in[flow.entry] != NONE {
        starts.push(seg_in[flow.entry]);
    }
    for &b in &flow.nodes {
        if !flow.reachable[b] {
            continue;
        }
        for &e in &flow.out_edges[b] {
            let to = flow.edges[e].to;
            steps.push(Step {
                kind: StepKind::Edge { edge: e },
                tail: exit[b],
                head: seg_in[to],
                cost: 0,
            });
        }
    }
    let mut is_start = vec![false; point_count];
    for &p in &starts {
        is_start[p] = true;
    }
    let mut observation: Vec<usize> = starts.iter().chain(&ends).copied().collect();
    observation.sort_unstable();
    observation.dedup();
    ChargeGraph {
        point_count,
        steps,
        is_start,
        observation,
        exit,
    }
}
