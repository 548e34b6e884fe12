// Recognizes the fuel web of a Wasmtime-shaped function for one counter location: the context
// pointer loads, the counter loads and stores, the SSA values that carry the counter (constant
// and dynamic increments, block parameters), the checks with their out-of-gas paths, and the
// calls. Then proves, by a forward walk over the CFG, that the web is linear: at every point
// exactly one web value is "the counter", every use reads that value, and memory holds it at
// every call and return that observes it. Anything else is a FuelWebError naming the
// instruction; unreachable blocks are ignored.
import { buildControlFlow } from '../../../analysis/cfg.js';
import { branchDestinations as branchCalls, I64, ValueKind, type Block, type Function, type Inst, type Value } from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { functionFlowGraph } from '../../flow-graph.js';
import { locateInst, reachableBlocks } from '../../utility/ir-utils.js';
import { calleeConvention, DEFAULT_CALLEE_OPTIONS, type CalleeConvention, type CalleeOptions } from './callees.js';
import { checkContext, matchFuelCompare, recognizeCheck, type FuelCheck } from './checks.js';
import { FuelWebError } from './errors.js';
import type { FuelLocation } from './presets.js';
import { isCounterFlush, isPinnedAccess, matchCounterAdd } from './shapes.js';

export interface FuelIncrement {
  readonly inst: Inst;
  readonly block: Block;
  /** Index in the instruction's arguments of the counter operand. */
  readonly fuelOperand: number;
  /** The constant added, or null for a dynamic increment (a value computed at run time). */
  readonly amount: bigint | null;
  /**
   * What the increment adds to the counter as it stands: `amount`, except for an increment an
   * optimizer folded onto an older counter value (`v10 = iadd v5, 4` after `v7 = iadd v5, 1`
   * charges 3). Null for a dynamic increment.
   */
  readonly charge: bigint | null;
  readonly result: Value;
}

export interface FuelParam {
  readonly block: Block;
  readonly index: number;
  readonly value: Value;
}

export interface FuelCall {
  readonly inst: Inst;
  readonly block: Block;
  /** Calls on an out-of-gas path are the builtin: always non-pinned. */
  readonly convention: CalleeConvention;
  readonly outOfGas: boolean;
  /**
   * Memory held the counter at the call, so the callee observes it. Unobserved calls (Wasmtime
   * does not store the counter before builtin calls such as `memory.fill`) leave it untouched.
   */
  readonly observed: boolean;
  /** `return_call`/`return_call_indirect`: nothing follows. */
  readonly tail: boolean;
}

export interface FuelWeb {
  readonly location: FuelLocation;
  /** Values holding the vmctx (the vmctx parameter, legacy `global_value` of the vmctx). */
  readonly vmctxValues: readonly Value[];
  /** Values holding the context pointer, and the instructions that load them. */
  readonly contextPointers: readonly Value[];
  readonly contextPointerDefs: readonly Inst[];
  readonly counterLoads: readonly Inst[];
  readonly counterStores: readonly Inst[];
  readonly increments: readonly FuelIncrement[];
  readonly params: readonly FuelParam[];
  /** Every value that carries the counter. */
  readonly values: ReadonlySet<Value>;
  readonly checks: readonly FuelCheck[];
  readonly calls: readonly FuelCall[];
  /** Blocks the recognizer looked at (the reachable ones). */
  readonly reachable: ReadonlySet<Block>;
}

interface State {
  cur: string;
  synced: boolean;
}

type Role =
  | { kind: 'load' }
  | { kind: 'store' }
  | { kind: 'increment'; inc: FuelIncrement }
  | { kind: 'compare'; fuel: Value }
  | { kind: 'call'; tail: boolean; outOfGas: boolean };

const CALL_OPCODES = new Set(['call', 'call_indirect', 'try_call', 'try_call_indirect', 'return_call', 'return_call_indirect']);

class Recognizer {
  private readonly r = (v: Value): Value => this.fn.dfg.resolveAliases(v);
  readonly reachable: Set<Block>;
  private readonly vmctx = new Set<Value>();
  private readonly ctx = new Set<Value>();
  private readonly ctxDefs: Inst[] = [];
  private readonly loads: Inst[] = [];
  private readonly stores: Inst[] = [];
  private readonly values = new Set<Value>();
  private readonly roles = new Map<Inst, Role>();
  private increments: FuelIncrement[] = [];
  /** Per increment, what it adds to the current counter (set by the walk). */
  private readonly charges = new Map<Inst, bigint>();
  private readonly params: FuelParam[] = [];
  private readonly checks: FuelCheck[] = [];

