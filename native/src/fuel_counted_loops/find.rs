//! Recognises counted loops in a placed function (the TypeScript `findCountedLoops`,
//! src/passes/fuel/counted/find.ts): an innermost reducible loop with one edge in from outside,
//! one back edge, one exiting block whose `brif` tests an induction variable stepped by ±2^t
//! against a loop invariant (on the latch, or at the top when the latch just jumps back), no
//! call or return, no counter access but the increments, and constant non-negative increments
//! only on blocks every iteration runs. Anything else is left alone, with a reason.

use std::collections::HashSet;

use cranelift_codegen::dominator_tree::DominatorTree;
use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::immediates::Imm64;
use cranelift_codegen::ir::{
    Block, BlockArg, Function, Inst, InstructionData, Opcode, Type, Value, ValueDef,
};

use super::graph::{Graph, Loop, loop_forest};
use super::increments::{PinnedIncrement, constant_def, defining_inst, pinned_increments};
use super::trip_count::step_shift;

/// What the exit test compares the induction variable with.
#[derive(Clone, Copy, Debug)]
pub enum Bound {
    Value(Value),
    /// The immediate of the `iconst` it came from (0 for a bare `brif i`).
    Const(Imm64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitAt {
    /// The latch tests `i + s`: n = m + 1 iterations.
    Latch,
    /// A block before the latch tests; the part up to the test runs once more than the rest.
    Top,
}

#[derive(Clone, Debug)]
pub struct CountedLoop {
    pub header: Block,
    /// Loop blocks in layout order.
    pub blocks: Vec<Block>,
    /// The branch of the only edge into the header from outside.
    pub entry_branch: Inst,
    pub exit_at: ExitAt,
    pub exiting: Block,
    pub exit_branch: Inst,
    pub exit_index: usize,
    /// The test compares `i + s` (always for `Latch`) rather than `i`.
    pub tests_stepped: bool,
    pub iv_index: usize,
    pub iv_type: Type,
    pub step_negative: bool,
    pub shift: u32,
    pub bound: Bound,
    pub increments: Vec<PinnedIncrement>,
    /// What one iteration charges, and the part of it up to the exit test (`Top` only).
    pub charge: i128,
    pub top_charge: i128,
}

/// Why a loop is not counted (the TypeScript pass's statistics keys).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rejection {
    Irreducible,
    Nested,
    Entries,
    Exits,
    Latch,
    NotCounted,
    Call,
    Trap,
    CounterUse,
    UnevenCharge,
    NoCharge,
    /// Counted, but the function spends its time elsewhere (hot_loops.rs).
    NotHottest,
    /// Counted and hot, but the function already had `MAX_VERSIONED_LOOPS` versioned.
    OverLimit,
}

pub struct Search {
    pub loops: Vec<CountedLoop>,
    pub rejected: Vec<Rejection>,
}

/// Cranelift's dominator tree, built the first time a loop gets far enough to ask.
struct Dominance<'a> {
    func: &'a Function,
    tree: Option<DominatorTree>,
}

impl Dominance<'_> {
    fn dominates(&mut self, a: Block, b: Block) -> bool {
        let func = self.func;
        self.tree
            .get_or_insert_with(|| {
                DominatorTree::with_function(func, &ControlFlowGraph::with_function(func))
            })
            .block_dominates(a, b)
    }
}

/// The counted loops of `func`, in the loop forest's order.
pub fn find_counted_loops(func: &Function, observe_traps: bool) -> Search {
    let mut search = Search {
        loops: Vec::new(),
        rejected: Vec::new(),
    };
    walk(func, observe_traps, &mut |r| {
        match r {
            Ok(c) => search.loops.push(c),
            Err(why) => search.rejected.push(why),
        }
        false
    });
    search
}

/// The first counted loop of `func` in the loop forest's order whose header is not in `done`
/// (the loops after it are not looked at).
pub fn first_counted_loop(
    func: &Function,
    observe_traps: bool,
    done: &HashSet<Block>,
) -> Option<CountedLoop> {
    let mut first = None;
    walk(func, observe_traps, &mut |r| match r {
        Ok(c) if !done.contains(&c.header) => {
            first = Some(c);
            true
        }
        _ => false,
    });
    first
}

