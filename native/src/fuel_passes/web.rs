//! The fuel web of a Wasmtime-shaped function for one counter location
//! (src/passes/fuel/web/web.ts): the context-pointer loads, the counter loads and stores, the
//! values that carry the counter (increments, block parameters), the checks and the calls; then
//! a forward walk over the CFG proving the web linear: at every point one value is the counter,
//! every use reads it, and memory holds it at every call and return that observes it. Anything
//! else is a `FuelPassError` naming the instruction. Unreachable blocks are ignored. The
//! legacy `global_value` vmctx the TypeScript also reads is gone from Cranelift 0.135.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use cranelift_codegen::entity::packed_option::PackedOption;
use cranelift_codegen::entity::{EntityRef, EntitySet, SecondaryMap};
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{
    ArgumentPurpose, Block, BlockCall, Function, Inst, InstructionData, Opcode, Value,
};

use super::aliases::Aliases;
use super::callees::{Convention, callee_convention};
use super::checks::{CheckContext, FuelCheck, match_fuel_compare, recognize_check};
use super::cleanup::locate_inst;
use super::error::{FuelPassError, FuelResult};
use super::graph::{
    Reachable, arg_at, args, destinations, inst_args, reachable, reverse_post_order,
};
use super::grouped::Grouped;
use super::location::FuelLocation;
use super::shapes::{AddMatch, is_pinned_read, match_counter_add};
use super::use_counts::UseCounts;

#[derive(Debug, Clone)]
pub struct FuelIncrement {
    pub inst: Inst,
    /// Index in the instruction's arguments of the counter operand.
    pub fuel_operand: usize,
    /// The constant added, or None for a dynamic increment.
    pub amount: Option<i64>,
    /// What it adds to the counter as it stands (differs from `amount` when an optimizer folded
    /// it onto an older counter value); None for a dynamic increment.
    pub charge: Option<i128>,
    pub result: Value,
}

#[derive(Debug, Clone, Copy)]
pub struct FuelParam {
    pub block: Block,
    pub index: usize,
    pub value: Value,
}

#[derive(Debug, Clone, Copy)]
pub struct FuelCall {
    pub inst: Inst,
    pub convention: Convention,
    /// Memory held the counter at the call, so the callee observes it.
    pub observed: bool,
    /// `return_call`/`return_call_indirect`: nothing follows.
    pub tail: bool,
}

#[derive(Debug)]
pub struct FuelWeb {
    pub location: FuelLocation,
    pub vmctx_values: Vec<Value>,
    pub context_pointers: Vec<Value>,
    pub context_pointer_defs: Vec<Inst>,
    pub counter_loads: Vec<Inst>,
    pub counter_stores: Vec<Inst>,
    pub increments: Vec<FuelIncrement>,
    pub params: Vec<FuelParam>,
    pub values: EntitySet<Value>,
    pub checks: Vec<FuelCheck>,
    pub calls: Vec<FuelCall>,
    /// The blocks the entry cannot reach (the recognizer ignored them).
    pub unreachable: Vec<Block>,
    /// Whether the function has value aliases (the rewrite adds none).
    pub aliases: Aliases,
    /// The use counts of the reachable instructions (the layout once the unreachable blocks go).
    pub counts: Option<UseCounts>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Base {
    Entry,
    Call(Inst),
    Mem(Block),
    Val(Value),
}

/// A counter value's class: a base plus the constants added since. Two values of one class are
/// equal, so an increment folded onto an older value of the same base is understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Class {
    base: Base,
    off: i128,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    cur: Class,
    synced: bool,
}

#[derive(Debug, Clone, Copy)]
enum Role {
    Load,
    Store,
    /// Index in `increments` (a role is 8 bytes: the walk keeps one per instruction).
    Increment(u32),
    Compare(Value),
    Call {
        tail: bool,
        out_of_gas: bool,
    },
}

/// A map with a default entry for each of `n` keys, so that writes do not grow it one key at a time.
fn sized<K: EntityRef, V: Clone + Default>(n: usize) -> SecondaryMap<K, V> {
    let mut map = SecondaryMap::new();
    map.resize(n);
    map
}

/// An insertion-ordered set (the TypeScript `Set`'s iteration order matters for numbering).
#[derive(Default)]
struct Ordered {
    list: Vec<Value>,
    set: EntitySet<Value>,
}

impl Ordered {
    fn insert(&mut self, v: Value) -> bool {
        let fresh = self.set.insert(v);
        if fresh {
            self.list.push(v);
        }
        fresh
    }
    fn has(&self, v: Value) -> bool {
        self.set.contains(v)
    }
}

/// What a visit of a block does.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    /// Record the outgoing edge states (a round towards the fixed point; violations ignored).
    Record,
    /// Report the first violation (the states are final).
    Report,
    /// Both.
    RecordAndReport,
}

/// An edge into a block: its dense number (the index of its state), the branch and destination
/// it is, and the block it leaves.
#[derive(Clone, Copy)]
struct Incoming {
    edge: usize,
    branch: Inst,
    call: BlockCall,
    from: Block,
}