  constructor(
    private readonly fn: Function,
    private readonly location: FuelLocation,
    private readonly callees: CalleeOptions,
  ) {
    this.reachable = reachableBlocks(fn);
  }

  private fail(message: string, inst?: Inst, block?: Block): never {
    const b = block ?? (inst === undefined ? undefined : this.fn.layout.instBlock(inst));
    throw new FuelWebError(inst === undefined ? message : `${locateInst(this.fn, inst)}: ${message}`, this.location.name, inst, b);
  }

  private *insts(): Generator<[Block, Inst]> {
    for (const b of this.fn.layout.blocks()) {
      if (!this.reachable.has(b)) continue;
      for (const i of this.fn.layout.blockInsts(b)) yield [b, i];
    }
  }

  /** Null when the function has no counter access at this location. */
  run(): FuelWeb | null {
    this.findVmctx();
    this.findContextPointers();
    this.findCounterAccesses();
    if (this.loads.length === 0 && this.stores.length === 0) return null;
    const pinnedUse = [...this.insts()].find(([, i]) => isPinnedAccess(this.fn.dfg.insts[i]!.opcode));
    if (pinnedUse !== undefined) {
      // Already in pinned form: memory accesses are only flushes (store of the register) and reloads (into it).
      if (this.onlyFlushesAndReloads()) return null;
      this.fail('the function already uses the pinned register and also keeps the counter in memory', pinnedUse[1]);
    }
    this.propagate();
    this.classify();
    const calls = this.walk();
    if (this.stores.length === 0 && this.checks.length === 0) return null;
    this.increments = this.increments.map((inc) => (inc.amount === null ? inc : { ...inc, charge: this.charges.get(inc.inst) ?? inc.amount }));
    return {
      location: this.location,
      vmctxValues: [...this.vmctx],
      contextPointers: [...this.ctx],
      contextPointerDefs: this.ctxDefs,
      counterLoads: this.loads,
      counterStores: this.stores,
      increments: this.increments,
      params: this.params,
      values: this.values,
      checks: this.checks,
      calls,
      reachable: this.reachable,
    };
  }

  /**
   * A `call_indirect` through the builtin-function array (2022 Wasmtime): the callee is loaded at
   * a constant offset from a pointer that is itself loaded at a constant offset from the vmctx,
   * and its first argument is the vmctx. Builtins are host code: they never use the pinned register.
   */
  private callsBuiltinArray(inst: Inst): boolean {
    const dfg = this.fn.dfg;
    const data = dfg.insts[inst]!;
    if (data.opcode !== 'call_indirect' || data.args[0] === undefined) return false;
    const loadedFrom = (v: Value): Value | undefined => {
      const def = dfg.definingData(v);
      if (def === undefined || def.kind !== ValueKind.Result) return undefined;
      const d = dfg.insts[def.owner]!;
      return d.opcode === 'load' && d.args[0] !== undefined ? this.r(d.args[0]) : undefined;
    };
    const table = loadedFrom(data.args[0]);
    const base = table === undefined ? undefined : loadedFrom(table);
    // A builtin gets the caller's own vmctx first; a wasm function (call_ref through a funcref
    // kept in a vmctx global has the same two loads) gets its callee vmctx, loaded from the
    // func-ref: it uses the pinned counter and must not be flushed around.
    const first = data.args[1];
    return base !== undefined && this.vmctx.has(base) && first !== undefined && this.vmctx.has(this.r(first));
  }

  /** Every counter store stores a `get_pinned_reg` result and every counter load only feeds `set_pinned_reg`. */
  private onlyFlushesAndReloads(): boolean {
    const dfg = this.fn.dfg;
    const users = new Map<Value, Inst[]>();
    for (const [, i] of this.insts()) for (const v of dfg.instValues(i)) (users.get(this.r(v)) ?? users.set(this.r(v), []).get(this.r(v))!).push(i);
    const storesRegister = (i: Inst): boolean => isCounterFlush(this.fn, i);
    const feedsRegister = (i: Inst): boolean => (users.get(dfg.firstResult(i)) ?? []).every((u) => dfg.insts[u]!.opcode === 'set_pinned_reg');
    return this.stores.every(storesRegister) && this.loads.every(feedsRegister);
  }