/// Recognises the loops in order, handing each outcome to `visit` until it returns true.
fn walk(
    func: &Function,
    observe_traps: bool,
    visit: &mut dyn FnMut(Result<CountedLoop, Rejection>) -> bool,
) {
    let graph = Graph::build(func);
    let forest = loop_forest(&graph);
    if forest.is_empty() {
        return;
    }
    let mut doms = Dominance { func, tree: None };
    let increments = IncrementsByBlock::of(func);
    for l in &forest {
        if visit(recognise(
            func,
            &graph,
            &mut doms,
            l,
            &increments,
            observe_traps,
        )) {
            return;
        }
    }
}

/// The function's pinned increments in layout order, with where each block's run starts and
/// ends: a loop reads its own increments in the time its blocks take, not the function's.
struct IncrementsByBlock {
    all: Vec<PinnedIncrement>,
    runs: rustc_hash::FxHashMap<Block, (usize, usize)>,
}

impl IncrementsByBlock {
    fn of(func: &Function) -> Self {
        let all = pinned_increments(func);
        let mut runs = rustc_hash::FxHashMap::default();
        for (k, inc) in all.iter().enumerate() {
            runs.entry(inc.block)
                .and_modify(|run: &mut (usize, usize)| run.1 = k + 1)
                .or_insert((k, k + 1));
        }
        IncrementsByBlock { all, runs }
    }

    /// The increments in `blocks` (layout order), in layout order.
    fn in_blocks(&self, blocks: &[Block]) -> Vec<PinnedIncrement> {
        blocks
            .iter()
            .filter_map(|b| self.runs.get(b))
            .flat_map(|&(start, end)| self.all[start..end].iter().copied())
            .collect()
    }
}

fn last_inst(func: &Function, b: Block) -> Option<Inst> {
    func.layout.last_inst(b)
}

fn destinations(func: &Function, inst: Inst) -> Vec<(Block, Vec<BlockArg>)> {
    let dfg = &func.dfg;
    dfg.insts[inst]
        .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
        .iter()
        .map(|c| {
            (
                c.block(&dfg.value_lists),
                c.args(&dfg.value_lists).collect(),
            )
        })
        .collect()
}

