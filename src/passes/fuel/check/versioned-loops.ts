// check-fuel's rule for counted loops charged in bulk (fuel-counted-loops). In `after`, a
// versioned loop is a guard block G ending in `brif ok, P, H(args)` where P charges the pinned
// counter a run-time amount and jumps to H'(args), the header of an increment-free copy of the
// loop. The rule proves, structurally, that
//   * the copy is a loop entered only from P, with one latch whose exit test is `(i + s) != bound`
//     (or `i + s` itself, bound 0) on its own induction variable i (header parameter k, stepped
//     by the constant s = ±2^t, bound loop-invariant), no other exit, no inner cycle, no call or
//     return, no counter access, and (with observeTraps) no trap: so it runs exactly
//     n(i0, bound, s) iterations (docs/results.md, "Counted loops") and observes nothing inside;
//   * the amount P charges is exactly n(args[k], bound, s) × c for a constant c > 0, and the guard
//     takes the copy only when n ≤ 2^62 / c, c × n < −F (F the current counter: the budget covers
//     the whole loop) and, for t > 0, δ is a multiple of |s| (the loop ends).
// Then each version is checked by the ordinary proof: `after` with every guard sent to the
// original loop (the copies removed), and `after` with every guard sent to the copy, the prepaid
// amount removed and an increment of c put at the top of the copy's header (n entries: n × c).
import { cloneInstructionData, Cursor, I64, ValueKind, branchDestinations, type Block, type Function, type Inst, type Value } from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { blockSuccessors } from '../../flow-graph.js';
import { reachableBlocks, removeDeadInstructions } from '../../utility/ir-utils.js';
import { prepayLimit, stepShift } from '../counted/trip-count.js';
import { constantDef, definingInst, isPinnedAccess, pinnedIncrementAt } from '../web/shapes.js';
import { FuelCheckDiagnostic } from './types.js';

/** One recognised versioned loop of `after`. */
export interface VersionedLoop {
  readonly guard: Block;
  readonly guardBranch: Inst;
  readonly prepay: Block;
  /** The prepaid increment's `set_pinned_reg` and the amount's definition. */
  readonly prepaySet: Inst;
  readonly amountDef: Inst;
  readonly okDef: Inst;
  readonly copyHeader: Block;
  readonly charge: bigint;
}

const TRAPS = new Set(['trap', 'trapz', 'trapnz', 'resumable_trap', 'resumable_trapnz', 'trapif', 'trapff', 'debugtrap']);

/** Every versioned loop of `fn`; a guard that looks like one but fails a condition is a diagnostic. */
export function findVersionedLoops(fn: Function, observeTraps: boolean): VersionedLoop[] {
  const preds = predecessors(fn);
  const out: VersionedLoop[] = [];
  for (const prepay of fn.layout.blocks()) {
    const insts = fn.layout.blockInstList(prepay);
    if (insts.length !== 4) continue;
    const inc = pinnedIncrementAt(fn, insts[2]!);
    if (inc === undefined || inc.amount !== null || inc.get !== insts[0] || inc.add !== insts[1]) continue;
    const jump = fn.dfg.insts[insts[3]!]!;
    const into = preds.get(prepay) ?? [];
    if (jump.opcode !== 'jump' || into.length !== 1) continue;
    const guardBranch = into[0]!;
    const gd = fn.dfg.insts[guardBranch]!;
    if (gd.opcode !== 'brif' || gd.destinations?.[0]?.block !== prepay || gd.destinations[0].args.length !== 0) continue;
    out.push(recognise(fn, preds, prepay, insts, guardBranch, observeTraps));
  }
  return out;
}

