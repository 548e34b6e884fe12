// The product walk: both functions run in lockstep from their entries. Every effectful non-fuel
// instruction of one must meet its counterpart in the other (same operation, corresponding
// operands); branches, calls, returns, traps and loop points become product points, joined by
// edges that record what each function charged on the way. Whether the charges agree is decided
// afterwards on this graph (see potentials.ts).
import { branchDestinations, ValueKind, type Block, type BlockArg, type Inst } from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { cloneState, counterOf, freshState, joinStates, normalize, observedOf, type FuelState } from './fuel-state.js';
import type { FuelView } from './fuel-view.js';
import { opKey } from './op-key.js';
import { isPure } from './purity.js';
import { SideRun, type PendingParam, type SideEvent } from './side-run.js';
import { FuelCheckDiagnostic, type Site } from './types.js';
import type { ClassTable, SideValues } from './value-classes.js';

export type PointKind = 'entry' | 'branch' | 'call' | 'return' | 'trap' | 'loop';

export interface ProductPoint {
  readonly id: number;
  readonly kind: PointKind;
  /** The paired instructions (absent for the entry and loop points). */
  readonly instB: Inst | undefined;
  readonly instA: Inst | undefined;
  readonly blockB: Block;
  readonly blockA: Block;
  /** The counter must be exact on arrival (an observation point). */
  readonly end: boolean;
  /** The counter is exact on departure (accounting restarts from 0). */
  readonly start: boolean;
  /** Normalized states on departure. */
  stateB: FuelState;
  stateA: FuelState;
  out: ProductEdge[];
}

export interface ProductEdge {
  readonly id: number;
  readonly from: number;
  readonly to: number;
  /** Constant fuel each function charges from `from` to `to`. */
  readonly chargeB: number;
  readonly chargeA: number;
  /** Blocks entered on the way. */
  readonly blocksB: readonly Block[];
  readonly blocksA: readonly Block[];
}

export interface ProductGraph {
  readonly points: readonly ProductPoint[];
  readonly edges: readonly ProductEdge[];
}

type Kind = 'branch' | 'call' | 'return' | 'trap' | 'inline';

const CONDITIONAL_TRAPS = new Set(['trapz', 'trapnz', 'resumable_trapnz', 'trapif', 'trapff']);

export class ProductWalk {
  private readonly points: ProductPoint[] = [];
  private readonly byKey = new Map<string, ProductPoint>();
  private readonly queue: ProductPoint[] = [];
  private readonly queued = new Set<number>();
  private edgeCount = 0;

  constructor(
    private readonly before: SideValues,
    private readonly after: SideValues,
    private readonly table: ClassTable,
    private readonly observeTraps: boolean,
    private readonly maxPoints: number,
  ) {}

  private get vb(): FuelView {
    return this.before.view;
  }

  private get va(): FuelView {
    return this.after.view;
  }

  run(): ProductGraph {
    this.pairEntryParams();
    const entry = this.addPoint('entry', undefined, undefined, this.vb.entry, this.va.entry, false, true, freshState(), freshState());
    this.queue.push(entry);
    this.queued.add(entry.id);
    while (this.queue.length > 0) {
      const p = this.queue.shift()!;
      this.queued.delete(p.id);
      this.explore(p);
    }
    const edges = this.points.flatMap((p) => p.out);
    return { points: this.points, edges };
  }

  private pairEntryParams(): void {
    const pb = this.vb.fn.dfg.blockParams(this.vb.entry);
    const pa = this.va.fn.dfg.blockParams(this.va.entry);
    const types = (ps: readonly number[], view: FuelView) => ps.map((p) => view.fn.dfg.valueType(p).name).join(', ');
    if (pb.length !== pa.length || types(pb, this.vb) !== types(pa, this.va)) {
      throw new FuelCheckDiagnostic({
        message: `the entry blocks take different parameters: (${types(pb, this.vb)}) before, (${types(pa, this.va)}) after`,
      });
    }
    pb.forEach((p, i) => {
      const c = this.table.fresh();
      this.before.assign(p, c);
      this.after.assign(pa[i]!, c);
    });
  }

  private addPoint(
    kind: PointKind,
    instB: Inst | undefined,
    instA: Inst | undefined,
    blockB: Block,
    blockA: Block,
    end: boolean,
    start: boolean,
    stateB: FuelState,
    stateA: FuelState,
  ): ProductPoint {
    if (this.points.length >= this.maxPoints) {
      throw new FuelCheckDiagnostic({ message: `the product walk exceeded ${this.maxPoints} points: the two functions do not line up` });
    }
    const p: ProductPoint = { id: this.points.length, kind, instB, instA, blockB, blockA, end, start, stateB, stateA, out: [] };
    this.points.push(p);
    return p;
  }

