//! The placement solver (the TypeScript `placeIncrements`, same order of decisions so both give
//! the same placement). Potentials phi(p) = new counter - original counter, 0 at observation
//! points; a site from t to h with cost c gets c + phi(h) - phi(t) >= 0. Sites are freed
//! (made tight) heaviest first while the constraints stay feasible, then an exchange step
//! trades one free site for several; the result is kept only if no worse than the original.

use super::charge_graph::{ChargeGraph, StepKind};
use super::flow::Flow;
use super::frequency::Frequencies;
use super::potentials::PotentialSystem;
use crate::fuel_passes::Grouped;

#[derive(Clone, Copy, Debug)]
pub struct SolverOptions {
    pub split_edge_cost: f64,
    pub exchange_rounds: u32,
    pub exchange_budget: u64,
    pub search_limit: u64,
}

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions {
            split_edge_cost: 1.0,
            exchange_rounds: 2,
            exchange_budget: 5_000_000,
            search_limit: 20_000,
        }
    }
}

/// New increments: one per segment, numbered as the scan numbers them (`Scan::segment_range`,
/// one array for the function rather than one per block); one per edge id.
pub struct Placement {
    pub segments: Vec<i64>,
    pub edges: Vec<i64>,
}

struct Site {
    step: usize,
    tail: usize,
    head: usize,
    cost: i64,
    weight: f64,
    rank: usize,
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(size: usize) -> Self {
        UnionFind((0..size).collect())
    }
    fn find(&mut self, mut p: usize) -> usize {
        while self.0[p] != p {
            self.0[p] = self.0[self.0[p]];
            p = self.0[p];
        }
        p
    }
    /// The smaller representative wins.
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// For each edge, whether an increment on it can sit at the end of its source or the start of
/// its target (the reachable edges into each block counted once, not once per edge).
fn folded_edges(flow: &Flow, graph: &ChargeGraph) -> Vec<bool> {
    let reachable_in: Vec<usize> = (0..flow.layout_index.len())
        .map(|b| {
            flow.in_edges[b]
                .iter()
                .filter(|&&i| flow.reachable[flow.edges[i].from])
                .count()
        })
        .collect();
    flow.edges
        .iter()
        .map(|e| {
            let exit = graph.exit[e.from];
            let source_absorbs = flow.out_edges[e.from].len() == 1
                && !(exit < graph.point_count && graph.is_start[exit]);
            source_absorbs || reachable_in[e.to] == 1
        })
        .collect()
}

/// `round_weight` with a small direct-mapped memory of the weights rounded: a function's
/// weights repeat (a loop body's blocks share one frequency), and the exact rounding of one with
/// many digits costs about 300 instructions.
struct RoundedWeights {
    keys: [u64; 64],
    values: [f64; 64],
}

impl RoundedWeights {
    /// Every slot holds 0.0, which rounds to itself.
    fn new() -> Self {
        RoundedWeights {
            keys: [0; 64],
            values: [0.0; 64],
        }
    }

