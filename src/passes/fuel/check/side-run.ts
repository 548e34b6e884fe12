// One function's half of the lockstep walk: runs from a paired point to the next instruction
// that must be paired with the other function, following jumps and fuel checks, executing fuel
// instructions on the abstract counter and skipping pure code (compared by value later).
import type { Block, BlockArg, BlockCall, Inst, Value } from '../../../ir/index.js';
import { counterOf, type FuelState, type Offset } from './fuel-state.js';
import type { FuelView } from './fuel-view.js';
import { isPure } from './purity.js';
import { FuelCheckDiagnostic, NegativeCounterUpdate } from './types.js';

export type SideEvent =
  /** An effectful non-fuel instruction. */
  | { readonly kind: 'inst'; readonly inst: Inst }
  /** A run-time-valued increment: paired like an instruction, its amount compared by value. */
  | { readonly kind: 'dyn'; readonly inst: Inst; readonly amount: Value }
  /** The walk came back to the top of `block` without meeting anything to pair: a loop point. */
  | { readonly kind: 'loop'; readonly block: Block };

/** A non-trivial block parameter entered on the way, to be paired with the other side's. */
export interface PendingParam {
  readonly block: Block;
  readonly param: Value;
  readonly arg: BlockArg;
  /** The branch that passed it. */
  readonly via: Inst;
}

export class SideRun {
  block: Block;
  next: Inst | undefined;
  /** Blocks entered (at their top) since the run started, in order. */
  readonly blocks: Block[] = [];
  pending: PendingParam[] = [];
  private readonly visited = new Set<Block>();

  constructor(
    readonly view: FuelView,
    readonly state: FuelState,
    block: Block,
    next: Inst | undefined,
    /** Set when the run starts at the top of `block` (its re-entry then closes a loop). */
    atTop: boolean,
  ) {
    this.block = block;
    this.next = next;
    if (atTop) this.visited.add(block);
  }

  private get fn() {
    return this.view.fn;
  }

  private diag(message: string, inst: Inst): never {
    throw new FuelCheckDiagnostic({ message, [this.view.side]: this.view.site(inst) });
  }

  /** The counter offset a fuel value holds here; rejects stale or unknown values. */
  offsetOf(value: Value, user: Inst): number {
    const v = this.fn.dfg.resolveAliases(value);
    const s = this.state;
    let o: Offset;
    if (typeof s.cur === 'object' && s.cur.value === v) o = s.cur.offset;
    else if (s.temps.has(v)) o = s.temps.get(v);
    else if (this.view.fuelValues.has(v)) {
      const now = typeof s.cur === 'object' ? ` (the counter is in v${s.cur.value} here)` : '';
      this.diag(`counter value v${v} is stale here${now}`, user);
    } else this.diag(`v${v} does not hold the counter`, user);
    if (o === undefined) this.diag(`the counter held by v${v} differs between the paths that reach this point`, user);
    return o;
  }

  private setCounterValue(v: Value, offset: Offset): void {
    if (this.view.form === 'memory') {
      // Earlier copies keep the offset they were defined with: optimized code may fold a later
      // increment into an earlier copy (`v10 = v5 + 4` after `v7 = v5 + 1`). `enter` forgets
      // them at block boundaries, which keeps the state small.
      if (typeof this.state.cur === 'object') this.state.temps.set(this.state.cur.value, this.state.cur.offset);
      this.state.cur = offset === undefined ? 'unknown' : { value: v, offset };
    } else this.state.temps.set(v, offset);
  }

  /** In the rewritten function the counter may only grow: an update to a lower value is a negative increment. */
  private requireGrowth(from: Offset, to: number, inst: Inst): void {
    if (this.view.side !== 'after' || from === undefined || to >= from) return;
    const block = this.fn.layout.instBlock(inst);
    throw new NegativeCounterUpdate({ kind: 'negative-increment', block: `block${block}`, inst: this.view.texts.text(inst), value: to - from });
  }

  /** Enters a block through a branch destination; returns a loop event on re-entry. */
  enter(call: BlockCall, via: Inst): SideEvent | undefined {
    const dfg = this.fn.dfg;
    const params = dfg.blockParams(call.block);
    if (params.length !== call.args.length) this.diag(`block${call.block} takes ${params.length} arguments, the branch passes ${call.args.length}`, via);
    const updates: Array<[Value, number]> = [];
    params.forEach((p, i) => {
      const a = call.args[i]!;
      if (this.view.fuelValues.has(p)) {
        if (typeof a !== 'number') this.diag(`counter parameter v${p} receives a call result`, via);
        updates.push([p, this.offsetOf(a, via)]);
      } else if (typeof a === 'number' && this.view.fuelValues.has(this.fn.dfg.resolveAliases(a))) {
        this.diag(`counter value v${a} flows into ordinary parameter v${p}`, via);
      } else if (this.view.canon(p) === p) this.pending.push({ block: call.block, param: p, arg: a, via });
    });
    if (this.view.form === 'memory') this.state.temps.clear();
    for (const [p, o] of updates) this.setCounterValue(p, o);
    this.blocks.push(call.block);
    this.block = call.block;
    this.next = this.fn.layout.firstInst(call.block);
    if (this.visited.has(call.block)) return { kind: 'loop', block: call.block };
    this.visited.add(call.block);
    return undefined;
  }

  /** Runs to the next event. */
  advance(): SideEvent {
    const view = this.view;
    const fn = this.fn;
    const dfg = fn.dfg;
    const s = this.state;
    for (;;) {
      const inst = this.next;
      if (inst === undefined) throw new FuelCheckDiagnostic({ message: `block${this.block} ends without a terminator`, [view.side]: { block: `block${this.block}`, inst: '' } });
      const data = dfg.insts[inst]!;
      this.next = fn.layout.nextInst(inst);
      if (view.fuelLoads.has(inst)) {
        if (s.mem === undefined) this.diag('the counter is reloaded from memory where memory holds different values on different paths', inst);
        this.setCounterValue(dfg.firstResult(inst), s.mem);
        continue;
      }
      if (view.fuelStores.has(inst)) {
        s.mem = this.offsetOf(data.args[0]!, inst);
        continue;
      }
      if (data.opcode === 'get_pinned_reg') {
        s.temps.set(dfg.firstResult(inst), s.pinned);
        continue;
      }
      if (data.opcode === 'set_pinned_reg') {
        const a = data.args[0]!;
        if (!view.isFuel(a)) this.diag(`the pinned register is set to v${a}, which is not derived from the counter`, inst);
        const offset = this.offsetOf(a, inst);
        this.requireGrowth(s.pinned, offset, inst);
        s.pinned = offset;
        continue;
      }
      const inc = view.increments.get(inst);
      if (inc !== undefined) {
        const base = this.offsetOf(inc.fuel, inst);
        const r = dfg.firstResult(inst);
        if (inc.kind === 'const') {
          if (view.form === 'memory') this.requireGrowth(counterOf(s, 'memory'), base + inc.amount, inst);
          this.setCounterValue(r, base + inc.amount);
          continue;
        }
        this.setCounterValue(r, base);
        return { kind: 'dyn', inst, amount: inc.amount };
      }
      const check = view.checks.get(inst);
      if (check !== undefined) {
        const ev = this.enter(check.continuation, inst);
        if (ev !== undefined) return ev;
        continue;
      }
      if (data.opcode === 'jump' && data.destinations !== null) {
        const ev = this.enter(data.destinations[0]!, inst);
        if (ev !== undefined) return ev;
        continue;
      }
      if (isPure(data)) continue;
      return { kind: 'inst', inst };
    }
  }
}
