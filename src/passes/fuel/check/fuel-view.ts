// The fuel-only view of one function: where its counter lives (memory or the pinned register),
// which values carry the counter, which compare-and-branch instructions are fuel checks (and
// where they continue when fuel remains), and the block parameters that are plain copies
// ("trivial phis", which merging or splitting blocks adds or removes).
import {
  branchDestinations,
  ValueKind,
  type Block,
  type BlockArg,
  type BlockCall,
  type Function,
  type Inst,
  type Value,
  I64,
} from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { isCounterArithmetic, isPinnedAccess, matchCounterAdd } from '../web/shapes.js';
import { InstTexts } from './inst-text.js';
import { opKey } from './op-key.js';
import { isPure } from './purity.js';
import { FuelCheckDiagnostic, type FuelForm, type Site } from './types.js';

export type Side = 'before' | 'after';

/** The counter's memory cell: an address (by structure) plus a byte offset. */
export interface CounterLocation {
  readonly address: string;
  readonly offset: number;
}

/** A fuel check: `brif (icmp sge F, 0), oog, cont`; the walk goes to `cont`. */
export interface FuelCheck {
  readonly continuation: BlockCall;
}

/** Constant increment `iadd F, c`, `iadd_imm F, c` (or `isub F, c`), or a dynamic one. */
export type Increment =
  | { readonly kind: 'const'; readonly fuel: Value; readonly amount: number }
  | { readonly kind: 'dynamic'; readonly fuel: Value; readonly amount: Value };

function locationKey(loc: CounterLocation): string {
  return `${loc.address}+${loc.offset}`;
}

/** Finds the counter's memory cell: a location loaded, incremented and stored back (or checked). */
export function detectCounterLocation(fn: Function | FunctionScan): CounterLocation | null {
  return (fn instanceof FunctionScan ? fn : new FunctionScan(fn)).detectLocation();
}

/** Use lists the counter recognizer needs, built once per function. */
export class FunctionScan {
  readonly users = new Map<Value, Inst[]>();
  /** arg value -> block parameters it feeds. */
  readonly feeds = new Map<Value, Value[]>();
  private readonly addressKeys = new Map<Value, string | null>();

  /** Every instruction in layout order. */
  readonly order: Inst[] = [];

  constructor(readonly fn: Function) {
    const dfg = fn.dfg;
    const layout = fn.layout;
    for (let block = layout.entryBlock(); block !== undefined; block = layout.nextBlock(block)) {
      for (let inst = layout.firstInst(block); inst !== undefined; inst = layout.nextInst(inst)) this.order.push(inst);
    }
    // Only what the counter can flow through is recorded: i64 adds (`iadd_imm` too) and
    // subtractions, and i64 block arguments.
    for (const inst of this.order) {
      const data = dfg.insts[inst]!;
      if (isCounterArithmetic(data.opcode)) for (const a of data.args) push(this.users, dfg.resolveAliases(a), inst);
      if (data.destinations === null && data.table === null && data.exceptionTable === null) continue;
      for (const call of branchDestinations(data)) {
        const params = dfg.blockParams(call.block);
        for (let i = 0; i < call.args.length; i++) {
          const a = call.args[i]!;
          const p = params[i];
          if (typeof a === 'number' && p !== undefined && dfg.values[p]?.type === I64) push(this.feeds, dfg.resolveAliases(a), p);
        }
      }
    }
  }

  /** Structural key of an address: entry parameters and pure instructions only. */
  addressKey(value: Value, depth = 0): string | null {
    const v = this.fn.dfg.resolveAliases(value);
    const memo = this.addressKeys.get(v);
    if (memo !== undefined) return memo;
    let key: string | null = null;
    const d = this.fn.dfg.values[v];
    if (depth < 16 && d !== undefined) {
      if (d.kind === ValueKind.Param && d.owner === this.fn.layout.entryBlock()) key = `arg${d.num}`;
      else if (d.kind === ValueKind.Result) {
        const data = this.fn.dfg.insts[d.owner]!;
        if (isPure(data)) {
          const ops = data.args.map((a) => this.addressKey(a, depth + 1));
          if (ops.every((o) => o !== null)) key = `${opKey(this.fn, d.owner)}#${d.num}(${ops.join(',')})`;
        }
      }
    }
    this.addressKeys.set(v, key);
    return key;
  }

