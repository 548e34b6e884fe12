// check-fuel's rule for counted loops charged in bulk (fuel-counted-loops). In `after`, a
// versioned loop is a guard block G ending in `brif ok, P, H(args)` where P charges the pinned
// counter a run-time amount and jumps to H'(args), the header of an increment-free copy of the
// loop. The rule proves, structurally, that
//   * the copy is a loop entered only from P, with one latch and one exiting block, whose exit
//     test is `(i + s) != bound` (or `i + s` itself, bound 0) on its own induction variable i
//     (header parameter k, stepped by the constant s = ±2^t, bound loop-invariant), no inner
//     cycle, no call or return, no counter access, and (with observeTraps) no trap. Either the
//     latch tests (it runs n(i0, bound, s) = m + 1 times), or the latch only jumps back and the
//     test is on a block E every path from the header to the latch passes, on `i + s` or on `i`
//     itself ('top': the header and E run m + 1 times, the latch m; m one less than n, or
//     δ / |s| for a test of `i`) (docs/results.md, "Counted loops"). It observes nothing inside;
//   * the amount P charges is exactly (m + 1) × c ('latch') or m × c + c_top with
//     0 <= c_top <= c ('top'), for constants c > 0, and the guard takes the copy only when
//     m < 2^62 / c, amount < −F (F the current counter: the budget covers the whole loop) and,
//     for t > 0, δ is a multiple of |s| (the loop ends).
// Then each version is checked by the ordinary proof: `after` with every guard sent to the
// original loop (the copies removed), and `after` with every guard sent to the copy, the prepaid
// amount removed and increments put at the top of the copy's header (c, or c_top for 'top') and
// of its latch (c − c_top for 'top'): the same total, and the ordinary proof checks the split.
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
  readonly copyLatch: Block;
  /** Whether the copy leaves from its latch or from a block before it (its top). */
  readonly exitAt: 'latch' | 'top';
  /** What each entry of the copy's header, and each run of its latch, would charge without the prepay. */
  readonly headerCharge: bigint;
  readonly latchCharge: bigint;
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
    for (const inst of fn.layout.blockInsts(b)) {
      const data = fn.dfg.insts[inst]!;
      const info = opcodeInfo(data.opcode);
      if (info === undefined || info.isCall || info.isReturn) fail('the copy calls or returns', inst);
      if (isPinnedAccess(data.opcode)) fail('the copy touches the counter', inst);
      if (observeTraps && (TRAPS.has(data.opcode) || info!.canTrap || (data.flags !== null && data.flags.trapCode !== null))) fail('the copy may trap and traps are observed', inst);
    }
  }
  if (hasInnerCycle(fn, region, copyHeader)) fail('the copy has an inner cycle');

  // The exit: on the latch (`brif` back or out), or on one block E that every path from the
  // header to the latch passes, the latch then only jumping back ('top': the blocks up to E run
  // once more than the rest).
  const exitingBlocks = [...region].filter((b) => blockSuccessors(fn, b).some((x) => !region.has(x)));
  if (exitingBlocks.length !== 1) fail(`the copy has an exit other than the counted one (it leaves from ${exitingBlocks.length} blocks)`);
  const exiting = exitingBlocks[0]!;
  const top = exiting !== latch;
  if (top) {
    if (fn.dfg.insts[latchBranch]!.opcode !== 'jump') fail('the latch neither tests nor just jumps back', latchBranch);
    if (reachesAvoiding(fn, region, copyHeader, latch, exiting)) fail(`an iteration can reach the latch without passing the exit test in block${exiting}`);
  }
  const exitBranch = fn.layout.lastInst(exiting)!;
  const ld = fn.dfg.insts[exitBranch]!;
  if (ld.opcode !== 'brif' || ld.destinations === null) return fail('the exiting block does not end in brif', exitBranch);
  const stayIndex = region.has(ld.destinations[0]!.block) ? 0 : 1;
  const exitDest = ld.destinations[1 - stayIndex]!;
  if (region.has(exitDest.block) || (!top && ld.destinations[stayIndex]!.block !== copyHeader)) fail('the latch does not leave the loop', exitBranch);
  const exitPreds = preds.get(exitDest.block) ?? [];
  if (exitPreds.length !== 2) fail(`the loop's exit block${exitDest.block} is not shared by exactly the copy and the original`, exitBranch);
  let cond = fn.dfg.resolveAliases(ld.args[0]!);
  const ext = definingInst(fn, cond);
  if (ext !== undefined && fn.dfg.insts[ext]!.opcode === 'uextend') cond = fn.dfg.resolveAliases(fn.dfg.insts[ext]!.args[0]!);
  let operands: Value[];
  const cd = defOf(fn, cond);
  if (cd !== undefined && cd.opcode === 'icmp') {
    if (cd.cond !== (stayIndex === 0 ? 'ne' : 'eq')) fail('the exit test is not an (in)equality that leaves when the induction variable meets its bound', exitBranch);
    operands = cd.args.map((v) => fn.dfg.resolveAliases(v));
  } else {
    if (stayIndex !== 0 || cond !== fn.dfg.resolveAliases(ld.args[0]!)) fail('the exit test is not counted', exitBranch);
    operands = [cond];
  }
  // The tested operand: `i + s` carried round the back edge, or (top) the header parameter `i`
  // itself, carried round as `i + s`.
  const params = fn.dfg.blockParams(copyHeader).map((p) => fn.dfg.resolveAliases(p));
  const backArgs = fn.dfg.insts[latchBranch]!.destinations!.find((d) => d.block === copyHeader)!.args;
  const backOf = (k: number) => (typeof backArgs[k] === 'number' ? fn.dfg.resolveAliases(backArgs[k]) : undefined);
  let found: { k: number; step: { iv: Value; step: bigint }; testsStepped: boolean; bound: Value | 0n } | undefined;
  for (let o = 0; o < operands.length && found === undefined; o++) {
    const x = operands[o]!;
    const bound = operands.length === 2 ? operands[1 - o]! : 0n;
    const st = stepOf(fn, x);
    const k = st === undefined ? -1 : params.indexOf(st.iv);
    if (st !== undefined && k >= 0 && backOf(k) === x) found = { k, step: st, testsStepped: true, bound };
    const j = params.indexOf(x);
    const bst = j >= 0 && backOf(j) !== undefined ? stepOf(fn, backOf(j)!) : undefined;
    if (found === undefined && top && bst !== undefined && bst.iv === x) found = { k: j, step: bst, testsStepped: false, bound };
  }
  if (found === undefined) return fail("the exit test compares no induction variable of the copy's header carried round the back edge as i + s", exitBranch);
  const { k, step, testsStepped, bound } = found;
  const w = fn.dfg.valueType(step.iv).laneBits;
  const t = stepShift(step.step, w);
  if (t === undefined) return fail(`the step ${step.step} is not ±2^t`, exitBranch);
  const s = BigInt.asIntN(w, step.step);
  if (typeof bound !== 'bigint') {
    const home = homeBlock(fn, bound);
    if (home !== undefined && region.has(home) && constantDef(fn, bound) === undefined) fail('the bound is computed inside the loop', exitBranch);
  }
  const i0 = enter.args[k];
  if (typeof i0 !== 'number') return fail('the initial induction value is not a value');

  // The prepaid amount: 'latch': (m + 1) × c; 'top': m × c + c_top with 0 <= c_top <= c; m the
  // iterations before the last test, from δ (δ − |s| when the test is on `i + s`).
  const fmt = (why: string): never => fail(`the prepaid amount is not the trip count times the charge: ${why}`, insts[1]);
  const amount = fn.dfg.resolveAliases(addend(fn, insts[1]!));
  let charge: bigint;
  let topCharge = 0n;
  let m: Value;
  if (!top) {
    const mul = defOf(fn, amount);
    if (mul?.opcode !== 'imul') return fmt('no imul');
    const c = constValue(fn, mul.args[1]!, 64);
    if (c === undefined || c <= 0n) return fmt('the charge is not a positive constant');
    charge = c;
    const n = defOf(fn, mul.args[0]!);
    if (n?.opcode !== 'iadd' || constValue(fn, n.args[1]!, 64) !== 1n) return fmt('no n = m + 1');
    m = fn.dfg.resolveAliases(n.args[0]!);
  } else {
    const sum = defOf(fn, amount);
    const c0 = sum?.opcode === 'iadd' ? constValue(fn, sum.args[1]!, 64) : undefined;
    const mul = sum?.opcode === 'iadd' ? defOf(fn, sum.args[0]!) : undefined;
    if (c0 === undefined || mul?.opcode !== 'imul') return fmt('no m × c + c_top');
    const c = constValue(fn, mul.args[1]!, 64);
    if (c === undefined || c <= 0n) return fmt('the charge is not a positive constant');
    if (c0 > c) return fmt('the top part charges more than the whole iteration');
    charge = c;
    topCharge = c0;
    m = fn.dfg.resolveAliases(mul.args[0]!);
  }
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
  let delta = m;
  if (testsStepped) {
    const dm = defOf(fn, m);
    if (dm?.opcode !== 'isub' || constValue(fn, dm.args[1]!, w) !== 1n << BigInt(t)) return fmt(`no δ − ${1n << BigInt(t)}`);
    delta = fn.dfg.resolveAliases(dm.args[0]!);
  }
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
  return { guard, guardBranch, prepay, prepaySet: insts[2]!, amountDef: definingInst(fn, amount)!, okDef: definingInst(fn, gd.args[0]!)!, copyHeader, copyLatch: latch, exitAt: top ? 'top' : 'latch', headerCharge: top ? topCharge : charge, latchCharge: top ? charge - topCharge : 0n };
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
      for (const [block, amount] of [[l.copyHeader, l.headerCharge], [l.copyLatch, l.latchCharge]] as const) {
        if (amount === 0n) continue;
        const cur = new Cursor(out).atTop(block);
        cur.setPinnedReg(cur.iadd(cur.getPinnedReg(I64), cur.iconst(I64, amount)));
      }
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

/** Whether `to` is reachable from `from` within `region` without passing `avoid`. */
function reachesAvoiding(fn: Function, region: ReadonlySet<Block>, from: Block, to: Block, avoid: Block): boolean {
  const seen = new Set<Block>([avoid]);
  const stack = [from];
  while (stack.length > 0) {
    const b = stack.pop()!;
    if (b === to) return true;
    if (seen.has(b)) continue;
    seen.add(b);
    for (const x of blockSuccessors(fn, b)) if (region.has(x) && x !== from) stack.push(x);
  }
  return false;
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