struct Walk {
    /// Where in `defined` each value's latest definition is (4 bytes a value: the walk fills
    /// one per value of the function, most of which never carry the counter).
    class_of: SecondaryMap<Value, u32>,
    /// Every value defined with its class, in walk order: a class's name is its first value
    /// (read only to word a diagnostic).
    defined: Vec<(Class, Value)>,
    /// The counter's state on each edge (numbered in reverse post-order), once the walk reached it.
    edges: Vec<Option<State>>,
    /// The number of the first edge leaving each branch (the others follow in destination order).
    first_edge: SecondaryMap<Inst, u32>,
    /// The edges into each block (by block number), in edge order.
    incoming: Grouped<Incoming>,
    param_of: SecondaryMap<Block, PackedOption<Value>>,
    /// The state each block was last entered with.
    entered: SecondaryMap<Block, Option<State>>,
    calls: Vec<FuelCall>,
    /// Scratch: a block's reached incoming edges with their states.
    reached: Vec<(Incoming, State)>,
}

impl Walk {
    /// The class `v` was last defined with.
    fn class(&self, v: Value) -> Option<Class> {
        let at = *self.class_of.get(v)?;
        self.defined.get(at as usize).map(|&(k, _)| k)
    }
}

/// What every counter location's recognition reads first, gathered once per function.
struct Reading {
    aliases: Aliases,
    live: Reachable,
    /// Reachable instructions with their blocks, in layout order.
    insts: Vec<(Block, Inst)>,
    /// The reachable blocks' branches (last instructions with destinations), in layout order.
    branches: Vec<(Block, Inst)>,
    /// The reachable `iadd`s and branches, in layout order: all the counter can flow through.
    flow: Vec<Inst>,
    /// The reachable `load`s, in layout order (where context pointers come from).
    loads: Vec<Inst>,
    /// The reachable instructions that load or store, in layout order (counter accesses).
    memory: Vec<Inst>,
    /// The reachable calls with their blocks, in layout order.
    calls: Vec<(Block, Inst)>,
    /// The first reachable pinned-register access.
    pinned_use: Option<Inst>,
}

impl Reading {
    fn new(func: &Function, aliases: Aliases) -> Self {
        let live = reachable(func);
        // Sized for the front end's code, so that few of them grow: about 12 % of its
        // instructions are `iadd`s, 10 % branches, 17 % memory accesses, 2 % calls.
        let n = func.dfg.num_insts();
        let mut insts = Vec::with_capacity(n);
        let mut branches = Vec::with_capacity(live.order.len());
        let mut flow = Vec::with_capacity(n / 4);
        let mut loads = Vec::with_capacity(n / 4);
        let mut memory = Vec::with_capacity(n / 4);
        let mut calls = Vec::with_capacity(n / 16);
        let mut pinned_use = None;
        let dfg = &func.dfg;
        for b in func.layout.blocks() {
            if live.set.contains(b) {
                let last = func.layout.last_inst(b);
                for i in func.layout.block_insts(b) {
                    insts.push((b, i));
                    let data = &dfg.insts[i];
                    let op = data.opcode();
                    let branch = Some(i) == last
                        && !data
                            .branch_destination(&dfg.jump_tables, &dfg.exception_tables)
                            .is_empty();
                    if branch {
                        branches.push((b, i));
                    }
                    if branch || op == Opcode::Iadd {
                        flow.push(i);
                    }
                    if op.can_load() || op.can_store() {
                        memory.push(i);
                        if op == Opcode::Load {
                            loads.push(i);
                        }
                    }
                    if op.is_call() {
                        calls.push((b, i));
                    }
                    if matches!(op, Opcode::GetPinnedReg | Opcode::SetPinnedReg) {
                        pinned_use.get_or_insert(i);
                    }
                }
            }
        }
        Reading {
            aliases,
            live,
            insts,
            branches,
            flow,
            loads,
            memory,
            calls,
            pinned_use,
        }
    }
}

struct Recognizer<'f> {
    func: &'f Function,
    location: FuelLocation,
    aliases: Aliases,
    live: &'f Reachable,
    insts: &'f [(Block, Inst)],
    branches: &'f [(Block, Inst)],
    flow: &'f [Inst],
    reading: &'f Reading,
    vmctx: Ordered,
    ctx: Ordered,
    ctx_defs: Vec<Inst>,
    loads: Vec<Inst>,
    stores: Vec<Inst>,
    /// The values that carry the counter (their order is never read: a set).
    values: EntitySet<Value>,
    roles: SecondaryMap<Inst, Option<Role>>,
    increments: Vec<FuelIncrement>,
    /// What each increment (by index) adds to the counter as it stands, once walked.
    charges: Vec<Option<i128>>,
    params: Vec<FuelParam>,
    checks: Vec<FuelCheck>,
    /// The reachable instructions' use counts, once classified.
    counts: Option<UseCounts>,
    /// The instructions the walk must look at, in layout order: those with a role, the returns
    /// and the branches (about a quarter); the rest neither read nor change the counter.
    events: Vec<Inst>,
    /// Each reachable block's range in `events`.
    block_events: SecondaryMap<Block, (u32, u32)>,
}