  /** `load.i64` / `store` of an i64 at a structurally known address: its location key. */
  accessLocation(inst: Inst): string | null {
    const data = this.fn.dfg.insts[inst]!;
    if (data.opcode === 'load') {
      const r = this.fn.dfg.instResults(inst)[0];
      if (r === undefined || this.fn.dfg.valueType(r).name !== 'i64' || data.args[0] === undefined) return null;
      const a = this.addressKey(data.args[0]);
      return a === null ? null : locationKey({ address: a, offset: data.offset });
    }
    if (data.opcode === 'store') {
      const [value, addr] = data.args;
      if (value === undefined || addr === undefined || this.fn.dfg.valueType(value).name !== 'i64') return null;
      const a = this.addressKey(addr);
      return a === null ? null : locationKey({ address: a, offset: data.offset });
    }
    return null;
  }

  detectLocation(): CounterLocation | null {
    const fn = this.fn;
    const dfg = fn.dfg;
    // Which load each value descends from through iadd/isub chains and block parameters.
    const origin = new Map<Value, string>();
    const work: Value[] = [];
    for (const inst of this.order) {
      if (dfg.insts[inst]!.opcode !== 'load') continue;
      const loc = this.accessLocation(inst);
      if (loc === null) continue;
      const r = dfg.firstResult(inst);
      origin.set(r, loc);
      work.push(r);
    }
    while (work.length > 0) {
      const v = work.pop()!;
      const o = origin.get(v)!;
      for (const user of this.users.get(v) ?? []) {
        if (!isCounterArithmetic(dfg.insts[user]!.opcode)) continue;
        const r = dfg.firstResult(user);
        if (!origin.has(r)) {
          origin.set(r, o);
          work.push(r);
        }
      }
      for (const p of this.feeds.get(v) ?? []) {
        if (!origin.has(p)) {
          origin.set(p, o);
          work.push(p);
        }
      }
    }
    const votes = new Map<string, number>();
    for (const inst of this.order) {
      const data = dfg.insts[inst]!;
      let loc: string | undefined;
      if (data.opcode === 'store') {
        const here = this.accessLocation(inst);
        const o = origin.get(dfg.resolveAliases(data.args[0]!));
        // A counter is written back where it was read, after being incremented.
        if (here !== null && o === here && dfg.resolveAliases(data.args[0]!) !== this.loadedDirectly(data.args[0]!)) loc = here;
      } else if (data.opcode === 'icmp' && (data.cond === 'sge' || data.cond === 'slt')) {
        const [x, z] = data.args;
        if (x !== undefined && z !== undefined && constantOf(fn, z) === 0) loc = origin.get(dfg.resolveAliases(x));
      }
      if (loc !== undefined) votes.set(loc, (votes.get(loc) ?? 0) + 1);
    }
    let best: string | undefined;
    for (const [loc, n] of [...votes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (best === undefined || n > votes.get(best)!) best = loc;
    if (best === undefined) return null;
    const plus = best.lastIndexOf('+');
    return { address: best.slice(0, plus), offset: Number(best.slice(plus + 1)) };
  }

  /** The value itself when it is a load's result (storing a just-loaded value is a copy, not a charge). */
  private loadedDirectly(v: Value): Value | undefined {
    const d = this.fn.dfg.definingData(v);
    if (d !== undefined && d.kind === ValueKind.Result && this.fn.dfg.insts[d.owner]!.opcode === 'load') return this.fn.dfg.resolveAliases(v);
    return undefined;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** The constant an `iconst` defines (signed), or undefined. */
export function constantOf(fn: Function, v: Value): number | undefined {
  const d = fn.dfg.definingData(v);
  if (d === undefined || d.kind !== ValueKind.Result) return undefined;
  const data = fn.dfg.insts[d.owner]!;
  if (data.opcode !== 'iconst') return undefined;
  return Number(BigInt.asIntN(64, data.imm));
}

export class FuelView {
  readonly texts: InstTexts;
  readonly form: FuelForm;
  readonly location: CounterLocation | null;
  readonly fuelLoads = new Set<Inst>();
  readonly fuelStores = new Set<Inst>();
  /** Values that carry the counter (statically: derived from a counter load or the pinned register). */
  readonly fuelValues = new Set<Value>();
  readonly checks = new Map<Inst, FuelCheck>();
  readonly increments = new Map<Inst, Increment>();
  /**
   * Calls the counter variable lives across without being stored and reloaded (Wasmtime's
   * builtins such as `memory.fill`): the callee neither sees nor changes the counter, so they
   * are not observation points.
   */
  readonly transparentCalls = new Set<Inst>();
  /** Blocks reachable when checks go to their continuation. */
  readonly reachable = new Set<Block>();
  readonly entry: Block;
  private readonly incoming = new Map<Block, BlockArg[][]>();
  /** Block parameters that are copies of another value (see findCopies). */
  private readonly copyOf = new Map<Value, Value>();
  private readonly scan: FunctionScan;

  constructor(
    readonly fn: Function,
    readonly side: Side,
    location: CounterLocation | null,
    scan?: FunctionScan,
  ) {
    this.texts = new InstTexts(fn);
    const entry = fn.layout.entryBlock();
    if (entry === undefined) throw new FuelCheckDiagnostic({ message: `the ${side} function has no blocks` });
    this.entry = entry;
    this.scan = scan ?? new FunctionScan(fn);
    this.location = location;
    const dfg = fn.dfg;
    let pinned = false;
    const wanted = location === null ? null : locationKey(location);
    for (const inst of this.scan.order) {
      const data = dfg.insts[inst]!;
      if (isPinnedAccess(data.opcode)) pinned = true;
      if (data.opcode === 'get_pinned_reg') this.fuelValues.add(dfg.firstResult(inst));
      if (wanted !== null && (data.opcode === 'load' || data.opcode === 'store') && this.scan.accessLocation(inst) === wanted) {
        if (data.opcode === 'load') {
          this.fuelLoads.add(inst);
          this.fuelValues.add(dfg.firstResult(inst));
        } else this.fuelStores.add(inst);
      }
    }
    this.form = pinned ? 'pinned' : this.fuelLoads.size > 0 || this.fuelStores.size > 0 ? 'memory' : 'none';
    this.propagateFuel();
    this.findIncrementsAndChecks();
    this.computeReachable();
    this.findCopies();
    if (this.form === 'memory') this.findTransparentCalls();
  }

  site(inst: Inst): Site {
    const block = this.fn.layout.instBlock(inst);
    return { block: block === undefined ? '?' : `block${block}`, inst: this.texts.text(inst) };
  }

  isFuel(v: Value): boolean {
    return this.fuelValues.has(this.fn.dfg.resolveAliases(v));
  }

  private propagateFuel(): void {
    const dfg = this.fn.dfg;
    const work = [...this.fuelValues];
    while (work.length > 0) {
      const v = work.pop()!;
      for (const user of this.scan.users.get(v) ?? []) {
        if (!isCounterArithmetic(dfg.insts[user]!.opcode)) continue;
        const r = dfg.firstResult(user);
        if (!this.fuelValues.has(r)) {
          this.fuelValues.add(r);
          work.push(r);
        }
      }
      for (const p of this.scan.feeds.get(v) ?? []) {
        if (!this.fuelValues.has(p)) {
          this.fuelValues.add(p);
          work.push(p);
        }
      }
    }
  }

  private findIncrementsAndChecks(): void {
    const fn = this.fn;
    const dfg = fn.dfg;
    for (const inst of this.scan.order) {
      const data = dfg.insts[inst]!;
      const add = isCounterArithmetic(data.opcode) ? matchCounterAdd(fn, inst, (v) => this.isFuel(v), true) : undefined;
      if (add === 'adds-two-counters') throw new FuelCheckDiagnostic({ message: 'an instruction adds two counter values', [this.side]: this.site(inst) });
      if (add === 'subtracts-counter') throw new FuelCheckDiagnostic({ message: 'an instruction subtracts the counter from a value', [this.side]: this.site(inst) });
      if (add !== undefined) {
        if (add.amount.kind === 'const') {
          const c = Number(add.amount.amount);
          if (!Number.isSafeInteger(c)) throw new FuelCheckDiagnostic({ message: `increment ${c} is too large`, [this.side]: this.site(inst) });
          this.increments.set(inst, { kind: 'const', fuel: add.counter, amount: add.negated ? -c : c });
        } else {
          if (add.negated) throw new FuelCheckDiagnostic({ message: 'a run-time amount is subtracted from the counter', [this.side]: this.site(inst) });
          this.increments.set(inst, { kind: 'dynamic', fuel: add.counter, amount: add.amount.amount });
        }
      } else if (data.opcode === 'brif' && data.destinations !== null && data.destinations.length === 2) {
        const oog = this.checkDirection(data.args[0]!);
        if (oog !== undefined) this.checks.set(inst, { continuation: data.destinations[1 - oog]! });
      }
    }
  }

  /** For a brif condition that is a fuel check, the index of the out-of-fuel destination. */
  private checkDirection(cond: Value): 0 | 1 | undefined {
    const dfg = this.fn.dfg;
    const d = dfg.definingData(cond);
    if (d === undefined || d.kind !== ValueKind.Result) return undefined;
    const data = dfg.insts[d.owner]!;
    if (data.opcode !== 'icmp') return undefined;
    const [x, y] = data.args;
    if (x === undefined || y === undefined) return undefined;
    // F >= 0 means out of fuel; written either way round.
    if (this.isFuel(x) && constantOf(this.fn, y) === 0) {
      if (data.cond === 'sge') return 0;
      if (data.cond === 'slt') return 1;
    }
    if (this.isFuel(y) && constantOf(this.fn, x) === 0) {
      if (data.cond === 'sle') return 0;
      if (data.cond === 'sgt') return 1;
    }
    return undefined;
  }

  private findTransparentCalls(): void {
    const fn = this.fn;
    for (const inst of this.scan.order) {
      const info = opcodeInfo(fn.dfg.insts[inst]!.opcode);
      if (info !== undefined && info.isCall && !info.isReturn && !info.isBranch && this.keepsCounterAcross(inst)) this.transparentCalls.add(inst);
    }
  }

  /** Looks past a call for the next fuel operation: a reload means the call observed the counter. */
  private keepsCounterAcross(call: Inst): boolean {
    const fn = this.fn;
    const seen = new Set<Block>();
    let inst = fn.layout.nextInst(call);
    while (inst !== undefined) {
      const data = fn.dfg.insts[inst]!;
      if (this.fuelLoads.has(inst)) return false;
      if (this.fuelStores.has(inst) || this.increments.has(inst) || this.checks.has(inst)) return true;
      const info = opcodeInfo(data.opcode);
      if (info !== undefined && info.isBranch) {
        for (const dest of branchDestinations(data)) for (const a of dest.args) if (typeof a === 'number' && this.isFuel(a)) return true;
        if (data.opcode !== 'jump' || data.destinations === null) return false;
        const target = data.destinations[0]!.block;
        if (seen.has(target)) return false;
        seen.add(target);
        inst = fn.layout.firstInst(target);
        continue;
      }
      if (info === undefined || info.isCall || info.isReturn || info.isTerminator) return false;
      inst = fn.layout.nextInst(inst);
    }
    return false;
  }

  /** Destinations the walk follows from `inst` (a check goes only to its continuation). */
  viewDestinations(inst: Inst): BlockCall[] {
    const check = this.checks.get(inst);
    if (check !== undefined) return [check.continuation];
    return branchDestinations(this.fn.dfg.insts[inst]!);
  }

  private computeReachable(): void {
    const fn = this.fn;
    const work = [this.entry];
    this.reachable.add(this.entry);
    while (work.length > 0) {
      const block = work.pop()!;
      // Modernized code branches only at the end of a block.
      const inst = fn.layout.lastInst(block);
      if (inst !== undefined) {
        const info = opcodeInfo(fn.dfg.insts[inst]!.opcode);
        if (info === undefined || !info.isBranch) continue;
        for (const call of this.viewDestinations(inst)) {
          let list = this.incoming.get(call.block);
          if (list === undefined) this.incoming.set(call.block, (list = []));
          list.push(call.args);
          if (!this.reachable.has(call.block)) {
            this.reachable.add(call.block);
            work.push(call.block);
          }
        }
      }
    }
  }

  /**
   * Finds the block parameters that are copies: every incoming edge passes the same value (or
   * the parameter itself, around a loop). Iterates to a fixpoint in layout order, so chains of
   * copies of any length cost a few linear passes and no recursion.
   */
  private findCopies(): void {
    const fn = this.fn;
    const dfg = fn.dfg;
    let candidates: Array<{ param: Value; edges: BlockArg[][]; index: number }> = [];
    for (const block of fn.layout.blocks()) {
      if (block === this.entry || !this.reachable.has(block)) continue;
      const edges = this.incoming.get(block) ?? [];
      dfg.blockParams(block).forEach((param, index) => {
        if (!this.fuelValues.has(param) && edges.length > 0) candidates.push({ param, edges, index });
      });
    }
    for (let changed = true; changed; ) {
      changed = false;
      const open: typeof candidates = [];
      for (const c of candidates) {
        let single: Value | undefined;
        let copy = true;
        for (const args of c.edges) {
          const a = args[c.index];
          if (typeof a !== 'number') {
            copy = false;
            break;
          }
          const r = this.canon(a);
          if (r === c.param) continue;
          if (single === undefined) single = r;
          else if (single !== r) {
            copy = false;
            break;
          }
        }
        if (copy && single !== undefined) {
          this.copyOf.set(c.param, single);
          changed = true;
        } else open.push(c);
      }
      candidates = open;
    }
  }

  /**
   * The value a block parameter always equals when it is a copy (see findCopies); the value
   * itself otherwise (aliases resolved).
   */
  canon(value: Value): Value {
    let at = this.fn.dfg.resolveAliases(value);
    for (let next = this.copyOf.get(at); next !== undefined; next = this.copyOf.get(at)) at = next;
    // Path compression keeps later lookups short.
    for (let cur = this.fn.dfg.resolveAliases(value); cur !== at; ) {
      const next = this.copyOf.get(cur)!;
      this.copyOf.set(cur, at);
      cur = next;
    }
    return at;
  }
}