function recognise(fn: Function, preds: Map<Block, Inst[]>, prepay: Block, insts: readonly Inst[], guardBranch: Inst, observeTraps: boolean): VersionedLoop {
  const guard = fn.layout.instBlock(guardBranch)!;
  const fail = (why: string, inst?: Inst): never => {
    throw new FuelCheckDiagnostic({ message: `versioned loop guarded in block${guard}: ${why}`, after: { block: `block${inst === undefined ? guard : fn.layout.instBlock(inst)}`, inst: inst === undefined ? '' : fn.dfg.insts[inst]!.opcode } });
  };
  const gd = fn.dfg.insts[guardBranch]!;
  const original = gd.destinations![1]!;
  const enter = fn.dfg.insts[insts[3]!]!.destinations![0]!;
  const copyHeader = enter.block;
  if (enter.args.length !== original.args.length || enter.args.some((a, i) => a !== original.args[i])) fail('the copy and the original are entered with different arguments');
  if (copyHeader === original.block || copyHeader === prepay) fail('the guard does not choose between two loops');

  // The copy: header entered from the prepay block and one latch; a single-entry region.
  const intoHeader = preds.get(copyHeader) ?? [];
  const latches = intoHeader.filter((i) => fn.layout.instBlock(i) !== prepay);
  if (intoHeader.length !== 2 || latches.length !== 1) fail(`the copy's header block${copyHeader} is not entered once from the prepay block and once from one latch`);
  const latchBranch = latches[0]!;
  const latch = fn.layout.instBlock(latchBranch)!;
  const region = new Set<Block>([copyHeader]);
  const stack = [latch];
  while (stack.length > 0) {
    const b = stack.pop()!;
    if (region.has(b)) continue;
    region.add(b);
    for (const p of preds.get(b) ?? []) stack.push(fn.layout.instBlock(p)!);
  }
  if (region.has(prepay) || region.has(guard)) fail('the copy is reachable from itself only through its guard');
  for (const b of region) {
    if (b !== copyHeader) for (const p of preds.get(b) ?? []) if (!region.has(fn.layout.instBlock(p)!)) fail(`block${b} of the copy is entered from outside it`);
    for (const s of blockSuccessors(fn, b)) if (!region.has(s) && b !== latch) fail(`block${b} of the copy has an exit other than the counted one`);
    for (const inst of fn.layout.blockInsts(b)) {
      const data = fn.dfg.insts[inst]!;
      const info = opcodeInfo(data.opcode);
      if (info === undefined || info.isCall || info.isReturn) fail('the copy calls or returns', inst);
      if (isPinnedAccess(data.opcode)) fail('the copy touches the counter', inst);
      if (observeTraps && (TRAPS.has(data.opcode) || info!.canTrap || (data.flags !== null && data.flags.trapCode !== null))) fail('the copy may trap and traps are observed', inst);
    }
  }
  if (hasInnerCycle(fn, region, copyHeader)) fail('the copy has an inner cycle');

  // The latch's exit test on the copy's induction variable.
  const ld = fn.dfg.insts[latchBranch]!;
  if (ld.opcode !== 'brif' || ld.destinations === null) fail('the latch does not end in brif', latchBranch);
  const backIndex = ld.destinations![0]!.block === copyHeader ? 0 : 1;
  const exitDest = ld.destinations![1 - backIndex]!;
  if (exitDest.block === copyHeader || region.has(exitDest.block)) fail('the latch does not leave the loop', latchBranch);
  const exitPreds = preds.get(exitDest.block) ?? [];
  if (exitPreds.length !== 2) fail(`the loop's exit block${exitDest.block} is not shared by exactly the copy and the original`, latchBranch);
  let cond = fn.dfg.resolveAliases(ld.args[0]!);
  const ext = definingInst(fn, cond);
  if (ext !== undefined && fn.dfg.insts[ext]!.opcode === 'uextend') cond = fn.dfg.resolveAliases(fn.dfg.insts[ext]!.args[0]!);
  let stepped: Value;
  let bound: Value | 0n;
  const cd = defOf(fn, cond);
  if (cd !== undefined && cd.opcode === 'icmp') {
    if (cd.cond !== (backIndex === 0 ? 'ne' : 'eq')) fail('the exit test is not an (in)equality that leaves when the induction variable meets its bound', latchBranch);
    const [a, b] = cd.args.map((v) => fn.dfg.resolveAliases(v));
    const sa = stepOf(fn, a!);
    const sb = stepOf(fn, b!);
    if (sa !== undefined) [stepped, bound] = [a!, b!];
    else if (sb !== undefined) [stepped, bound] = [b!, a!];
    else return fail('the exit test compares no stepped induction variable', latchBranch);
  } else {
    if (backIndex !== 0 || cond !== fn.dfg.resolveAliases(ld.args[0]!)) fail('the exit test is not counted', latchBranch);
    stepped = cond;
    bound = 0n;
  }
  const step = stepOf(fn, stepped)!;
  if (step === undefined) fail('the exit test compares no stepped induction variable', latchBranch);
  const params = fn.dfg.blockParams(copyHeader).map((p) => fn.dfg.resolveAliases(p));
  const k = params.indexOf(step.iv);
  const back = ld.destinations![backIndex]!.args[k];
  if (k < 0 || typeof back !== 'number' || fn.dfg.resolveAliases(back) !== stepped) fail("the stepped value is not the copy header's induction variable carried round the back edge", latchBranch);
  const w = fn.dfg.valueType(step.iv).laneBits;
  const t = stepShift(step.step, w);
  if (t === undefined) return fail(`the step ${step.step} is not ±2^t`, latchBranch);
  const s = BigInt.asIntN(w, step.step);
  if (typeof bound !== 'bigint') {
    const home = homeBlock(fn, bound);
    if (home !== undefined && region.has(home) && constantDef(fn, bound) === undefined) fail('the bound is computed inside the loop', latchBranch);
  }
  const i0 = enter.args[k];
  if (typeof i0 !== 'number') return fail('the initial induction value is not a value');

  // The prepaid amount: n(i0, bound, s) × c.
  const fmt = (why: string): never => fail(`the prepaid amount is not the trip count times the charge: ${why}`, insts[1]);
  const amount = fn.dfg.resolveAliases(addend(fn, insts[1]!));
  const mul = defOf(fn, amount);
  if (mul?.opcode !== 'imul') return fmt('no imul');
  const charge = constValue(fn, mul.args[1]!, 64);
  if (charge === undefined || charge <= 0n) return fmt('the charge is not a positive constant');
  const n = defOf(fn, mul.args[0]!);
  if (n?.opcode !== 'iadd' || constValue(fn, n.args[1]!, 64) !== 1n) return fmt('no n = m + 1');
  let m = fn.dfg.resolveAliases(n.args[0]!);
  const m64 = m;
  if (w < 64) {
    const x = defOf(fn, m);
    if (x?.opcode !== 'uextend' || fn.dfg.valueType(m).laneBits !== 64) return fmt('m is not zero-extended to 64 bits');
    m = fn.dfg.resolveAliases(x.args[0]!);
  } else if (fn.dfg.valueType(m).laneBits !== 64) return fmt('m is not 64 bits wide');
  if (t > 0) {
    const x = defOf(fn, m);
    if (x?.opcode !== 'ushr' || constValue(fn, x.args[1]!, w) !== BigInt(t)) return fmt(`m is not shifted right by ${t}`);
    m = fn.dfg.resolveAliases(x.args[0]!);
  }
  const dm = defOf(fn, m);
  if (dm?.opcode !== 'isub' || constValue(fn, dm.args[1]!, w) !== 1n << BigInt(t)) return fmt(`no δ − ${1n << BigInt(t)}`);
  const delta = fn.dfg.resolveAliases(dm.args[0]!);
  const dd = defOf(fn, delta);
  if (dd?.opcode !== 'isub') return fmt('no δ');
  const [minuend, subtrahend] = s > 0n ? [dd.args[0]!, dd.args[1]!] : [dd.args[1]!, dd.args[0]!];
  if (fn.dfg.resolveAliases(subtrahend) !== fn.dfg.resolveAliases(i0)) return fmt("δ does not start from the copy's initial induction value");
  if (!sameBound(fn, minuend, bound, w)) return fmt("δ does not use the loop's bound");

  // The guard: ok = (m < 2^62 / c) & (n × c < −F) [& (δ mod |s| == 0)].
  const gfail = (why: string): never => fail(`the guard does not ensure the budget covers the whole loop: ${why}`, guardBranch);
  let ok = defOf(fn, gd.args[0]!);
  if (ok?.opcode !== 'band') return gfail('no band');
  if (t > 0) {
    const div = defOf(fn, ok.args[1]!);
    const rest = div?.opcode === 'icmp' && div.cond === 'eq' && constValue(fn, div.args[1]!, w) === 0n ? defOf(fn, div.args[0]!) : undefined;
    if (rest?.opcode !== 'band' || fn.dfg.resolveAliases(rest.args[0]!) !== delta || constValue(fn, rest.args[1]!, w) !== (1n << BigInt(t)) - 1n) return gfail('δ is not tested to be a multiple of the step');
    ok = defOf(fn, ok.args[0]!);
    if (ok?.opcode !== 'band') return gfail('no band');
  }
  const small = defOf(fn, ok.args[0]!);
  const limit = small?.opcode === 'icmp' && small.cond === 'ult' && fn.dfg.resolveAliases(small.args[0]!) === m64 ? constValue(fn, small.args[1]!, 64) : undefined;
  if (limit === undefined || limit > prepayLimit(charge)) return gfail('m is not bounded so that n × c cannot overflow');
  const covered = defOf(fn, ok.args[1]!);
  if (covered?.opcode !== 'icmp' || covered.cond !== 'slt' || fn.dfg.resolveAliases(covered.args[0]!) !== amount) return gfail('the amount is not compared with the budget');
  const neg = defOf(fn, covered.args[1]!);
  const read = neg?.opcode === 'ineg' ? definingInst(fn, neg.args[0]!) : undefined;
  if (read === undefined || fn.dfg.insts[read]!.opcode !== 'get_pinned_reg' || fn.layout.instBlock(read) !== guard) return gfail('the budget is not read from the counter in the guard block');
  for (let i = fn.layout.nextInst(read); i !== undefined; i = fn.layout.nextInst(i)) {
    if (fn.dfg.insts[i]!.opcode === 'set_pinned_reg' || opcodeInfo(fn.dfg.insts[i]!.opcode)?.isCall === true) gfail('the counter changes after the guard reads it');
  }
  return { guard, guardBranch, prepay, prepaySet: insts[2]!, amountDef: definingInst(fn, amount)!, okDef: definingInst(fn, gd.args[0]!)!, copyHeader, charge };
}