impl<'f> Recognizer<'f> {
    fn new(func: &'f Function, location: FuelLocation, reading: &'f Reading) -> Self {
        Recognizer {
            func,
            location,
            aliases: reading.aliases,
            live: &reading.live,
            insts: &reading.insts,
            branches: &reading.branches,
            flow: &reading.flow,
            reading,
            vmctx: Ordered::default(),
            ctx: Ordered::default(),
            ctx_defs: Vec::new(),
            // Wasmtime loads the counter at entry and after each call, and stores it before each.
            loads: Vec::with_capacity(reading.calls.len() + 1),
            stores: Vec::with_capacity(reading.calls.len() + 1),
            values: EntitySet::with_capacity(func.dfg.num_values()),
            roles: sized(func.dfg.num_insts()),
            // About one increment per block, and a counter parameter at many.
            increments: Vec::with_capacity(reading.live.order.len()),
            charges: Vec::new(),
            params: Vec::with_capacity(reading.live.order.len() / 2),
            checks: Vec::new(),
            counts: None,
            // The increments and branches are in the flow; the counter is loaded and stored
            // about once per call; each block ends in at most one more (a return or a trap).
            events: Vec::with_capacity(
                reading.flow.len() + 3 * reading.calls.len() + reading.live.order.len() + 2,
            ),
            block_events: sized(func.dfg.num_blocks()),
        }
    }

    /// Notes that the walk must look at `i`, in `block` (called in layout order).
    fn note_event(&mut self, block: Block, i: Inst) {
        let n = u32::try_from(self.events.len()).unwrap_or(u32::MAX);
        let range = &mut self.block_events[block];
        if range.1 == 0 {
            range.0 = n;
        }
        range.1 = n + 1;
        self.events.push(i);
    }

    fn r(&self, v: Value) -> Value {
        self.aliases.resolve(self.func, v)
    }

    fn error(&self, message: String, inst: Option<Inst>) -> FuelPassError {
        let message = match inst {
            Some(i) => format!("{}: {message}", locate_inst(self.func, i)),
            None => message,
        };
        FuelPassError {
            message,
            location: self.location.name.to_string(),
        }
    }

    fn run(mut self) -> FuelResult<Option<FuelWeb>> {
        self.find_vmctx();
        self.find_context_pointers();
        self.find_counter_accesses()?;
        if self.loads.is_empty() && self.stores.is_empty() {
            return Ok(None);
        }
        let func = self.func;
        if let Some(inst) = self.reading.pinned_use {
            if self.only_flushes_and_reloads() {
                return Ok(None);
            }
            return Err(self.error(
                "the function already uses the pinned register and also keeps the counter in memory".into(),
                Some(inst),
            ));
        }
        self.propagate();
        self.classify()?;
        let calls = self.walk()?;
        if self.stores.is_empty() && self.checks.is_empty() {
            return Ok(None);
        }
        for (k, inc) in self.increments.iter_mut().enumerate() {
            if inc.amount.is_some() {
                inc.charge = self
                    .charges
                    .get(k)
                    .copied()
                    .flatten()
                    .or(inc.amount.map(i128::from));
            }
        }
        Ok(Some(FuelWeb {
            location: self.location,
            vmctx_values: self.vmctx.list,
            context_pointers: self.ctx.list,
            context_pointer_defs: self.ctx_defs,
            counter_loads: self.loads,
            counter_stores: self.stores,
            increments: self.increments,
            params: self.params,
            values: self.values,
            checks: self.checks,
            calls,
            unreachable: func
                .layout
                .blocks()
                .filter(|b| !self.live.set.contains(*b))
                .collect(),
            aliases: self.aliases,
            counts: self.counts,
        }))
    }

    /// The value `v` was loaded from, when a `load` defines it.
    fn loaded_from(&self, v: Value) -> Option<Value> {
        let inst = self.func.dfg.value_def(v).inst()?;
        match self.func.dfg.insts[inst] {
            InstructionData::Load {
                opcode: Opcode::Load,
                arg,
                ..
            } => Some(self.r(arg)),
            _ => None,
        }
    }

    /// A `call_indirect` through the builtin-function array (2022 Wasmtime): callee loaded from a
    /// pointer loaded from the vmctx, first argument the caller's vmctx. Builtins are host code.
    fn calls_builtin_array(&self, inst: Inst) -> bool {
        let dfg = &self.func.dfg;
        if dfg.insts[inst].opcode() != Opcode::CallIndirect {
            return false;
        }
        let args = dfg.inst_args(inst);
        let Some(&callee) = args.first() else {
            return false;
        };
        let base = self.loaded_from(callee).and_then(|t| self.loaded_from(t));
        let first = args.get(1).map(|&v| self.r(v));
        matches!((base, first), (Some(b), Some(f)) if self.vmctx.has(b) && self.vmctx.has(f))
    }

    /// Every counter store stores a register read; every counter load only feeds `set_pinned_reg`.
    fn only_flushes_and_reloads(&self) -> bool {
        let func = self.func;
        let mut users: HashMap<Value, Vec<Inst>> = HashMap::default();
        for &(_, i) in self.insts {
            for v in func.dfg.inst_values(i) {
                users.entry(self.r(v)).or_default().push(i);
            }
        }
        let flush = |i: Inst| {
            func.dfg.insts[i].opcode() == Opcode::Store
                && func
                    .dfg
                    .inst_args(i)
                    .first()
                    .is_some_and(|&v| is_pinned_read(func, v))
        };
        let feeds = |i: Inst| {
            users
                .get(&func.dfg.first_result(i))
                .into_iter()
                .flatten()
                .all(|&u| func.dfg.insts[u].opcode() == Opcode::SetPinnedReg)
        };
        self.stores.iter().all(|&i| flush(i)) && self.loads.iter().all(|&i| feeds(i))
    }