    fn round(&mut self, w: f64) -> f64 {
        let bits = w.to_bits();
        let slot = (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize;
        if self.keys[slot] != bits {
            self.keys[slot] = bits;
            self.values[slot] = round_weight(w);
        }
        self.values[slot]
    }
}

/// 12 significant digits, as the TypeScript `toPrecision(12)`.
pub(crate) fn round_weight(w: f64) -> f64 {
    if !(w.is_finite() && w > 0.0) {
        return 0.0;
    }
    if has_few_digits(w) {
        return w;
    }
    to_precision_12_exact(w).unwrap_or_else(|| to_precision_12(w))
}

/// The powers of ten an `f64` holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `to_precision_12` in integer arithmetic, for the weights whose digits fit 128 bits (the
/// others give None): w = m * 2^e exactly, so its 12 leading digits are the integer part of
/// m * 2^e * 10^s for the s that puts it in [10^11, 10^12), and the remainder says which way to
/// round, a tie up. Then n * 10^-s is one correctly rounded operation when the power of ten is
/// exact, else a parse, as ECMAScript's `Number` reads the text `toPrecision` gives.
fn to_precision_12_exact(w: f64) -> Option<f64> {
    const LOW: u128 = 100_000_000_000;
    const HIGH: u128 = 1_000_000_000_000;
    let bits = w.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 || biased == 0x7ff {
        return None;
    }
    let m = u128::from(bits & ((1u64 << 52) - 1) | (1u64 << 52));
    let e = biased - 1075;
    // The decimal exponent of w's leading digit; log10 may miss by one next to a power of ten.
    let mut d = w.log10().floor() as i32;
    for _ in 0..3 {
        let s = 11 - d;
        let (q, round_up) = scaled_quotient(m, e, s)?;
        if q < LOW {
            d -= 1;
            continue;
        }
        if q >= HIGH {
            d += 1;
            continue;
        }
        let mut n = q + u128::from(round_up);
        let mut p = d - 11;
        if n == HIGH {
            n = LOW;
            p += 1;
        }
        return Some(times_power_of_ten(n as u64, p));
    }
    None
}

/// The integer part of m * 2^e * 10^s and whether the rest is at least one half; None when the
/// numbers do not fit 128 bits.
fn scaled_quotient(m: u128, e: i32, s: i32) -> Option<(u128, bool)> {
    // m * 2^e * 10^s = m * 5^s * 2^(e + s).
    let twos = e + s;
    let fives = 5u128.checked_pow(s.unsigned_abs())?;
    let (numerator, denominator) = if s >= 0 {
        (m.checked_mul(fives)?, 1u128)
    } else {
        (m, fives)
    };
    let (numerator, denominator) = if twos >= 0 {
        (shift_left(numerator, twos.unsigned_abs())?, denominator)
    } else {
        (numerator, shift_left(denominator, twos.unsigned_abs())?)
    };
    let q = numerator / denominator;
    let r = numerator % denominator;
    Some((q, r >= denominator - r))
}

/// x * 2^k, or None when it does not fit 128 bits.
fn shift_left(x: u128, k: u32) -> Option<u128> {
    (k < 128 && x.leading_zeros() >= k).then(|| x << k)
}

/// n * 10^p correctly rounded, n below 2^53.
fn times_power_of_ten(n: u64, p: i32) -> f64 {
    let exact = EXACT_POWERS_OF_TEN.get(p.unsigned_abs() as usize);
    match exact {
        Some(&power) if p >= 0 => n as f64 * power,
        Some(&power) => n as f64 / power,
        None => format!("{n}e{p}").parse().unwrap_or(f64::NAN),
    }
}

/// `Number(w.toPrecision(12))` for a finite positive `w`. ECMAScript rounds a tie up, where
/// Rust's formatter rounds it to even; a tie is an exact value whose 13th significant digit is
/// a 5 with nothing after it (estimated frequencies such as 2^-18 = 3.814697265625e-6 are), and
/// only then do the two differ.
fn to_precision_12(w: f64) -> f64 {
    let to_even: f64 = format!("{w:.11e}").parse().unwrap_or(w);
    let thirteen = format!("{w:.12e}");
    if !thirteen.split('e').next().is_some_and(|m| m.ends_with('5')) {
        return to_even;
    }
    // Every f64 has at most 767 significant decimal digits, so this is its exact expansion.
    let exact = format!("{w:.767e}");
    let Some((mantissa, exponent)) = exact.split_once('e') else {
        return to_even;
    };
    let Ok(exponent) = exponent.parse::<i32>() else {
        return to_even;
    };
    let mut digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|d| d - b'0')
        .collect();
    let tie = digits.get(12) == Some(&5) && digits.iter().skip(13).all(|&d| d == 0);
    if !tie {
        return to_even;
    }
    // Round the first 12 digits up, carrying.
    digits.truncate(12);
    let mut exponent = exponent;
    let mut k = digits.len();
    loop {
        if k == 0 {
            digits.insert(0, 1);
            digits.truncate(12);
            exponent += 1;
            break;
        }
        k -= 1;
        if digits[k] == 9 {
            digits[k] = 0;
        } else {
            digits[k] += 1;
            break;
        }
    }
    let text: String = digits.iter().map(|&d| char::from(b'0' + d)).collect();
    format!("{}.{}e{exponent}", &text[..1], &text[1..])
        .parse()
        .unwrap_or(to_even)
}

/// True when `w` is m / 2^k (k <= 16) whose exact decimal expansion, m * 5^k, has at most 12
/// digits: rounding it to 12 significant digits gives it back unchanged. Most estimated
/// frequencies are such (products of halves and powers of ten), and they skip the formatting.
/// Read from the bits (the smallest such k is minus the exponent of the odd mantissa), since
/// testing `fract()` for each k called the C library 17 times for most weights.
fn has_few_digits(w: f64) -> bool {
    const FEW: u128 = 1_000_000_000_000;
    let bits = w.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0x7ff {
        return false;
    }
    let fraction = bits & ((1u64 << 52) - 1);
    // w = mantissa * 2^exponent exactly, the mantissa odd (or zero).
    let (mut mantissa, mut exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    if mantissa == 0 {
        return true;
    }
    let zeros = mantissa.trailing_zeros();
    mantissa >>= zeros;
    exponent += zeros as i32;
    if exponent >= 0 {
        // Already an integer (k = 0): below 10^12 it fits 12 digits.
        return w < 1e12;
    }
    let k = exponent.unsigned_abs();
    k <= 16 && u128::from(mantissa) * 5u128.pow(k) < FEW
}

/// An integer whose order is `f64::total_cmp`'s order of `w` (the sign bit flips the rest of a
/// negative number, as `total_cmp` itself does).
fn total_order_key(w: f64) -> i64 {
    let bits = w.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

pub fn place(
    flow: &Flow,
    graph: &ChargeGraph,
    segment_count: usize,
    freq: &Frequencies,
    opts: &SolverOptions,
) -> Placement {
    // Fold observation points into one class, and the ends of folded edges and boundaries.
    let folded = folded_edges(flow, graph);
    let mut classes = UnionFind::new(graph.point_count);
    if let Some(&first) = graph.observation.first() {
        for &p in &graph.observation {
            classes.union(p, first);
        }
    }
    for step in &graph.steps {
        let fold = match step.kind {
            StepKind::Boundary => true,
            StepKind::Edge { edge } => folded[edge],
            StepKind::Segment { .. } => false,
        };
        if fold {
            classes.union(step.tail, step.head);
        }
    }
    let zero = graph.observation.first().map(|&p| classes.find(p));

    let mut sites: Vec<Site> = Vec::with_capacity(graph.steps.len());
    let mut rounded = RoundedWeights::new();
    for (index, step) in graph.steps.iter().enumerate() {
        let weight = match step.kind {
            StepKind::Boundary => continue,
            StepKind::Edge { edge } => {
                if folded[edge] {
                    continue;
                }
                freq.edge[edge] * (1.0 + opts.split_edge_cost)
            }
            StepKind::Segment { block, .. } => freq.block[block],
        };
        let (tail, head) = (classes.find(step.tail), classes.find(step.head));
        sites.push(Site {
            step: index,
            tail,
            head,
            cost: step.cost,
            weight: rounded.round(weight),
            rank: 0,
        });
    }
    // Heaviest first; among equals the later site first, so charges go early. No two sites
    // compare equal, so an unstable sort gives the one order: ascending (weight as an integer
    // in `total_cmp`'s order, site), then reversed.
    let mut keyed: Vec<(i64, usize)> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| (total_order_key(s.weight), i))
        .collect();
    keyed.sort_unstable();
    let by_rank: Vec<usize> = keyed.iter().rev().map(|&(_, i)| i).collect();
    for (rank, &i) in by_rank.iter().enumerate() {
        sites[i].rank = rank;
    }

    let mut system = PotentialSystem::new(graph.point_count);
    // Each site's cost arc, and its tight arc when freed.
    system.reserve_arcs(2 * sites.len());
    for s in &sites {
        system.add(s.head, s.tail, s.cost, u64::MAX);
    }
    let mut tight: Vec<Option<usize>> = vec![None; sites.len()];
    let mut refusals: Vec<Vec<u32>> = vec![Vec::new(); sites.len()];
    let mut rigid = UnionFind::new(graph.point_count);
    let free_limit = system
        .work
        .saturating_add(FREE_WORK_PER_SITE.saturating_mul(sites.len() as u64));
    for &i in &by_rank {
        // Past the budget the lightest sites keep their charges (see FREE_WORK_PER_SITE).
        if system.work >= free_limit {
            break;
        }
        let s = &sites[i];
        if rigid.find(s.tail) == rigid.find(s.head)
            && s.cost + system.phi(s.head) - system.phi(s.tail) != 0
        {
            continue;
        }
        let Some(handle) = system.add(s.tail, s.head, -s.cost, opts.search_limit) else {
            refusals[i] = system.refusal().to_vec();
            continue;
        };
        tight[i] = Some(handle);
        rigid.union(s.tail, s.head);
    }
    exchange(
        &mut system,
        &sites,
        &by_rank,
        &mut tight,
        &mut refusals,
        zero,
        opts,
    );

    let placed: Vec<i64> = sites
        .iter()
        .map(|s| s.cost + system.phi(s.head) - system.phi(s.tail))
        .collect();
    let objective = |incs: &[i64]| {
        sites
            .iter()
            .zip(incs)
            .fold(0.0, |t, (s, &k)| if k != 0 { t + s.weight } else { t })
    };
    let original: Vec<i64> = sites.iter().map(|s| s.cost).collect();
    let chosen = if objective(&placed) <= objective(&original) {
        placed
    } else {
        original
    };
    let mut segments = vec![0; segment_count];
    let mut edges = vec![0; flow.edges.len()];
    for (s, &k) in sites.iter().zip(&chosen) {
        match graph.steps[s.step].kind {
            StepKind::Segment { at, .. } => segments[at] = k,
            StepKind::Edge { edge } => edges[edge] = k,
            StepKind::Boundary => {}
        }
    }
    Placement { segments, edges }
}

/// Search work the greedy step may spend per site, in all. Each search is bounded by
/// `search_limit`, but where one point touches most sites (the observation class of a function
/// with thousands of calls) nearly every search reaches that bound, and the step grew with the
/// square of the function. Real functions spend at most about 700 per site (wasm-tools' largest;
/// the built-in and third-party suites at most 150), so none reaches this budget.
const FREE_WORK_PER_SITE: u64 = 1_000;

const MAX_EXCHANGE_NEIGHBOURS: usize = 32;
/// Search work the exchange may spend per site, so its cost grows linearly with the function (as
/// the rest of the pipeline's does) instead of reaching `exchange_budget` on large ones.
const EXCHANGE_WORK_PER_SITE: u64 = 400;
/// A trade that would gain weight is tried only when the most it could gain (its neighbours'
/// weight less the site given up) is more than this fraction of what the function's increments
/// weigh when the exchange starts. Trades of equal weight (a diamond's two arms for the hoist
/// before it) are always tried: they save increments. On wasm-tools.core.wasm the attempts
/// under the threshold did 43 % of the exchange's search work for 1 % of its gain
/// (docs/results.md, "The exchange's threshold").
const EXCHANGE_MIN_GAIN: f64 = 1e-3;

/// For each point, the sites that end there, in site order, leaving out the point `zero` (the
/// observation class, which touches nearly every site).
fn incident_sites(sites: &[Site], zero: Option<usize>) -> Grouped<usize> {
    let points = sites
        .iter()
        .map(|s| s.tail.max(s.head) + 1)
        .max()
        .unwrap_or(0);
    let mut pairs = Vec::with_capacity(2 * sites.len());
    for (i, s) in sites.iter().enumerate() {
        let second = (s.head != s.tail).then_some(s.head);
        for p in std::iter::once(s.tail).chain(second) {
            if Some(p) != zero {
                pairs.push((p, i));
            }
        }
    }
    Grouped::new(points, &pairs)
}

fn exchange(
    system: &mut PotentialSystem,
    sites: &[Site],
    by_rank: &[usize],
    tight: &mut [Option<usize>],
    refusals: &mut [Vec<u32>],
    zero: Option<usize>,
    opts: &SolverOptions,
) {
    // Sites sharing an end point (other than the observation class) with the freed-up site.
    let incident = incident_sites(sites, zero);
    let budget = opts
        .exchange_budget
        .min(EXCHANGE_WORK_PER_SITE.saturating_mul(sites.len() as u64));
    let limit = system.work.saturating_add(budget);
    // What the increments weigh now (sites in order, as the TypeScript pass sums them).
    let weighed = sites.iter().fold(0.0, |total, s| {
        if s.cost + system.phi(s.head) - system.phi(s.tail) != 0 {
            total + s.weight
        } else {
            total
        }
    });
    let min_gain = EXCHANGE_MIN_GAIN * weighed;
    // Which attempt last took each site as a neighbour (a point may touch hundreds of sites).
    let mut taken: Vec<usize> = vec![usize::MAX; sites.len()];
    let mut attempt = 0usize;
    // An attempt's neighbours, and the trades it made (kept across attempts).
    let mut near: Vec<usize> = Vec::new();
    let mut gained: Vec<(usize, usize)> = Vec::new();
    for _ in 0..opts.exchange_rounds {
        let mut improved = false;
        // Lightest free sites first (highest rank first).
        let candidates: Vec<usize> = by_rank
            .iter()
            .rev()
            .copied()
            .filter(|&i| tight[i].is_some())
            .collect();
        for r in candidates {
            let Some(handle) = tight[r] else {
                continue;
            };
            attempt += 1;
            near.clear();
            for p in [sites[r].tail, sites[r].head] {
                for &i in incident.of(p) {
                    if i != r && tight[i].is_none() && taken[i] != attempt {
                        taken[i] = attempt;
                        near.push(i);
                    }
                }
            }
            // The heaviest (lowest rank; ranks are distinct) first.
            if near.len() > MAX_EXCHANGE_NEIGHBOURS {
                near.select_nth_unstable_by_key(MAX_EXCHANGE_NEIGHBOURS - 1, |&i| sites[i].rank);
                near.truncate(MAX_EXCHANGE_NEIGHBOURS);
            }
            near.sort_unstable_by_key(|&i| sites[i].rank);
            if near.len() < 2 {
                continue;
            }
            let lost = sites[r].weight;
            let mut untried = near.iter().fold(0.0, |total, &i| total + sites[i].weight);
            if untried >= lost * (1.0 + 1e-12) && untried - lost <= min_gain {
                continue;
            }
            system.checkpoint();
            system.remove(handle);
            gained.clear();
            let mut gained_weight = 0.0;
            for &i in &near {
                // Stop once the sites left cannot outweigh the one given up: the trade would be refused.
                if gained_weight + untried < lost * (1.0 - 1e-12) {
                    break;
                }
                let s = &sites[i];
                untried -= s.weight;
                // A negative cycle that refused the site before and is still whole refuses it again.
                if system.still_refuses(&refusals[i]) {
                    continue;
                }
                match system.add(s.tail, s.head, -s.cost, opts.search_limit) {
                    Some(h) => {
                        gained.push((i, h));
                        gained_weight += s.weight;
                    }
                    None => refusals[i] = system.refusal().to_vec(),
                }
            }
            let better = gained_weight > lost * (1.0 + 1e-12)
                || (gained_weight >= lost * (1.0 - 1e-12) && gained.len() >= 2);
            if better {
                system.commit();
                tight[r] = None;
                for &(i, h) in &gained {
                    tight[i] = Some(h);
                }
                improved = true;
            } else {
                for &(_, h) in &gained {
                    system.remove(h);
                }
                system.rollback();
                system.restore(handle);
            }
            if system.work >= limit {
                return;
            }
        }
        if !improved {
            return;
        }
    }
}

#[cfg(test)]
mod order_tests {
    use super::total_order_key;

    /// The integer key orders weights as `total_cmp` does, signed zeros and NaNs included.
    #[test]
    fn the_key_is_total_cmp() {
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::NAN,
            3.814697265625e-6,
        ];
        let mut bits = crate::fuel_place::Xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..2_000 {
            values.push(f64::from_bits(bits.next()));
        }
        for &a in &values {
            for &b in values.iter().take(200) {
                assert_eq!(
                    total_order_key(a).cmp(&total_order_key(b)),
                    a.total_cmp(&b),
                    "{a:e} {b:e}"
                );
            }
        }
    }
}

#[cfg(test)]
mod round_weight_tests {
    use super::{
        RoundedWeights, has_few_digits, round_weight, to_precision_12, to_precision_12_exact,
    };