fn recognise(
    func: &Function,
    graph: &Graph,
    doms: &mut Dominance<'_>,
    l: &Loop,
    all_increments: &IncrementsByBlock,
    observe_traps: bool,
) -> Result<CountedLoop, Rejection> {
    use Rejection::*;
    if l.headers.len() > 1 {
        return Err(Irreducible);
    }
    // A loop with an inner cycle could run forever inside one iteration of the prepaid copy.
    if l.has_children {
        return Err(Nested);
    }
    let header = *l.headers.first().ok_or(Irreducible)?;
    let in_loop: HashSet<Block> = l.nodes.iter().copied().collect();
    let ins = graph.in_edges(header);
    let outside: Vec<_> = ins.iter().filter(|e| !in_loop.contains(&e.from)).collect();
    let backs: Vec<_> = ins.iter().filter(|e| in_loop.contains(&e.from)).collect();
    if outside.len() != 1 {
        return Err(Entries);
    }
    if backs.len() != 1 {
        return Err(Latch);
    }
    let latch = backs[0].from;
    let exiting_blocks: Vec<Block> = l
        .nodes
        .iter()
        .copied()
        .filter(|&b| graph.out_edges(b).iter().any(|e| !in_loop.contains(&e.to)))
        .collect();
    if exiting_blocks.len() != 1 {
        return Err(Exits);
    }
    let exiting = exiting_blocks[0];
    let exit_at = if exiting == latch {
        ExitAt::Latch
    } else {
        ExitAt::Top
    };
    if exit_at == ExitAt::Top {
        // The latch only goes back, and every iteration passes the test on its way to it.
        match last_inst(func, latch) {
            Some(i) if func.dfg.insts[i].opcode() == Opcode::Jump => {}
            _ => return Err(Latch),
        }
        if !doms.dominates(exiting, latch) {
            return Err(Exits);
        }
    }
    let exit_branch = last_inst(func, exiting).ok_or(Latch)?;
    let InstructionData::Brif { arg: cond, .. } = func.dfg.insts[exit_branch] else {
        return Err(Latch);
    };
    let dests = destinations(func, exit_branch);
    if dests.len() != 2 {
        return Err(Latch);
    }
    let exit_index = if !in_loop.contains(&dests[0].0) {
        0
    } else if !in_loop.contains(&dests[1].0) {
        1
    } else {
        return Err(Exits);
    };
    let stay = dests[1 - exit_index].0;
    if !in_loop.contains(&stay) {
        return Err(Exits);
    }
    if exit_at == ExitAt::Latch && stay != header {
        return Err(Latch);
    }
    let back_branch = last_inst(func, latch).ok_or(Latch)?;
    let back_args = destinations(func, back_branch)
        .into_iter()
        .find(|d| d.0 == header)
        .map(|d| d.1)
        .ok_or(Latch)?;

    let operands = counted_test(func, cond, exit_index).ok_or(NotCounted)?;
    let params = func.dfg.block_params(header);
    let iv = induction_variable(func, params, &back_args, &operands, exit_at == ExitAt::Top)
        .ok_or(NotCounted)?;
    let iv_type = func.dfg.value_type(params[iv.index]);
    if !iv_type.is_int() || iv_type.bits() > 64 {
        return Err(NotCounted);
    }
    let width = iv_type.bits();
    let shift = step_shift(iv.step, width).ok_or(NotCounted)?;
    let bound = match iv.other {
        None => Bound::Const(Imm64::new(0)),
        Some(other) => {
            if let Some((c, _)) = constant_def(func, other) {
                match func.dfg.insts[c] {
                    InstructionData::UnaryImm { imm, .. } => Bound::Const(imm),
                    _ => return Err(NotCounted),
                }
            } else {
                let home = match func.dfg.value_def(func.dfg.resolve_aliases(other)) {
                    ValueDef::Param(b, _) => Some(b),
                    ValueDef::Result(i, _) => func.layout.inst_block(i),
                    _ => None,
                };
                match home {
                    Some(h) if !in_loop.contains(&h) => Bound::Value(other),
                    _ => return Err(NotCounted),
                }
            }
        }
    };

    // Every instruction: no call, return or counter access other than the increments.
    let increments = all_increments.in_blocks(&l.nodes);
    let inc_insts: HashSet<Inst> = increments
        .iter()
        .flat_map(|i| [i.get, i.add, i.set])
        .collect();
    for &b in &l.nodes {
        for inst in func.layout.block_insts(b) {
            let data = &func.dfg.insts[inst];
            let op = data.opcode();
            if op.is_call() || op.is_return() {
                return Err(Call);
            }
            if observe_traps && may_trap(func, data) {
                return Err(Trap);
            }
            if matches!(op, Opcode::GetPinnedReg | Opcode::SetPinnedReg)
                && !inc_insts.contains(&inst)
            {
                return Err(CounterUse);
            }
        }
    }
    // An increment on a block that dominates the latch runs once per iteration; at the top, one
    // that also dominates the exiting block runs once more, on the visit that leaves.
    let mut charge: i128 = 0;
    let mut top_charge: i128 = 0;
    for inc in &increments {
        let amount = match inc.amount {
            Some(a) if a >= 0 => i128::from(a),
            _ => return Err(CounterUse),
        };
        if !doms.dominates(inc.block, latch) {
            return Err(UnevenCharge);
        }
        charge += amount;
        if exit_at == ExitAt::Top && doms.dominates(inc.block, exiting) {
            top_charge += amount;
        }
    }
    if charge <= 0 {
        return Err(NoCharge);
    }
    // The amounts are built as i64 constants: a charge past that is left alone.
    if charge > i128::from(i64::MAX) {
        return Err(NoCharge);
    }
    let preheader = outside[0].from;
    let entry_branch = last_inst(func, preheader).ok_or(Entries)?;
    // The guard goes on this edge (split when it branches): it must pass plain values.
    if !matches!(
        func.dfg.insts[entry_branch].opcode(),
        Opcode::Jump | Opcode::Brif | Opcode::BrTable
    ) {
        return Err(Entries);
    }
    for (block, args) in destinations(func, entry_branch) {
        if block == header && args.iter().any(|a| a.as_value().is_none()) {
            return Err(Entries);
        }
    }
    Ok(CountedLoop {
        header,
        blocks: l.nodes.clone(),
        entry_branch,
        exit_at,
        exiting,
        exit_branch,
        exit_index,
        tests_stepped: iv.tests_stepped,
        iv_index: iv.index,
        iv_type,
        step_negative: sign_extend(iv.step, width) < 0,
        shift,
        bound,
        increments,
        charge,
        top_charge,
    })
}