  /** (Re)computes the edges leaving `p`. */
  private explore(p: ProductPoint): void {
    this.edgeCount -= p.out.length;
    const out: ProductEdge[] = [];
    for (const [runB, runA] of this.departures(p)) {
      const { to, chargeB, chargeA } = this.lockstep(runB, runA);
      out.push({ id: -1, from: p.id, to: to.id, chargeB, chargeA, blocksB: runB.blocks, blocksA: runA.blocks });
    }
    p.out = out;
    this.edgeCount += out.length;
  }

  /** The runs leaving a point, one pair per successor. */
  private departures(p: ProductPoint): Array<[SideRun, SideRun]> {
    const mk = (view: FuelView, state: FuelState, block: Block, next: Inst | undefined, atTop: boolean) =>
      new SideRun(view, cloneState(state), block, next, atTop);
    if (p.kind === 'entry' || p.kind === 'loop') {
      return [[mk(this.vb, p.stateB, p.blockB, this.vb.fn.layout.firstInst(p.blockB), true), mk(this.va, p.stateA, p.blockA, this.va.fn.layout.firstInst(p.blockA), true)]];
    }
    const ib = p.instB!;
    const ia = p.instA!;
    const db = branchDestinations(this.vb.fn.dfg.insts[ib]!);
    const da = branchDestinations(this.va.fn.dfg.insts[ia]!);
    if (db.length === 0) {
      const info = opcodeInfo(this.vb.fn.dfg.insts[ib]!.opcode);
      if (info !== undefined && info.isTerminator) return [];
      return [[mk(this.vb, p.stateB, p.blockB, this.vb.fn.layout.nextInst(ib), false), mk(this.va, p.stateA, p.blockA, this.va.fn.layout.nextInst(ia), false)]];
    }
    const pairs: Array<[SideRun, SideRun]> = [];
    db.forEach((callB, i) => {
      const callA = da[i]!;
      const runB = mk(this.vb, p.stateB, p.blockB, undefined, false);
      const runA = mk(this.va, p.stateA, p.blockA, undefined, false);
      const evB = runB.enter(callB, ib);
      const evA = runA.enter(callA, ia);
      if (evB !== undefined || evA !== undefined) throw new FuelCheckDiagnostic({ message: 'internal: a fresh run cannot re-enter a block' });
      pairs.push([runB, runA]);
    });
    return pairs;
  }

  private kindOf(view: FuelView, inst: Inst): Kind {
    const data = view.fn.dfg.insts[inst]!;
    const info = opcodeInfo(data.opcode);
    if (info === undefined) return 'inline';
    if (info.isCall) return info.isReturn ? 'return' : 'call';
    if (info.isReturn) return 'return';
    if (info.isBranch) return 'branch';
    if (data.opcode === 'trap' || data.opcode === 'resumable_trap') return 'trap';
    if (this.observeTraps && CONDITIONAL_TRAPS.has(data.opcode)) return 'trap';
    return 'inline';
  }

  /** Runs both sides to the next product point; returns it with the charges on the way. */
  private lockstep(runB: SideRun, runA: SideRun): { to: ProductPoint; chargeB: number; chargeA: number } {
    for (;;) {
      const evB = runB.advance();
      const evA = runA.advance();
      this.pairParams(runB.pending, runA.pending);
      runB.pending = [];
      runA.pending = [];
      if (evB.kind === 'loop' || evA.kind === 'loop') {
        if (evB.kind !== 'loop' || evA.kind !== 'loop') this.mismatch('one function loops back without meeting anything to pair, the other does not', evB, evA, runB, runA);
        return this.arrive('loop', undefined, undefined, runB, runA, `loop:${evB.block}:${evA.block}`);
      }
      if (evB.kind === 'dyn' || evA.kind === 'dyn') {
        if (evB.kind !== 'dyn' || evA.kind !== 'dyn') this.mismatch('a run-time-valued increment has no counterpart', evB, evA, runB, runA);
        if (this.before.classOf(evB.amount, evB.inst) !== this.after.classOf(evA.amount, evA.inst)) {
          const why = this.explain(evB.amount, evA.amount);
          const detail = why === undefined ? '' : `; ${why.message} at ${why.before.block}: ${why.before.inst} / ${why.after.block}: ${why.after.inst}`;
          this.mismatch(`run-time-valued increments add different amounts${detail}`, evB, evA, runB, runA);
        }
        continue;
      }
      let kB = this.kindOf(this.vb, evB.inst);
      let kA = this.kindOf(this.va, evA.inst);
      // The original decides whether a call observes the counter (see FuelView.transparentCalls).
      if (kB === 'call' && this.vb.transparentCalls.has(evB.inst)) {
        kB = 'inline';
        if (kA === 'call') kA = 'inline';
      }
      this.matchInsts(evB.inst, evA.inst, runB, runA);
      if (kB !== kA) this.mismatch('the instructions play different roles', evB, evA, runB, runA);
      if (kB === 'inline') continue;
      return this.arrive(kB, evB.inst, evA.inst, runB, runA, `${evB.inst}:${evA.inst}`);
    }
  }