/**
 * `after` with every guard sent one way. 'original': the copies become unreachable and go.
 * 'copy': the prepaid amount goes and each copy's header charges `c` on every entry instead.
 */
export function resolveVersions(fn: Function, loops: readonly VersionedLoop[], choice: 'original' | 'copy'): Function {
  const out = fn.clone();
  for (const l of loops) {
    const data = out.dfg.insts[l.guardBranch]!;
    const dest = data.destinations![choice === 'original' ? 1 : 0]!;
    const jump = cloneInstructionData(data);
    jump.opcode = 'jump';
    jump.args = [];
    jump.destinations = [{ block: dest.block, args: dest.args.slice() }];
    const j = out.dfg.makeInst(jump);
    out.layout.insertInstBefore(j, l.guardBranch);
    out.layout.removeInst(l.guardBranch);
    if (choice === 'copy') {
      out.layout.removeInst(l.prepaySet);
      const cur = new Cursor(out).atTop(l.copyHeader);
      cur.setPinnedReg(cur.iadd(cur.getPinnedReg(I64), cur.iconst(I64, l.charge)));
    }
  }
  const live = reachableBlocks(out);
  for (const b of out.layout.blockList()) {
    if (live.has(b)) continue;
    for (const i of out.layout.blockInstList(b)) out.layout.removeInst(i);
    out.layout.removeBlock(b);
  }
  removeDeadInstructions(out, loops.flatMap((l) => [l.okDef, l.amountDef].filter((i) => out.layout.isInstInserted(i))).concat(loops.flatMap((l) => (choice === 'copy' ? prepayRest(out, l) : []))));
  return out;
}