    /// The memory gives what `round_weight` gives, for repeated weights, for weights that share
    /// a slot (thousands of distinct ones through 64 slots), for zeros and for non-finite ones.
    #[test]
    fn remembered_weights_are_the_rounded_weights() {
        let mut memory = RoundedWeights::new();
        let mut weights = vec![0.0, -0.0, f64::NAN, f64::INFINITY, -1.0, 1.0, 0.1];
        for k in 0..3000u32 {
            weights.push(f64::from(k % 97) * 0.37 + f64::from(k) / 7.0);
        }
        for pass in 0..2 {
            for &w in &weights {
                assert_eq!(
                    memory.round(w).to_bits(),
                    round_weight(w).to_bits(),
                    "{w:e}, pass {pass}"
                );
            }
        }
    }

    /// The integer rounding gives what formatting gives: on ties (odd multiples of 2^-k whose
    /// 13th and last digit is a 5), on their neighbours, next to powers of ten, and on random
    /// doubles over 60 decades; and it declines nothing from 1e-20 up (estimated frequencies
    /// are products of probabilities and loop factors, rarely below 1e-12).
    #[test]
    fn exact_rounding_is_the_formatting() {
        let mut values = Vec::new();
        for j in (1u64..4000).step_by(2) {
            for k in 1..60 {
                let tie = j as f64 * 2f64.powi(-k);
                values.extend([
                    tie,
                    f64::from_bits(tie.to_bits() + 1),
                    f64::from_bits(tie.to_bits() - 1),
                ]);
            }
        }
        for d in -30..30 {
            let power = 10f64.powi(d);
            for x in [
                power,
                9.99999999999_5 * power,
                9.999999999995 * power,
                9.9999999999949 * power,
                1.00000000000_5 * power,
            ] {
                values.extend([
                    x,
                    f64::from_bits(x.to_bits() + 1),
                    f64::from_bits(x.to_bits() - 1),
                ]);
            }
        }
        let mut bits = crate::fuel_place::Xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..200_000 {
            let state = bits.next();
            let exponent = (state % 200) as i32 - 100;
            values.push(f64::from_bits((state >> 12) | (1023u64 << 52)) * 2f64.powi(exponent));
        }
        let mut declined = 0;
        for w in values {
            match to_precision_12_exact(w) {
                Some(r) => assert_eq!(r.to_bits(), to_precision_12(w).to_bits(), "{w:e}"),
                None if w >= 1e-20 => declined += 1,
                None => {}
            }
            assert_eq!(
                round_weight(w).to_bits(),
                to_precision_12(w).to_bits(),
                "{w:e}"
            );
        }
        assert_eq!(declined, 0);
    }