fn may_trap(func: &Function, data: &InstructionData) -> bool {
    let op = data.opcode();
    matches!(
        op,
        Opcode::Trap | Opcode::Trapz | Opcode::Trapnz | Opcode::Debugtrap
    ) || op.can_trap()
        || ((op.can_load() || op.can_store())
            && data
                .memflags()
                .is_some_and(|f| func.dfg.mem_flags[f].trap_code().is_some()))
}

/// `step` read as a `width`-bit signed integer.
pub fn sign_extend(step: i64, width: u32) -> i128 {
    let shift = 128 - width;
    (i128::from(step) << shift) >> shift
}

/// The operands of the exit test of `brif cond` whose destination `exit_index` leaves:
/// `icmp ne x, y` staying on true or `icmp eq x, y` leaving on true (through a `uextend` or not),
/// or a bare `brif x` staying while x != 0 (one operand: the bound is 0).
fn counted_test(func: &Function, cond: Value, exit_index: usize) -> Option<Vec<Value>> {
    let mut v = cond;
    if let Some(ext) = defining_inst(func, v) {
        if let InstructionData::Unary {
            opcode: Opcode::Uextend,
            arg,
        } = func.dfg.insts[ext]
        {
            v = arg;
        }
    }
    if let Some(def) = defining_inst(func, v) {
        if let InstructionData::IntCompare {
            opcode: Opcode::Icmp,
            cond: cc,
            args: [a, b],
        } = func.dfg.insts[def]
        {
            let wanted = if exit_index == 1 {
                IntCC::NotEqual
            } else {
                IntCC::Equal
            };
            return (cc == wanted).then(|| vec![a, b]);
        }
    }
    // `brif x` stays while x != 0: only when the back edge is the `then` destination.
    if exit_index != 1 || v != cond {
        return None;
    }
    Some(vec![v])
}

struct Induction {
    index: usize,
    step: i64,
    tests_stepped: bool,
    other: Option<Value>,
}

/// Which operand of the test is the induction variable: a header parameter `i` the back edge
/// passes as `i + s` (s constant), tested as that stepped value or, at the top, as `i` itself.
fn induction_variable(
    func: &Function,
    params: &[Value],
    back_args: &[BlockArg],
    operands: &[Value],
    top: bool,
) -> Option<Induction> {
    let resolve = |v: Value| func.dfg.resolve_aliases(v);
    let back_value = |i: usize| back_args.get(i).and_then(|a| a.as_value());
    for (o, &operand) in operands.iter().enumerate() {
        let x = resolve(operand);
        let other = if operands.len() == 2 {
            Some(operands[1 - o])
        } else {
            None
        };
        if let Some((iv, step)) = defining_inst(func, x).and_then(|i| step_add(func, i)) {
            if let Some(index) = params.iter().position(|&p| p == resolve(iv)) {
                if back_value(index).is_some_and(|b| resolve(b) == x) {
                    return Some(Induction {
                        index,
                        step,
                        tests_stepped: true,
                        other,
                    });
                }
            }
        }
        if let (true, Some(index)) = (top, params.iter().position(|&p| p == x)) {
            let back_add = back_value(index)
                .and_then(|b| defining_inst(func, resolve(b)))
                .and_then(|i| step_add(func, i));
            if let Some((iv, step)) = back_add {
                if resolve(iv) == x {
                    return Some(Induction {
                        index,
                        step,
                        tests_stepped: false,
                        other,
                    });
                }
            }
        }
    }
    None
}

/// `iadd iv, k` or `iadd k, iv` with k an `iconst`: the induction variable and the step.
fn step_add(func: &Function, inst: Inst) -> Option<(Value, i64)> {
    let InstructionData::Binary {
        opcode: Opcode::Iadd,
        args: [a, b],
    } = func.dfg.insts[inst]
    else {
        return None;
    };
    if let Some((_, k)) = constant_def(func, b) {
        return Some((a, k));
    }
    constant_def(func, a).map(|(_, k)| (b, k))
}