  private findVmctx(): void {
    const fn = this.fn;
    const entry = fn.layout.entryBlock();
    if (entry === undefined) return;
    const params = fn.dfg.blockParams(entry);
    fn.signature.params.forEach((p, i) => {
      const v = params[i];
      if (p.purpose.kind === 'vmctx' && v !== undefined) this.vmctx.add(v);
    });
    for (const [, i] of this.insts()) {
      const data = fn.dfg.insts[i]!;
      if (data.opcode === 'global_value' && fn.globalValues[data.globalValue]?.kind === 'vmctx') this.vmctx.add(fn.dfg.firstResult(i));
    }
  }

  private findContextPointers(): void {
    const fn = this.fn;
    const off = this.location.contextOffset;
    for (const [, i] of this.insts()) {
      const data = fn.dfg.insts[i]!;
      if (data.opcode === 'load' && data.args[0] !== undefined && this.vmctx.has(this.r(data.args[0])) && data.offset === off) {
        const v = fn.dfg.firstResult(i);
        if (fn.dfg.valueType(v) === I64) {
          this.ctx.add(v);
          this.ctxDefs.push(i);
        }
      } else if (data.opcode === 'global_value') {
        const gv = fn.globalValues[data.globalValue];
        if (gv?.kind === 'load' && gv.offset === off && fn.globalValues[gv.base]?.kind === 'vmctx') {
          this.ctx.add(fn.dfg.firstResult(i));
          this.ctxDefs.push(i);
        }
      }
    }
    // A block parameter is a context pointer when every incoming argument is one.
    for (let changed = true; changed; ) {
      changed = false;
      const incoming = this.incomingArgs();
      for (const [param, args] of incoming) {
        if (this.ctx.has(param) || args.length === 0) continue;
        if (args.every((a) => a !== undefined && this.ctx.has(this.r(a)))) {
          this.ctx.add(param);
          changed = true;
        }
      }
    }
  }

  /** For each block parameter, the value arguments passed to it by reachable branches. */
  private incomingArgs(): Map<Value, Array<Value | undefined>> {
    const out = new Map<Value, Array<Value | undefined>>();
    for (const [, i] of this.insts()) {
      const data = this.fn.dfg.insts[i]!;
      for (const call of branchCalls(data)) {
        const params = this.fn.dfg.blockParams(call.block);
        params.forEach((p, k) => {
          const a = call.args[k];
          (out.get(p) ?? out.set(p, []).get(p)!).push(typeof a === 'number' ? a : undefined);
        });
      }
    }
    return out;
  }

  private findCounterAccesses(): void {
    const fn = this.fn;
    const off = this.location.counterOffset;
    for (const [, i] of this.insts()) {
      const data = fn.dfg.insts[i]!;
      const info = opcodeInfo(data.opcode);
      if (info === undefined || !(info.canLoad || info.canStore)) continue;
      const addrIndex = data.opcode === 'store' || data.opcode.startsWith('istore') ? 1 : 0;
      const addr = data.args[addrIndex];
      if (addr === undefined || !this.ctx.has(this.r(addr))) continue;
      // Formats without an offset (atomics) read as offset 0: an access right at the counter.
      if (data.offset !== off) continue;
      if (data.opcode === 'load') {
        if (fn.dfg.valueType(fn.dfg.firstResult(i)) !== I64) this.fail('reads the fuel counter with a type other than i64', i);
        this.loads.push(i);
        this.roles.set(i, { kind: 'load' });
      } else if (data.opcode === 'store') {
        if (fn.dfg.valueType(data.args[0]!) !== I64) this.fail('writes the fuel counter with a type other than i64', i);
        this.stores.push(i);
        this.roles.set(i, { kind: 'store' });
      } else {
        this.fail('accesses part of the fuel counter', i);
      }
    }
  }

  private fuelOperands(i: Inst): number[] {
    const data = this.fn.dfg.insts[i]!;
    const out: number[] = [];
    data.args.forEach((a, k) => {
      if (this.values.has(this.r(a))) out.push(k);
    });
    return out;
  }