/** The prepay block's counter read and add, left dead once its `set_pinned_reg` is gone. */
function prepayRest(fn: Function, l: VersionedLoop): Inst[] {
  return fn.layout.blockInstList(l.prepay).filter((i) => fn.dfg.insts[i]!.opcode !== 'jump');
}

function predecessors(fn: Function): Map<Block, Inst[]> {
  const preds = new Map<Block, Inst[]>();
  for (const b of fn.layout.blocks()) {
    for (const inst of fn.layout.blockInsts(b)) {
      for (const d of branchDestinations(fn.dfg.insts[inst]!)) {
        const list = preds.get(d.block) ?? [];
        list.push(inst);
        preds.set(d.block, list);
      }
    }
  }
  return preds;
}

function hasInnerCycle(fn: Function, region: ReadonlySet<Block>, header: Block): boolean {
  const state = new Map<Block, 1 | 2>();
  const visit = (b: Block): boolean => {
    state.set(b, 1);
    for (const s of blockSuccessors(fn, b)) {
      if (!region.has(s) || s === header) continue;
      const st = state.get(s);
      if (st === 1) return true;
      if (st === undefined && visit(s)) return true;
    }
    state.set(b, 2);
    return false;
  };
  return visit(header);
}

function defOf(fn: Function, v: Value) {
  const i = definingInst(fn, v);
  return i === undefined ? undefined : fn.dfg.insts[i]!;
}