    fn find_vmctx(&mut self) {
        let func = self.func;
        let Some(entry) = func.layout.entry_block() else {
            return;
        };
        let params = func.dfg.block_params(entry);
        for (i, p) in func.signature.params.iter().enumerate() {
            if p.purpose == ArgumentPurpose::VMContext {
                if let Some(&v) = params.get(i) {
                    self.vmctx.insert(v);
                }
            }
        }
    }

    fn find_context_pointers(&mut self) {
        let func = self.func;
        let off = self.location.context_offset;
        for &i in &self.reading.loads {
            match func.dfg.insts[i] {
                InstructionData::Load {
                    opcode: Opcode::Load,
                    arg,
                    offset,
                    ..
                } => {
                    if self.vmctx.has(self.r(arg)) && i64::from(offset) == off {
                        let v = func.dfg.first_result(i);
                        if func.dfg.value_type(v) == I64 {
                            self.ctx.insert(v);
                            self.ctx_defs.push(i);
                        }
                    }
                }
                _ => {}
            }
        }
        // A block parameter is a context pointer when every incoming argument is one. None can be
        // unless some branch passes a context pointer (the common case: skip the index).
        let passed = self.branches.iter().any(|&(_, i)| {
            destinations(func, i).any(|(_, call)| {
                args(func, call).any(|a| a.as_value().is_some_and(|v| self.ctx.has(self.r(v))))
            })
        });
        if !passed {
            return;
        }
        let incoming = self.incoming_args();
        loop {
            let mut changed = false;
            for (param, args) in &incoming {
                if self.ctx.has(*param) || args.is_empty() {
                    continue;
                }
                if args
                    .iter()
                    .all(|a| a.is_some_and(|a| self.ctx.has(self.r(a))))
                {
                    self.ctx.insert(*param);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// For each block parameter (in first-seen order), the arguments reachable branches pass it.
    fn incoming_args(&self) -> Vec<(Value, Vec<Option<Value>>)> {
        let mut out: Vec<(Value, Vec<Option<Value>>)> = Vec::new();
        let mut index: HashMap<Value, usize> = HashMap::default();
        for &(_, i) in self.branches {
            for (block, call) in destinations(self.func, i) {
                let mut passed = args(self.func, call);
                for &p in self.func.dfg.block_params(block) {
                    let slot = *index.entry(p).or_insert_with(|| {
                        out.push((p, Vec::new()));
                        out.len() - 1
                    });
                    out[slot].1.push(passed.next().and_then(|a| a.as_value()));
                }
            }
        }
        out
    }

    fn find_counter_accesses(&mut self) -> FuelResult<()> {
        let func = self.func;
        let off = self.location.counter_offset;
        for &i in &self.reading.memory {
            let data = &func.dfg.insts[i];
            let op = data.opcode();
            let addr_index = usize::from(matches!(
                op,
                Opcode::Store | Opcode::Istore8 | Opcode::Istore16 | Opcode::Istore32
            ));
            let Some(&addr) = func.dfg.inst_args(i).get(addr_index) else {
                continue;
            };
            if !self.ctx.has(self.r(addr)) {
                continue;
            }
            // Formats without an offset (atomics) read as offset 0: an access right at the counter.
            if i64::from(data.load_store_offset().unwrap_or(0)) != off {
                continue;
            }
            match op {
                Opcode::Load => {
                    if func.dfg.value_type(func.dfg.first_result(i)) != I64 {
                        return Err(self.error(
                            "reads the fuel counter with a type other than i64".into(),
                            Some(i),
                        ));
                    }
                    self.loads.push(i);
                    self.roles[i] = Some(Role::Load);
                }
                Opcode::Store => {
                    if func.dfg.value_type(func.dfg.inst_args(i)[0]) != I64 {
                        return Err(self.error(
                            "writes the fuel counter with a type other than i64".into(),
                            Some(i),
                        ));
                    }
                    self.stores.push(i);
                    self.roles[i] = Some(Role::Store);
                }
                _ => return Err(self.error("accesses part of the fuel counter".into(), Some(i))),
            }
        }
        Ok(())
    }

    /// Whether argument `k` of `i` carries the counter.
    fn is_fuel_arg(&self, i: Inst, k: usize) -> bool {
        inst_args(self.func, i)
            .get(k)
            .is_some_and(|&a| self.values.contains(self.r(a)))
    }

    /// The first argument of `i` that carries the counter.
    fn first_fuel_arg(&self, i: Inst) -> Option<usize> {
        inst_args(self.func, i)
            .iter()
            .position(|&a| self.values.contains(self.r(a)))
    }

    /// Grows the set of counter values from the loads through increments and block parameters.
    /// What can carry the counter on (an `iadd`'s operands to its result, a branch argument to
    /// its parameter) is gathered once as links between values, then followed to a fixed point:
    /// the rounds a loop's back edges need walk the links, not the instructions again.
    fn propagate(&mut self) {
        let func = self.func;
        for &l in &self.loads {
            self.values.insert(func.dfg.first_result(l));
        }
        // Two links per `iadd`, one per branch argument (a branch passes a few).
        let mut links: Vec<(Value, Value)> = Vec::with_capacity(3 * self.flow.len());
        for &i in self.flow {
            if let InstructionData::Binary {
                opcode: Opcode::Iadd,
                args: [a, b],
            } = func.dfg.insts[i]
            {
                let result = func.dfg.first_result(i);
                links.push((self.r(a), result));
                links.push((self.r(b), result));
                continue;
            }
            for (block, call) in destinations(func, i) {
                let params = func.dfg.block_params(block);
                for (a, &p) in args(func, call).zip(params) {
                    if let Some(a) = a.as_value() {
                        links.push((self.r(a), p));
                    }
                }
            }
        }
        loop {
            let mut changed = false;
            for &(from, to) in &links {
                if self.values.contains(from) {
                    changed |= self.values.insert(to);
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Gives every instruction touching the counter its role, or fails on an escape.
    fn classify(&mut self) -> FuelResult<()> {
        let func = self.func;
        for &b in &self.live.order {
            let params = func.dfg.block_params(b);
            let mut fuel = params
                .iter()
                .enumerate()
                .filter(|&(_, &p)| self.values.contains(p));
            let Some((index, &value)) = fuel.next() else {
                continue;
            };
            if fuel.next().is_some() {
                let names: Vec<String> = params
                    .iter()
                    .filter(|&&p| self.values.contains(p))
                    .map(|p| p.to_string())
                    .collect();
                return Err(self.error(
                    format!(
                        "{b} has {} parameters carrying the counter ({})",
                        names.len(),
                        names.join(", ")
                    ),
                    None,
                ));
            }
            self.params.push(FuelParam {
                block: b,
                index,
                value,
            });
        }
        // Every argument passed to a counter parameter must be a counter value.
        for &(blk, i) in self.branches {
            for (block, call) in destinations(func, i) {
                let params = func.dfg.block_params(block);
                for (k, a) in args(func, call).enumerate() {
                    let Some(&p) = params.get(k) else { continue };
                    if !self.values.contains(p) {
                        continue;
                    }
                    let ok = a
                        .as_value()
                        .is_some_and(|a| self.values.contains(self.r(a)));
                    if !ok {
                        let what = a
                            .as_value()
                            .map_or("a call result".to_string(), |a| a.to_string());
                        return Err(self.error(
                            format!("{block} parameter {p} carries the counter but receives {what}, which is not the counter, from {blk}"),
                            Some(i),
                        ));
                    }
                }
            }
        }
        let mut compares = Vec::new();
        // The checks' use counts are gathered in this walk over every reachable instruction.
        let mut check_ctx = CheckContext::with_edges(func, self.aliases, &self.live.set);
        for idx in 0..self.insts.len() {
            let (b, i) = self.insts[idx];
            let values = &self.values;
            let touches = check_ctx.count_uses_asking(func, i, |v| values.contains(v));
            // Loads and stores have their roles already, calls get theirs below; the
            // terminators are the returns and the branches (and traps).
            let role = self.roles[i];
            let op = func.dfg.insts[i].opcode();
            if role.is_some() || op.is_call() || op.is_terminator() {
                self.note_event(b, i);
            }
            if matches!(role, Some(Role::Store)) {
                if !self.is_fuel_arg(i, 0) {
                    let v = func.dfg.inst_args(i)[0];
                    return Err(self.error(
                        format!("stores {v}, which is not the fuel counter, to the counter"),
                        Some(i),
                    ));
                }
                if self.is_fuel_arg(i, 1) {
                    return Err(self.error("uses the counter as an address".into(), Some(i)));
                }
                continue;
            }
            // What reads no counter value is no increment, check or escape.
            if !touches {
                continue;
            }
            let values = &self.values;
            match match_counter_add(func, self.aliases, i, |v| values.contains(v)) {
                AddMatch::AddsTwoCounters => {
                    return Err(self.error(
                        "adds two counter values: the counter escapes into arithmetic".into(),
                        Some(i),
                    ));
                }
                AddMatch::Add(add) => {
                    // An `iadd`: no role yet, neither a call nor a terminator, so not noted.
                    self.note_event(b, i);
                    self.increments.push(FuelIncrement {
                        inst: i,
                        fuel_operand: add.counter_operand,
                        amount: add.amount,
                        charge: add.amount.map(i128::from),
                        result: func.dfg.first_result(i),
                    });
                    let k = u32::try_from(self.increments.len() - 1).unwrap_or(u32::MAX);
                    self.roles[i] = Some(Role::Increment(k));
                    continue;
                }
                AddMatch::None => {}
            }
            let Some(first) = self.first_fuel_arg(i) else {
                continue;
            };
            let values = &self.values;
            if let Some(m) = match_fuel_compare(func, self.aliases, i, &|v| values.contains(v)) {
                // An `icmp`, likewise.
                self.note_event(b, i);
                compares.push((i, m));
                continue;
            }
            let v = func.dfg.inst_args(i)[first];
            if func.dfg.insts[i].opcode().can_store() {
                return Err(self.error(
                    format!(
                        "the fuel counter {v} escapes into a store to memory other than the counter"
                    ),
                    Some(i),
                ));
            }
            return Err(self.error(
                format!("the fuel counter {v} escapes into an instruction that is not an increment, a counter store, a check or a branch argument"),
                Some(i),
            ));
        }
        for (i, m) in compares {
            match recognize_check(func, i, m, &check_ctx) {
                Err(why) => {
                    return Err(self.error(
                        format!("compares the counter with zero but is not a fuel check: {why}"),
                        Some(i),
                    ));
                }
                Ok(check) => {
                    self.checks.push(check);
                    self.roles[i] = Some(Role::Compare(m.fuel));
                }
            }
        }
        self.counts = Some(check_ctx.into_counts());
        let oog: HashSet<Block> = self
            .checks
            .iter()
            .flat_map(|c| c.path.iter().copied())
            .collect();
        for &(blk, i) in &self.reading.calls {
            let op = func.dfg.insts[i].opcode();
            let tail = matches!(op, Opcode::ReturnCall | Opcode::ReturnCallIndirect);
            self.roles[i] = Some(Role::Call {
                tail,
                out_of_gas: oog.contains(&blk),
            });
        }
        Ok(())
    }

    /// `describe`, when the walk reports (the message is only built then; otherwise empty).
    fn describe_when(&self, report: bool, w: &Walk, k: Class) -> String {
        if report {
            self.describe(w, k)
        } else {
            String::new()
        }
    }

    fn describe(&self, w: &Walk, k: Class) -> String {
        if let Some(&(_, v)) = w.defined.iter().find(|(c, _)| *c == k) {
            return v.to_string();
        }
        let text = match k.base {
            Base::Entry => "the value at function entry".to_string(),
            Base::Call(i) => format!("the value after {}", locate_inst(self.func, i)),
            Base::Mem(b) => format!("the value in memory at {b}"),
            Base::Val(v) => v.to_string(),
        };
        if k.off == 0 {
            text
        } else {
            format!("{text} + {}", k.off)
        }
    }

    fn define(w: &mut Walk, v: Value, k: Class) {
        w.class_of[v] = u32::try_from(w.defined.len()).unwrap_or(u32::MAX);
        w.defined.push((k, v));
    }

    /// The forward walk; returns the calls with their conventions. Fails on the first violation.
    fn walk(&mut self) -> FuelResult<Vec<FuelCall>> {
        let func = self.func;
        let rpo = reverse_post_order(func);
        let blocks = func.dfg.num_blocks();
        let mut w = Walk {
            class_of: {
                let mut map = SecondaryMap::with_default(u32::MAX);
                map.resize(func.dfg.num_values());
                map
            },
            // Each round defines the parameters, the loads' and the increments' results; most
            // walks take one or two rounds.
            defined: Vec::with_capacity(
                2 * (self.params.len() + self.loads.len() + self.increments.len()),
            ),
            // Most blocks end in a `brif` or a `jump`.
            edges: Vec::with_capacity(2 * rpo.len()),
            first_edge: sized(func.dfg.num_insts()),
            incoming: Grouped::new(0, &[]),
            param_of: sized(blocks),
            entered: sized(blocks),
            calls: Vec::with_capacity(self.reading.calls.len()),
            reached: Vec::new(),
        };
        for p in &self.params {
            w.param_of[p.block] = p.value.into();
        }
        self.charges = vec![None; self.increments.len()];
        let mut order: SecondaryMap<Block, u32> = sized(blocks);
        for (n, &b) in rpo.iter().enumerate() {
            order[b] = u32::try_from(n).unwrap_or(u32::MAX);
        }
        // An edge to a block at or before its source in reverse post-order closes a cycle; the
        // blocks such edges enter.
        let mut headers = Vec::new();
        let mut pairs = Vec::with_capacity(2 * rpo.len());
        for &b in &rpo {
            let Some(branch) = func.layout.last_inst(b) else {
                continue;
            };
            w.first_edge[branch] = u32::try_from(w.edges.len()).unwrap_or(u32::MAX);
            for (dest, call) in destinations(func, branch) {
                if order[dest] <= order[b] {
                    headers.push(dest);
                }
                let edge = Incoming {
                    edge: w.edges.len(),
                    branch,
                    call,
                    from: b,
                };
                pairs.push((dest.index(), edge));
                w.edges.push(None);
            }
        }
        w.incoming = Grouped::new(blocks, &pairs);
        // A header entered by several back edges is checked once.
        headers.sort_unstable();
        headers.dedup();
        let cyclic = !headers.is_empty();
        // Iterate to a fixed point, reporting violations once the states are final. Without a
        // cycle every block sees its final incoming states in the first round. With one, every
        // round also reports: if it changes nothing, it saw only final states, so its first
        // violation in reverse post-order is the one a separate reporting round would find
        // (after a violation the round goes on recording, as a plain round would). The first
        // round changes everything, but when it found no violation and the blocks entered by
        // back edges would enter as they did, it saw only final states too.
        for round in 0..64 {
            w.calls.clear();
            let mut changed = false;
            let mut violation = None;
            for &b in &rpo {
                if violation.is_none() {
                    match self.visit(&mut w, b, Visit::RecordAndReport) {
                        Ok(c) => changed |= c,
                        Err(e) => {
                            violation = Some(e);
                            changed |= self.visit(&mut w, b, Visit::Record)?;
                        }
                    }
                } else {
                    changed |= self.visit(&mut w, b, Visit::Record)?;
                }
            }
            let settled = round > 0 && !changed
                || round == 0 && violation.is_none() && self.first_round_final(&mut w, &headers);
            if !cyclic || settled {
                return match violation {
                    Some(e) => Err(e),
                    None => Ok(w.calls),
                };
            }
        }
        w.calls.clear();
        for &b in &rpo {
            self.visit(&mut w, b, Visit::Report)?;
        }
        Ok(w.calls)
    }

    /// The incoming edges of `block` the walk has reached, with their states, into `preds`.
    fn reached_edges(w: &Walk, block: Block, preds: &mut Vec<(Incoming, State)>) {
        preds.clear();
        preds.extend(
            w.incoming
                .of(block.index())
                .iter()
                .filter_map(|e| w.edges[e.edge].map(|st| (*e, st))),
        );
    }

    /// The counter's state entering `block` from the edge states `preds`: its parameter when it
    /// has one, else the one value every edge brings, else the value in memory. With it, when
    /// the edges differ and one of them did not store its value, that edge's source block.
    fn merge(
        w: &Walk,
        block: Block,
        preds: &[(Incoming, State)],
    ) -> (State, Option<Option<Block>>) {
        let states = || preds.iter().map(|&(_, st)| st);
        let synced = !preds.is_empty() && states().all(|x| x.synced);
        if let Some(param) = w.param_of[block].expand() {
            let cur = Class {
                base: Base::Val(param),
                off: 0,
            };
            return (State { cur, synced }, None);
        }
        if let Some(first) = preds.first().map(|&(_, st)| st.cur)
            && states().all(|x| x.cur == first)
        {
            return (State { cur: first, synced }, None);
        }
        let unstored = if synced {
            None
        } else {
            Some(preds.iter().find(|(_, st)| !st.synced).map(|(e, _)| e.from))
        };
        let cur = Class {
            base: Base::Mem(block),
            off: 0,
        };
        (State { cur, synced: true }, unstored)
    }

    /// The first edge of `preds` whose argument for `block`'s counter parameter `param` is not
    /// the counter on that edge, with the argument and the counter there.
    fn stale_param_arg(
        &self,
        w: &Walk,
        block: Block,
        param: Value,
        preds: &[(Incoming, State)],
    ) -> Option<(Incoming, Value, Class)> {
        let func = self.func;
        let index = func
            .dfg
            .block_params(block)
            .iter()
            .position(|&p| p == param)
            .unwrap_or(usize::MAX);
        preds.iter().find_map(|&(e, state)| {
            let arg = arg_at(func, e.call, index)?;
            (w.class(self.r(arg)) != Some(state.cur)).then_some((e, arg, state.cur))
        })
    }

    /// After a first round of a cyclic walk that reported nothing: whether its states were
    /// already final, so that another round would change nothing and report nothing. Only the
    /// blocks entered by a back edge can be wrong, since each saw its edges from later blocks
    /// only after its visit: each must enter with the state the round gave it now that every
    /// edge is known, with no stale argument and no unstored value merged.
    fn first_round_final(&self, w: &mut Walk, headers: &[Block]) -> bool {
        let mut preds = std::mem::take(&mut w.reached);
        let mut fin = true;
        for &h in headers {
            Self::reached_edges(w, h, &mut preds);
            let (entered, unstored) = Self::merge(w, h, &preds);
            let stale = w.param_of[h]
                .expand()
                .and_then(|param| self.stale_param_arg(w, h, param, &preds));
            if w.entered[h] != Some(entered) || unstored.is_some() || stale.is_some() {
                fin = false;
                break;
            }
        }
        w.reached = preds;
        fin
    }

    /// Walks one block from its incoming edge states: records its outgoing edge states and
    /// returns whether any changed, or reports the first violation, or both (`mode`).
    fn visit(&mut self, w: &mut Walk, block: Block, mode: Visit) -> FuelResult<bool> {
        let func = self.func;
        let report = mode != Visit::Record;
        let record = mode != Visit::Report;
        let fail = |me: &Self, message: String, inst: Option<Inst>| -> FuelResult<()> {
            if report {
                Err(me.error(message, inst))
            } else {
                Ok(())
            }
        };
        let mut s: State;
        if Some(block) == func.layout.entry_block() {
            s = State {
                cur: Class {
                    base: Base::Entry,
                    off: 0,
                },
                synced: true,
            };
        } else {
            // The edges the walk has reached, with their states (in a buffer kept across visits).
            let mut preds = std::mem::take(&mut w.reached);
            Self::reached_edges(w, block, &mut preds);
            let (entered, unstored) = Self::merge(w, block, &preds);
            s = entered;
            if let Some(param) = w.param_of[block].expand() {
                Self::define(w, param, s.cur);
                if let Some((e, arg, now)) = self.stale_param_arg(w, block, param, &preds) {
                    let now = self.describe_when(report, w, now);
                    fail(
                        self,
                        format!(
                            "passes {arg} as the counter to {block}, but the counter is {now} there: {arg} is stale"
                        ),
                        Some(e.branch),
                    )?;
                }
            } else if let Some(bad) = unstored {
                let bad = bad.map_or("block?".to_string(), |b| b.to_string());
                fail(
                    self,
                    format!(
                        "{block} is reached with different counter values and the one from {bad} is not in memory, so no single value is the counter here"
                    ),
                    None,
                )?;
            }
            w.reached = preds;
        }
        if record {
            w.entered[block] = Some(s);
        }
        let mut changed = false;
        let last = func.layout.last_inst(block);
        let (start, end) = self.block_events[block];
        for e in start as usize..end as usize {
            let i = self.events[e];
            let require_current = |me: &Self, w: &Walk, v: Value, s: &State| -> FuelResult<()> {
                if w.class(me.r(v)) != Some(s.cur) {
                    let now = if report {
                        me.describe(w, s.cur)
                    } else {
                        String::new()
                    };
                    return fail(
                        me,
                        format!(
                            "uses {v}, a stale counter value: the counter is {now} at this point"
                        ),
                        Some(i),
                    );
                }
                Ok(())
            };
            match self.roles[i] {
                Some(Role::Load) => {
                    if !s.synced {
                        let now = self.describe_when(report, w, s.cur);
                        fail(
                            self,
                            format!(
                                "reloads the counter from memory while the counter {now} has not been stored: the increments since the last store would be lost"
                            ),
                            Some(i),
                        )?;
                    }
                    Self::define(w, func.dfg.first_result(i), s.cur);
                }
                Some(Role::Store) => {
                    require_current(self, w, func.dfg.inst_args(i)[0], &s)?;
                    s.synced = true;
                }
                Some(Role::Increment(k)) => {
                    let k = k as usize;
                    let inc = self.increments[k].clone();
                    let operand = func.dfg.inst_args(i)[inc.fuel_operand];
                    let from = w.class(self.r(operand));
                    match (inc.amount, from) {
                        (Some(amount), Some(from)) if from != s.cur && from.base == s.cur.base => {
                            // Folded: `old + k` where old is an earlier value of the current base.
                            let delta = from.off + i128::from(amount) - s.cur.off;
                            if delta < 0 {
                                let now = self.describe_when(report, w, s.cur);
                                fail(
                                    self,
                                    format!(
                                        "adds {amount} to {operand}, which gives less than the counter {now} already holds: the counter would go backwards"
                                    ),
                                    Some(i),
                                )?;
                            }
                            self.charges[k] = Some(delta);
                            s = State {
                                cur: Class {
                                    base: s.cur.base,
                                    off: from.off + i128::from(amount),
                                },
                                synced: false,
                            };
                        }
                        _ => {
                            // Dynamic increments (and anything not provably folded) add to the current value.
                            require_current(self, w, operand, &s)?;
                            let next = match inc.amount {
                                None => Class {
                                    base: Base::Val(inc.result),
                                    off: 0,
                                },
                                Some(a) => Class {
                                    base: s.cur.base,
                                    off: s.cur.off + i128::from(a),
                                },
                            };
                            self.charges[k] = Some(inc.amount.map_or(0, i128::from));
                            s = State {
                                cur: next,
                                synced: false,
                            };
                        }
                    }
                    Self::define(w, inc.result, s.cur);
                }
                Some(Role::Compare(fuel)) => require_current(self, w, fuel, &s)?,
                Some(Role::Call { tail, out_of_gas }) => {
                    let convention = if out_of_gas || self.calls_builtin_array(i) {
                        Convention::NonPinned
                    } else {
                        callee_convention(func, i)
                    };
                    if !s.synced && (convention == Convention::Pinned || tail) {
                        let what = if tail {
                            "tail-calls"
                        } else {
                            "calls a function that uses the pinned counter"
                        };
                        let now = self.describe_when(report, w, s.cur);
                        fail(
                            self,
                            format!(
                                "{what} while the counter {now} is not stored: the callee would see a different counter"
                            ),
                            Some(i),
                        )?;
                    }
                    if report {
                        w.calls.push(FuelCall {
                            inst: i,
                            convention,
                            observed: s.synced,
                            tail,
                        });
                    }
                    if s.synced {
                        s = State {
                            cur: Class {
                                base: Base::Call(i),
                                off: 0,
                            },
                            synced: true,
                        };
                    }
                }
                None => {
                    if func.dfg.insts[i].opcode().is_return() && !s.synced {
                        let now = self.describe_when(report, w, s.cur);
                        fail(
                            self,
                            format!(
                                "returns while the counter {now} has not been stored: the caller would see a different counter"
                            ),
                            Some(i),
                        )?;
                    }
                }
            }
            // Only branches have destinations (asking every instruction costs a decode each).
            if Some(i) != last && !func.dfg.insts[i].opcode().is_branch() {
                continue;
            }
            for (d, (dest, call)) in destinations(func, i).enumerate() {
                if record && Some(i) == last {
                    // Only a block's last instruction branches (Cranelift's rule); walk() numbered its edges.
                    let slot = &mut w.edges[w.first_edge[i] as usize + d];
                    changed |= *slot != Some(s);
                    *slot = Some(s);
                }
                let Some(param) = w.param_of[dest].expand() else {
                    continue;
                };
                let index = func.dfg.block_params(dest).iter().position(|&p| p == param);
                if let Some(arg) = index.and_then(|k| arg_at(func, call, k)) {
                    require_current(self, w, arg, &s)?;
                }
            }
        }
        Ok(changed)
    }
}

/// The proven web with `auto`: the first preset the function proves wins; if none does but one
/// saw counter accesses it could not prove, that diagnostic. `aliases`: `Aliases::of(func)`.
pub fn find_fuel_web(func: &Function, aliases: Aliases) -> FuelResult<Option<FuelWeb>> {
    let mut first_error = None;
    let reading = Reading::new(func, aliases);
    for (n, location) in super::location::AUTO_ORDER.iter().copied().enumerate() {
        // A preset at the offsets of an earlier one (slackfuel keeps Wasmtime 2026's layout)
        // would recognize exactly what that one did.
        let same_place = |l: &FuelLocation| {
            (l.context_offset, l.counter_offset)
                == (location.context_offset, location.counter_offset)
        };
        if super::location::AUTO_ORDER[..n].iter().any(same_place) {
            continue;
        }
        match Recognizer::new(func, location, &reading).run() {
            Ok(Some(web)) => return Ok(Some(web)),
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(None),
    }
}