  /** Grows the set of counter values from the loads through increments and block parameters. */
  private propagate(): void {
    for (const i of this.loads) this.values.add(this.fn.dfg.firstResult(i));
    for (let changed = true; changed; ) {
      changed = false;
      for (const [, i] of this.insts()) {
        const data = this.fn.dfg.insts[i]!;
        if (matchCounterAdd(this.fn, i, (v) => this.values.has(v)) !== undefined) {
          const v = this.fn.dfg.firstResult(i);
          if (!this.values.has(v)) {
            this.values.add(v);
            changed = true;
          }
        }
        for (const call of branchCalls(data)) {
          const params = this.fn.dfg.blockParams(call.block);
          call.args.forEach((a, k) => {
            const p = params[k];
            if (typeof a === 'number' && p !== undefined && this.values.has(this.r(a)) && !this.values.has(p)) {
              this.values.add(p);
              changed = true;
            }
          });
        }
      }
    }
  }

  /** Gives every instruction touching the counter its role, or fails on an escape. */
  private classify(): void {
    const fn = this.fn;
    for (const b of this.reachable) {
      const fuelParams = fn.dfg.blockParams(b).filter((p) => this.values.has(p));
      if (fuelParams.length > 1) this.fail(`block${b} has ${fuelParams.length} parameters carrying the counter (${fuelParams.map((p) => `v${p}`).join(', ')})`, undefined, b);
      for (const p of fuelParams) this.params.push({ block: b, index: fn.dfg.blockParams(b).indexOf(p), value: p });
    }
    // Every argument passed to a counter parameter must be a counter value.
    for (const [blk, i] of this.insts()) {
      for (const call of branchCalls(fn.dfg.insts[i]!)) {
        const params = fn.dfg.blockParams(call.block);
        call.args.forEach((a, k) => {
          const p = params[k];
          if (p === undefined || !this.values.has(p)) return;
          if (typeof a !== 'number' || !this.values.has(this.r(a))) {
            const source = this.params.find((q) => q.value === p);
            this.fail(
              `block${call.block} parameter v${p} carries the counter but receives ${typeof a === 'number' ? `v${a}` : 'a call result'}, which is not the counter, from block${blk}`,
              i,
              source?.block,
            );
          }
        });
      }
    }
    const compares: Array<{ inst: Inst; fuel: Value; inverted: boolean; flags: boolean }> = [];
    for (const [blk, i] of this.insts()) {
      const data = fn.dfg.insts[i]!;
      const role = this.roles.get(i);
      const fuelArgs = this.fuelOperands(i);
      if (role?.kind === 'store') {
        if (!fuelArgs.includes(0)) this.fail(`stores v${data.args[0]!}, which is not the fuel counter, to the counter`, i);
        if (fuelArgs.includes(1)) this.fail('uses the counter as an address', i);
        continue;
      }
      const add = matchCounterAdd(fn, i, (v) => this.values.has(v));
      if (add === 'adds-two-counters') this.fail('adds two counter values: the counter escapes into arithmetic', i);
      if (add !== undefined && typeof add !== 'string') {
        const amount = add.amount.kind === 'const' ? add.amount.amount : null;
        const inc: FuelIncrement = { inst: i, block: blk, fuelOperand: add.counterOperand, amount, charge: amount, result: fn.dfg.firstResult(i) };
        this.increments.push(inc);
        this.roles.set(i, { kind: 'increment', inc });
        continue;
      }
      if (fuelArgs.length === 0) continue;
      const match = matchFuelCompare(fn, i, (v) => this.values.has(v));
      if (match !== undefined) {
        compares.push({ inst: i, ...match });
        continue;
      }
      const v = data.args[fuelArgs[0]!]!;
      if (opcodeInfo(data.opcode)?.canStore === true) this.fail(`the fuel counter v${v} escapes into a store to memory other than the counter`, i);
      this.fail(`the fuel counter v${v} escapes into an instruction that is not an increment, a counter store, a check or a branch argument`, i);
    }
    const checkCtx = checkContext(fn, this.reachable);
    for (const c of compares) {
      const check = recognizeCheck(fn, c.inst, c, checkCtx);
      if (typeof check === 'string') this.fail(`compares the counter with zero but is not a fuel check: ${check}`, c.inst);
      this.checks.push(check);
      this.roles.set(c.inst, { kind: 'compare', fuel: c.fuel });
    }
    const oogBlocks = new Set(this.checks.flatMap((c) => c.path));
    for (const [blk, i] of this.insts()) {
      const op = fn.dfg.insts[i]!.opcode;
      if (CALL_OPCODES.has(op)) this.roles.set(i, { kind: 'call', tail: op.startsWith('return_'), outOfGas: oogBlocks.has(blk) });
    }
  }