  private arrive(kind: PointKind, instB: Inst | undefined, instA: Inst | undefined, runB: SideRun, runA: SideRun, key: string) {
    const observed = kind === 'call' || kind === 'return' || (kind === 'trap' && this.observeTraps);
    const reading = (run: SideRun) => (observed ? observedOf(run.state, run.view.form) : counterOf(run.state, run.view.form));
    const chargeB = reading(runB);
    const chargeA = reading(runA);
    for (const [run, charge, inst] of [[runB, chargeB, instB], [runA, chargeA, instA]] as const) {
      if (charge === undefined) {
        const what = observed ? 'the counter it observes' : 'the counter';
        throw new FuelCheckDiagnostic({
          message: `${what} is not known here: it differs between the paths that reach it`,
          [run.view.side]: inst === undefined ? { block: `block${run.block}`, inst: '' } : run.view.site(inst),
        });
      }
    }
    const stateB = observed ? freshState() : normalize(runB.state, chargeB!);
    const stateA = observed ? freshState() : normalize(runA.state, chargeA!);
    let p = this.byKey.get(key);
    if (p === undefined) {
      const start = kind === 'call' || (kind === 'trap' && observed);
      p = this.addPoint(kind, instB, instA, runB.block, runA.block, observed, start, stateB, stateA);
      this.byKey.set(key, p);
      this.enqueue(p);
    } else if (!observed) {
      const jb = joinStates(p.stateB, stateB);
      const ja = joinStates(p.stateA, stateA);
      if (jb !== p.stateB || ja !== p.stateA) {
        p.stateB = jb;
        p.stateA = ja;
        this.enqueue(p);
      }
    }
    return { to: p, chargeB: chargeB!, chargeA: chargeA! };
  }

  private enqueue(p: ProductPoint): void {
    if (this.queued.has(p.id)) return;
    this.queued.add(p.id);
    this.queue.push(p);
  }

  /** Same operation, corresponding operands, results paired. */
  private matchInsts(ib: Inst, ia: Inst, runB: SideRun, runA: SideRun): void {
    const fb = this.vb.fn;
    const fa = this.va.fn;
    const db = fb.dfg.insts[ib]!;
    const da = fa.dfg.insts[ia]!;
    const ev: [SideEvent, SideEvent] = [{ kind: 'inst', inst: ib }, { kind: 'inst', inst: ia }];
    if (opKey(fb, ib) !== opKey(fa, ia)) this.mismatch('different instructions', ...ev, runB, runA);
    if (db.args.length !== da.args.length) this.mismatch('different numbers of operands', ...ev, runB, runA);
    for (let i = 0; i < db.args.length; i++) {
      if (this.before.classOf(db.args[i]!, ib) !== this.after.classOf(da.args[i]!, ia)) {
        const why = this.explain(db.args[i]!, da.args[i]!);
        const detail = why === undefined ? '' : `; ${why.message} at ${why.before.block}: ${why.before.inst} / ${why.after.block}: ${why.after.inst}`;
        this.mismatch(`operand ${i + 1} differs (v${db.args[i]} before, v${da.args[i]} after)${detail}`, ...ev, runB, runA);
      }
    }
    const dests = [branchDestinations(db).length, branchDestinations(da).length];
    if (dests[0] !== dests[1]) this.mismatch('different numbers of branch destinations', ...ev, runB, runA);
    const rb = fb.dfg.instResults(ib);
    const ra = fa.dfg.instResults(ia);
    rb.forEach((r, i) => {
      const other = ra[i]!;
      const cb = this.before.known(r);
      const ca = this.after.known(other);
      if (cb === undefined && ca === undefined) {
        const c = this.table.fresh();
        this.before.assign(r, c);
        this.after.assign(other, c);
      } else if (cb !== ca) this.mismatch('the instructions were paired with different partners on another path', ...ev, runB, runA);
    });
  }