function homeBlock(fn: Function, v: Value): Block | undefined {
  const d = fn.dfg.definingData(fn.dfg.resolveAliases(v));
  if (d === undefined) return undefined;
  return d.kind === ValueKind.Param ? d.owner : fn.layout.instBlock(d.owner);
}

/** The constant `v` holds, as a `width`-bit unsigned number. */
function constValue(fn: Function, v: Value, width: number): bigint | undefined {
  const c = constantDef(fn, v);
  return c === undefined ? undefined : BigInt.asUintN(width, c.value);
}

/** The amount an `iadd`/`iadd_imm` adds to the counter read (its non-counter operand). */
function addend(fn: Function, add: Inst): Value {
  const d = fn.dfg.insts[add]!;
  const [a, b] = d.args;
  return definingInst(fn, a!) !== undefined && fn.dfg.insts[definingInst(fn, a!)!]!.opcode === 'get_pinned_reg' ? b! : a!;
}

/** `iadd iv, k` / `iadd k, iv` / `iadd_imm iv, k` with k constant. */
function stepOf(fn: Function, v: Value): { iv: Value; step: bigint } | undefined {
  const d = defOf(fn, v);
  if (d === undefined) return undefined;
  if (d.opcode === 'iadd_imm') return { iv: fn.dfg.resolveAliases(d.args[0]!), step: d.imm };
  if (d.opcode !== 'iadd') return undefined;
  const [a, b] = d.args;
  const cb = constantDef(fn, b!);
  if (cb !== undefined) return { iv: fn.dfg.resolveAliases(a!), step: cb.value };
  const ca = constantDef(fn, a!);
  if (ca !== undefined) return { iv: fn.dfg.resolveAliases(b!), step: ca.value };
  return undefined;
}

function sameBound(fn: Function, v: Value, bound: Value | 0n, width: number): boolean {
  if (typeof bound === 'bigint') return constValue(fn, v, width) === bound;
  if (fn.dfg.resolveAliases(v) === fn.dfg.resolveAliases(bound)) return true;
  const a = constValue(fn, v, width);
  return a !== undefined && a === constValue(fn, bound, width);
}