    /// Values and what `Number(w.toPrecision(12))` gives for them in Node 20: ties (the first
    /// eight, all estimated frequencies seen in wasm-tools) round up there, not to even.
    #[test]
    fn rounding_is_ecmascript_to_precision() {
        let cases = [
            (3.814697265625e-6, 3.81469726563e-6),
            (1.373291015625e-4, 1.37329101563e-4),
            (1.678466796875e-4, 1.67846679688e-4),
            (2.288818359375e-4, 2.28881835938e-4),
            (2.288818359375e-5, 2.28881835938e-5),
            (3.814697265625e-5, 3.81469726563e-5),
            (6.866455078125e-5, 6.86645507813e-5),
            (8.087158203125e-4, 8.08715820313e-4),
            (1e-1, 1e-1),
            (1.0 / 3.0, 3.33333333333e-1),
            (3e-1, 3e-1),
            (1.234567890123456e5, 1.23456789012e5),
            (9.999999999995e-1, 9.99999999999e-1),
            (9.9999999999995e-1, 1e0),
            (9.094947017729282e-13, 9.09494701773e-13),
            (1.2345678901235e3, 1.23456789012e3),
            (1.29453825982464e4, 1.29453825982e4),
            (2.5e-13, 2.5e-13),
            (7.62939453125e-6, 7.62939453125e-6),
            (1.52587890625e-5, 1.52587890625e-5),
        ];
        for (w, js) in cases {
            assert_eq!(round_weight(w).to_bits(), f64::to_bits(js), "{w:e}");
        }
    }