  /** Pairs the non-trivial block parameters both sides entered since the last event. */
  private pairParams(pb: readonly PendingParam[], pa: readonly PendingParam[]): void {
    const n = Math.max(pb.length, pa.length);
    for (let i = 0; i < n; i++) {
      const b = pb[i];
      const a = pa[i];
      if (b === undefined || a === undefined) {
        const extra = (b ?? a)!;
        const view = b !== undefined ? this.vb : this.va;
        throw new FuelCheckDiagnostic({
          message: `block parameter v${extra.param} of block${extra.block} has no counterpart in the other function`,
          [view.side]: view.site(extra.via),
        });
      }
      // try_call results on an edge (`ret0`, `exn0`) are named after the before side's call.
      const argClass = (values: SideValues, arg: BlockArg, via: Inst): number =>
        typeof arg === 'number' ? values.classOf(arg, via) : this.table.intern(`try:${b.via}:${arg.kind}${arg.index}`);
      const cb = argClass(this.before, b.arg, b.via);
      const ca = argClass(this.after, a.arg, a.via);
      if (cb !== ca) {
        const why = typeof b.arg === 'number' && typeof a.arg === 'number' ? this.explain(b.arg, a.arg) : undefined;
        throw new FuelCheckDiagnostic({
          message: `structural mismatch: block${b.block} parameter v${b.param} (before) and block${a.block} parameter v${a.param} (after) receive different values${why === undefined ? '' : `: ${why.message}`}`,
          before: why?.before ?? this.vb.site(b.via),
          after: why?.after ?? this.va.site(a.via),
        });
      }
      const kb = this.before.known(b.param);
      const ka = this.after.known(a.param);
      if (kb === undefined && ka === undefined) {
        const c = this.table.fresh();
        this.before.assign(b.param, c);
        this.after.assign(a.param, c);
      } else if (kb !== ka) {
        throw new FuelCheckDiagnostic({
          message: `block${b.block} parameter v${b.param} (before) meets block${a.block} parameter v${a.param} (after) here but other partners elsewhere`,
          before: this.vb.site(b.via),
          after: this.va.site(a.via),
        });
      }
    }
  }

  /**
   * Why two values that should correspond do not: descends through pure definitions with equal
   * structure to the first pair of instructions that differ.
   */
  private explain(vb: number, va: number): { message: string; before: Site; after: Site } | undefined {
    const db = this.vb.fn.dfg;
    const da = this.va.fn.dfg;
    let b = this.vb.canon(vb);
    let a = this.va.canon(va);
    let last: { before: Site; after: Site; operand: number } | undefined;
    for (let depth = 0; depth < 64; depth++) {
      const xb = db.values[b];
      const xa = da.values[a];
      if (xb === undefined || xa === undefined || xb.kind !== ValueKind.Result || xa.kind !== ValueKind.Result) {
        // Down to values the walk paired (parameters, call results): they are different ones.
        if (last === undefined) return undefined;
        return { message: `operand ${last.operand + 1} is v${b} before but v${a} after, which do not correspond`, before: last.before, after: last.after };
      }
      const ib = xb.owner;
      const ia = xa.owner;
      const here = { before: this.vb.site(ib), after: this.va.site(ia) };
      if (opKey(this.vb.fn, ib) !== opKey(this.va.fn, ia) || !isPure(db.insts[ib]!) || !isPure(da.insts[ia]!)) {
        return { message: 'the values are computed differently', ...here };
      }
      const ab = db.insts[ib]!.args;
      const aa = da.insts[ia]!.args;
      let next = -1;
      for (let i = 0; i < ab.length; i++) {
        const kb = this.before.known(ab[i]!);
        const ka = this.after.known(aa[i]!);
        if (kb === undefined || ka === undefined || kb !== ka) {
          next = i;
          break;
        }
      }
      if (next < 0) return { message: 'the values are computed differently', ...here };
      last = { ...here, operand: next };
      b = this.vb.canon(ab[next]!);
      a = this.va.canon(aa[next]!);
    }
    return undefined;
  }

  private mismatch(message: string, evB: SideEvent, evA: SideEvent, runB: SideRun, runA: SideRun): never {
    const site = (ev: SideEvent, view: FuelView, run: SideRun): Site =>
      ev.kind === 'loop' ? { block: `block${ev.block}`, inst: '(loops back here)' } : ev.kind === 'dyn' || ev.kind === 'inst' ? view.site(ev.inst) : { block: `block${run.block}`, inst: '' };
    throw new FuelCheckDiagnostic({ message: `structural mismatch: ${message}`, before: site(evB, this.vb, runB), after: site(evA, this.va, runA) });
  }

  get edges(): number {
    return this.edgeCount;
  }
}