  /** The forward walk; returns the calls with their conventions. Throws on the first violation. */
  private walk(): FuelCall[] {
    const fn = this.fn;
    const cfg = buildControlFlow(functionFlowGraph(fn));
    const entry = fn.layout.entryBlock()!;
    const paramOf = new Map<Block, Value>(this.params.map((p) => [p.block, p.value]));
    // A class names a counter value as `BASE|OFFSET`: a base (`entry`, `c<call>`, `m<block>`,
    // `v<param or dynamic increment>`) plus the constants added since. Two values of one class
    // are equal, so an increment folded onto an older value of the same base is understood.
    const classOf = new Map<Value, string>();
    const nameOf = new Map<string, Value>();
    const cls = (base: string, off: bigint): string => `${base}|${off}`;
    const baseOf = (k: string): string => k.slice(0, k.lastIndexOf('|'));
    const offOf = (k: string): bigint => BigInt(k.slice(k.lastIndexOf('|') + 1));
    const define = (v: Value, k: string): void => {
      classOf.set(v, k);
      if (!nameOf.has(k)) nameOf.set(k, v);
    };
    const describe = (k: string): string => {
      const named = nameOf.get(k);
      if (named !== undefined) return `v${named}`;
      const base = baseOf(k);
      const off = offOf(k);
      const text =
        base === 'entry'
          ? 'the value at function entry'
          : base.startsWith('c')
            ? `the value after ${locateInst(fn, Number(base.slice(1)))}`
            : base.startsWith('m')
              ? `the value in memory at block${base.slice(1)}`
              : `v${base.slice(1)}`;
      return off === 0n ? text : `${text} + ${off}`;
    };
    const charges = this.charges;
    // Edge states keyed by `${inst}:${destination index}` (-1: fallthrough).
    const edges = new Map<string, State>();
    const incoming = new Map<Block, Array<{ key: string; from: Block; inst: Inst; dest: number }>>();
    for (const b of cfg.reversePostOrder) {
      for (const i of fn.layout.blockInsts(b)) {
        branchCalls(fn.dfg.insts[i]!).forEach((call, d) => {
          (incoming.get(call.block) ?? incoming.set(call.block, []).get(call.block)!).push({ key: `${i}:${d}`, from: b, inst: i, dest: d });
        });
      }
      const last = fn.layout.lastInst(b);
      const info = last === undefined ? undefined : opcodeInfo(fn.dfg.insts[last]!.opcode);
      const next = fn.layout.nextBlock(b);
      if (last !== undefined && info !== undefined && info.isBranch && !info.isTerminator && next !== undefined) {
        (incoming.get(next) ?? incoming.set(next, []).get(next)!).push({ key: `${last}:-1`, from: b, inst: last, dest: -1 });
      }
    }
    let calls: FuelCall[] = [];

    const visit = (block: Block, report: boolean, out: Map<string, State>): void => {
      const fail = (message: string, inst?: Inst): void => {
        if (report) this.fail(message, inst, block);
      };
      let s: State;
      if (block === entry) s = { cur: cls('entry', 0n), synced: true };
      else {
        const preds = (incoming.get(block) ?? []).filter((e) => edges.has(e.key));
        const states = preds.map((e) => edges.get(e.key)!);
        const synced = states.length > 0 && states.every((x) => x.synced);
        const param = paramOf.get(block);
        if (param !== undefined) {
          s = { cur: cls(`v${param}`, 0n), synced };
          define(param, s.cur);
          const index = fn.dfg.blockParams(block).indexOf(param);
          preds.forEach((e, k) => {
            const arg = branchCalls(fn.dfg.insts[e.inst]!)[e.dest]?.args[index];
            if (typeof arg === 'number' && classOf.get(this.r(arg)) !== states[k]!.cur) {
              fail(`passes v${arg} as the counter to block${block}, but the counter is ${describe(states[k]!.cur)} there: v${arg} is stale`, e.inst);
            }
          });
        } else if (states.length > 0 && states.every((x) => x.cur === states[0]!.cur)) {
          s = { cur: states[0]!.cur, synced };
        } else {
          if (!synced) {
            const bad = preds.find((e) => !edges.get(e.key)!.synced);
            fail(`block${block} is reached with different counter values and the one from block${bad?.from ?? '?'} is not in memory, so no single value is the counter here`);
          }
          s = { cur: cls(`m${block}`, 0n), synced: true };
        }
      }
      const requireCurrent = (v: Value, inst: Inst): void => {
        const cls = classOf.get(this.r(v));
        if (cls !== s.cur) fail(`uses v${v}, a stale counter value: the counter is ${describe(s.cur)} at this point`, inst);
      };
      for (const i of fn.layout.blockInsts(block)) {
        const data = fn.dfg.insts[i]!;
        const role = this.roles.get(i);
        switch (role?.kind) {
          case 'load':
            if (!s.synced) fail(`reloads the counter from memory while the counter ${describe(s.cur)} has not been stored: the increments since the last store would be lost`, i);
            define(fn.dfg.firstResult(i), s.cur);
            break;
          case 'store':
            requireCurrent(data.args[0]!, i);
            s.synced = true;
            break;
          case 'increment': {
            const operand = data.args[role.inc.fuelOperand]!;
            const from = classOf.get(this.r(operand));
            const amount = role.inc.amount;
            if (amount === null || from === undefined || from === s.cur || baseOf(from) !== baseOf(s.cur)) {
              // Dynamic increments (and anything not provably folded) must add to the current value.
              requireCurrent(operand, i);
              const next = amount === null ? cls(`v${role.inc.result}`, 0n) : cls(baseOf(s.cur), offOf(s.cur) + amount);
              charges.set(i, amount ?? 0n);
              s = { cur: next, synced: false };
            } else {
              // Folded: `old + k` where old is an earlier value of the current base.
              const delta = offOf(from) + amount - offOf(s.cur);
              if (delta < 0n) fail(`adds ${amount} to v${operand}, which gives less than the counter ${describe(s.cur)} already holds: the counter would go backwards`, i);
              charges.set(i, delta);
              s = { cur: cls(baseOf(s.cur), offOf(from) + amount), synced: false };
            }
            define(role.inc.result, s.cur);
            break;
          }
          case 'compare':
            requireCurrent(role.fuel, i);
            break;
          case 'call': {
            const convention: CalleeConvention = role.outOfGas || this.callsBuiltinArray(i) ? 'non-pinned' : calleeConvention(fn, i, this.callees);
            if (!s.synced && (convention === 'pinned' || role.tail)) {
              fail(
                `${role.tail ? 'tail-calls' : 'calls a function that uses the pinned counter'} while the counter ${describe(s.cur)} is not stored: the callee would see a different counter`,
                i,
              );
            }
            if (report) calls.push({ inst: i, block, convention, outOfGas: role.outOfGas, observed: s.synced, tail: role.tail });
            if (s.synced) s = { cur: cls(`c${i}`, 0n), synced: true };
            break;
          }
          default:
            if (opcodeInfo(data.opcode)?.isReturn === true && !s.synced) {
              fail(`returns while the counter ${describe(s.cur)} has not been stored: the caller would see a different counter`, i);
            }
        }
        branchCalls(data).forEach((call, d) => {
          out.set(`${i}:${d}`, { ...s });
          const param = paramOf.get(call.block);
          if (param === undefined) return;
          const arg = call.args[fn.dfg.blockParams(call.block).indexOf(param)];
          if (typeof arg === 'number') requireCurrent(arg, i);
        });
      }
      const last = fn.layout.lastInst(block);
      if (last !== undefined) {
        const info = opcodeInfo(fn.dfg.insts[last]!.opcode);
        if (info !== undefined && info.isBranch && !info.isTerminator) out.set(`${last}:-1`, { ...s });
      }
    };

    // Iterate to a fixed point without reporting, then walk once more reporting violations.
    for (let round = 0; round < 64; round++) {
      const before = new Map(edges);
      for (const b of cfg.reversePostOrder) visit(b, false, edges);
      let stable = before.size === edges.size;
      for (const [k, v] of edges) {
        const old = before.get(k);
        if (old === undefined || old.cur !== v.cur || old.synced !== v.synced) stable = false;
      }
      if (stable) break;
    }
    calls = [];
    const final = new Map<string, State>();
    for (const b of cfg.reversePostOrder) visit(b, true, final);
    return calls;
  }
}

/** Recognizes the fuel web at `location`; null when the function does not access the counter there. */
export function recognizeFuelWeb(fn: Function, location: FuelLocation, callees: CalleeOptions = DEFAULT_CALLEE_OPTIONS): FuelWeb | null {
  return new Recognizer(fn, location, callees).run();
}