    /// The fast path agrees with the slow one on values it takes and on values it leaves to it.
    #[test]
    fn fast_path_matches_formatting() {
        let mut values = vec![
            1.0,
            0.5,
            0.25,
            10.0,
            100.0,
            1e11,
            999_999_999_999.0,
            1e12,
            1e13,
            0.1,
            0.3,
            1.0 / 3.0,
        ];
        let mut x = 1.0f64;
        for _ in 0..60 {
            x *= 0.5;
            values.push(x);
            values.push(x * 10.0);
            values.push(x * 1000.0 + 0.5);
        }
        for k in 1..200 {
            values.push(k as f64 * 0.45 + 1.0 / k as f64);
        }
        for w in values {
            assert_eq!(
                round_weight(w).to_bits(),
                to_precision_12(w).to_bits(),
                "{w}"
            );
        }
    }

    /// The test by bits takes exactly the weights the test by scaling (one `fract()` per power
    /// of two, as first written) takes.
    #[test]
    fn few_digits_by_bits_is_few_digits_by_scaling() {
        fn by_scaling(w: f64) -> bool {
            let mut scaled = w;
            for k in 0..=16u32 {
                if scaled.fract() == 0.0 {
                    return scaled < 1e12 && (scaled as u128) * 5u128.pow(k) < 1_000_000_000_000;
                }
                scaled *= 2.0;
            }
            false
        }
        let mut values = vec![
            0.0,
            f64::MIN_POSITIVE,
            5e-324,
            1e12,
            1e12 - 1.0,
            4_194_304.5,
            f64::MAX,
            3.814697265625e-6,
            7.62939453125e-6,
            1.52587890625e-5,
        ];
        // Products of the estimate's probabilities (halves, tenths, loop factors) and neighbours.
        let mut bits = crate::fuel_place::Xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let state = bits.next();
            let halves = (state % 40) as i32;
            let tens = ((state >> 8) % 8) as i32;
            let w = 2f64.powi(-halves) * 10f64.powi(tens) * (((state >> 16) % 97) as f64 + 1.0);
            values.extend([w, w / 3.0, f64::from_bits(w.to_bits() + 1)]);
        }
        for w in values {
            assert_eq!(has_few_digits(w), by_scaling(w), "{w:e}");
        }
    }
}
