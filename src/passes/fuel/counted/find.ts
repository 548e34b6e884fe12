// Recognises counted loops in a function whose increments are placed (pinned form, after
// fuel-place): an innermost natural loop with one preheader edge, one latch, one exiting block
// whose `brif` tests the induction variable against a loop invariant, no call, and constant
// increments only on blocks every iteration runs. The test is either on the latch (`brif (i + s)
// != bound` back to the header) or, when the latch just jumps back, on a block that dominates it
// (a loop that exits from its top, as when clang peels a round: the blocks up to the test run
// once more than the rest). Each rejected loop gets a reason, for the pass's statistics and the tests.
import type { AnalysisCache } from '../../../analysis/cache.js';
import type { Loop } from '../../../analysis/loops.js';
import { branchDestinations, ValueKind, type Block, type Function, type Inst, type Type, type Value } from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { constantDef, definingInst, findPinnedIncrements, isPinnedAccess, type PinnedIncrement } from '../web/shapes.js';
import { stepShift } from './trip-count.js';

/** What the exit test compares the induction variable with. */
export type LoopBound = { readonly kind: 'value'; readonly value: Value } | { readonly kind: 'const'; readonly value: bigint };

/**
 * Where the loop leaves. 'latch': the latch tests `i + s` after each iteration, which runs
 * n = m + 1 times. 'top': a block before the latch tests `i` (or `i + s`) and the latch jumps
 * back; the blocks up to the test run m + 1 times, the rest m times.
 */
export type ExitAt = 'latch' | 'top';

export interface CountedLoop {
  readonly header: Block;
  /** Loop blocks in layout order. */
  readonly blocks: readonly Block[];
  /** The block with the only edge into the header from outside, and that branch. */
  readonly preheader: Block;
  readonly entryBranch: Inst;
  /** The block with the back edge. */
  readonly latch: Block;
  readonly exitAt: ExitAt;
  /** The block ending in the counted `brif` (the latch for 'latch'), its branch, and which destination leaves. */
  readonly exiting: Block;
  readonly exitBranch: Inst;
  readonly exitIndex: 0 | 1;
  /** Whether the test compares `i + s` (always for 'latch') or `i` itself. */
  readonly testsStepped: boolean;
  /** The induction variable: header parameter `ivIndex`, stepped by `step` = ±2^shift. */
  readonly ivIndex: number;
  readonly ivType: Type;
  readonly step: bigint;
  readonly shift: number;
  readonly bound: LoopBound;
  /** The loop's increments; `charge`: what one whole iteration charges; `topCharge`: the part of
   *  it charged up to the exit test ('top' only; 0 for 'latch'), which the last visit pays again. */
  readonly increments: readonly PinnedIncrement[];
  readonly charge: bigint;
  readonly topCharge: bigint;
}

export type Rejection =
  | 'irreducible'
  | 'nested'
  | 'entries'
  | 'exits'
  | 'latch'
  | 'not-counted'
  | 'call'
  | 'trap'
  | 'counter-use'
  | 'uneven-charge'
  | 'no-charge'
  | 'not-hottest';

export interface CountedLoopSearch {
  readonly loops: CountedLoop[];
  readonly rejected: Map<Rejection, number>;
}

const TRAPS = new Set(['trap', 'trapz', 'trapnz', 'resumable_trap', 'resumable_trapnz', 'trapif', 'trapff', 'debugtrap']);

/** The counted loops of `fn`; with `observeTraps`, loops that may trap are left out. */
export function findCountedLoops(fn: Function, analyses: AnalysisCache, observeTraps: boolean): CountedLoopSearch {
  const forest = analyses.loops();
  const increments = incrementsByBlock(findPinnedIncrements(fn));
  const rejected = new Map<Rejection, number>();
  const loops: CountedLoop[] = [];
  for (const loop of forest.loops) {
    const r = recogniseLoop(fn, analyses, loop, increments, observeTraps);
    if (typeof r === 'string') rejected.set(r, (rejected.get(r) ?? 0) + 1);
    else loops.push(r);
  }
  return { loops, rejected };
}

/** A function's pinned increments by block, each block's in layout order. */
export type IncrementsByBlock = ReadonlyMap<number, readonly PinnedIncrement[]>;

/**
 * `increments` (layout order) grouped by block, so that a loop reads its own in the time its
 * blocks take: filtering the function's list for every loop made the pass quadratic.
 */
export function incrementsByBlock(increments: readonly PinnedIncrement[]): IncrementsByBlock {
  const byBlock = new Map<number, PinnedIncrement[]>();
  for (const inc of increments) {
    const list = byBlock.get(inc.block);
    if (list === undefined) byBlock.set(inc.block, [inc]);
    else list.push(inc);
  }
  return byBlock;
}

/**
 * One loop of `analyses.loops()`: counted, or why not. `allowInner` skips the inner-loop rule (and
 * only it); the pass never sets it: `scripts/counted-loops-stats.ts` does, to count the nests
 * that charging whole nests in bulk could reach.
 */
export function recogniseLoop(
  fn: Function,
  analyses: AnalysisCache,
  loop: Loop,
  allIncrements: IncrementsByBlock,
  observeTraps: boolean,
  allowInner = false,
): CountedLoop | Rejection {
  if (loop.irreducible) return 'irreducible';
  // A loop with an inner cycle could run forever inside one iteration of the prepaid copy.
  if (loop.children.length > 0 && !allowInner) return 'nested';
  const cfg = analyses.cfg();
  const header = loop.headers[0]!;
  const inLoop = new Set(loop.nodes);
  const outside = cfg.inEdges(header).filter((e) => !inLoop.has(e.from));
  const backs = cfg.inEdges(header).filter((e) => inLoop.has(e.from));
  if (outside.length !== 1) return 'entries';
  if (backs.length !== 1) return 'latch';
  const latch = backs[0]!.from;
  const exitingBlocks = loop.nodes.filter((b) => cfg.outEdges(b).some((e) => !inLoop.has(e.to)));
  if (exitingBlocks.length !== 1) return 'exits';
  const exiting = exitingBlocks[0]!;
  const exitAt: ExitAt = exiting === latch ? 'latch' : 'top';
  const doms = analyses.dominators();
  if (exitAt === 'top') {
    // The latch only goes back, and every iteration passes the test on its way to the latch.
    const lb = fn.layout.lastInst(latch);
    if (lb === undefined || fn.dfg.insts[lb]!.opcode !== 'jump') return 'latch';
    if (!doms.dominates(exiting, latch)) return 'exits';
  }
  const exitBranch = fn.layout.lastInst(exiting);
  if (exitBranch === undefined) return 'latch';
  const ld = fn.dfg.insts[exitBranch]!;
  if (ld.opcode !== 'brif' || ld.destinations === null) return 'latch';
  const [d0, d1] = ld.destinations;
  if (d0 === undefined || d1 === undefined) return 'latch';
  const exitIndex = !inLoop.has(d0.block) ? 0 : !inLoop.has(d1.block) ? 1 : undefined;
  if (exitIndex === undefined || !inLoop.has(ld.destinations[1 - exitIndex]!.block)) return 'exits';
  if (exitAt === 'latch' && ld.destinations[1 - exitIndex]!.block !== header) return 'latch';
  const backBranch = fn.dfg.insts[fn.layout.lastInst(latch)!]!;
  const back = branchDestinations(backBranch).find((d) => d.block === header)!;

  const exitTest = countedTest(fn, ld.args[0]!, exitIndex);
  if (exitTest === undefined) return 'not-counted';
  const params = fn.dfg.blockParams(header);
  const iv = inductionVariable(fn, params, back.args, exitTest.operands, exitAt === 'top');
  if (iv === undefined) return 'not-counted';
  const { ivIndex, step, testsStepped, other } = iv;
  const ivType = fn.dfg.valueType(params[ivIndex]!);
  if (ivType.laneKind !== 'int' || ivType.minLaneCount !== 1 || ivType.laneBits > 64) return 'not-counted';
  const shift = stepShift(step, ivType.laneBits);
  if (shift === undefined) return 'not-counted';
  let bound: LoopBound;
  if (other === undefined) bound = { kind: 'const', value: 0n };
  else {
    const c = constantDef(fn, other);
    const def = fn.dfg.definingData(fn.dfg.resolveAliases(other));
    const home = def === undefined ? undefined : def.kind === ValueKind.Param ? def.owner : fn.layout.instBlock(def.owner);
    if (c !== undefined) bound = { kind: 'const', value: c.value };
    else if (home !== undefined && !inLoop.has(home)) bound = { kind: 'value', value: other };
    else return 'not-counted';
  }

  // Every instruction: no call, return or counter access other than the increments.
  const incs = loop.nodes.flatMap((b) => allIncrements.get(b) ?? []);
  const incInsts = new Set(incs.flatMap((i) => [i.get, i.add, i.set]));
  for (const b of loop.nodes) {
    for (const inst of fn.layout.blockInsts(b)) {
      const data = fn.dfg.insts[inst]!;
      const info = opcodeInfo(data.opcode);
      if (info === undefined || info.isCall || (info.isReturn && !info.isBranch)) return 'call';
      if (observeTraps && (TRAPS.has(data.opcode) || info.canTrap || (data.flags !== null && data.flags.trapCode !== null && (info.canLoad || info.canStore)))) return 'trap';
      if (isPinnedAccess(data.opcode) && !incInsts.has(inst)) return 'counter-use';
    }
  }
  // An increment on a block that dominates the latch runs once per iteration; for 'top', one that
  // also dominates the exiting block runs once more, on the visit that leaves.
  let charge = 0n;
  let topCharge = 0n;
  for (const inc of incs) {
    if (inc.amount === null || inc.amount < 0n) return 'counter-use';
    if (!doms.dominates(inc.block, latch)) return 'uneven-charge';
    charge += inc.amount;
    if (exitAt === 'top' && doms.dominates(inc.block, exiting)) topCharge += inc.amount;
  }
  if (charge <= 0n) return 'no-charge';
  const pre = outside[0]!;
  const entryBranch = fn.layout.lastInst(pre.from)!;
  // The guard goes on this edge (split when it branches): it must pass plain values.
  const entryData = fn.dfg.insts[entryBranch]!;
  if (!['jump', 'brif', 'br_table'].includes(entryData.opcode)) return 'entries';
  for (const d of branchDestinations(entryData)) if (d.block === header && d.args.some((a) => typeof a !== 'number')) return 'entries';
  return {
    header,
    blocks: loop.nodes,
    preheader: pre.from,
    entryBranch,
    latch,
    exitAt,
    exiting,
    exitBranch,
    exitIndex,
    testsStepped,
    ivIndex,
    ivType,
    step: BigInt.asIntN(ivType.laneBits, step),
    shift,
    bound,
    increments: incs,
    charge,
    topCharge,
  };
}

/**
 * The exit test of a `brif v` whose destination `exitIndex` leaves: `v` (or `uextend v`) is
 * `icmp ne x, y` continuing on true or `icmp eq x, y` leaving on true (operands [x, y]), or `x`
 * itself continuing while non-zero (operands [x]: the bound is 0).
 */
function countedTest(fn: Function, cond: Value, exitIndex: 0 | 1): { operands: Value[] } | undefined {
  let v = cond;
  const ext = definingInst(fn, v);
  if (ext !== undefined && fn.dfg.insts[ext]!.opcode === 'uextend') v = fn.dfg.insts[ext]!.args[0]!;
  const def = definingInst(fn, v);
  const data = def === undefined ? undefined : fn.dfg.insts[def]!;
  if (data !== undefined && data.opcode === 'icmp') {
    if (data.cond !== (exitIndex === 1 ? 'ne' : 'eq')) return undefined;
    const [a, b] = data.args;
    return a === undefined || b === undefined ? undefined : { operands: [a, b] };
  }
  // `brif x` continues while x != 0: only when the back edge is the `then` destination.
  if (exitIndex !== 1 || v !== cond) return undefined;
  return { operands: [v] };
}

/**
 * Which operand of the test is the induction variable: a header parameter `i` that the back edge
 * passes as `i + s` (s constant), tested as that stepped value itself or, when the loop exits
 * from the top, as `i`. `other` is the remaining operand (the bound; none: 0).
 */
function inductionVariable(
  fn: Function,
  params: readonly Value[],
  backArgs: readonly unknown[],
  operands: readonly Value[],
  top: boolean,
): { ivIndex: number; step: bigint; testsStepped: boolean; other: Value | undefined } | undefined {
  const resolve = (v: Value) => fn.dfg.resolveAliases(v);
  for (let o = 0; o < operands.length; o++) {
    const x = resolve(operands[o]!);
    const other = operands.length === 2 ? operands[1 - o] : undefined;
    const stepped = definingInst(fn, x);
    const add = stepped === undefined ? undefined : stepAdd(fn, stepped);
    if (add !== undefined) {
      const ivIndex = params.indexOf(resolve(add.iv));
      const backArg = backArgs[ivIndex];
      if (ivIndex >= 0 && typeof backArg === 'number' && resolve(backArg) === x) return { ivIndex, step: add.step, testsStepped: true, other };
    }
    const ivIndex = params.indexOf(x);
    if (top && ivIndex >= 0) {
      const backArg = backArgs[ivIndex];
      const backDef = typeof backArg === 'number' ? definingInst(fn, resolve(backArg)) : undefined;
      const backAdd = backDef === undefined ? undefined : stepAdd(fn, backDef);
      if (backAdd !== undefined && resolve(backAdd.iv) === x) return { ivIndex, step: backAdd.step, testsStepped: false, other };
    }
  }
  return undefined;
}

/** `iadd iv, k` / `iadd k, iv` / `iadd_imm iv, k` with k constant: the step's two parts. */
function stepAdd(fn: Function, inst: Inst): { iv: Value; step: bigint } | undefined {
  const data = fn.dfg.insts[inst]!;
  if (data.opcode === 'iadd_imm') return data.args[0] === undefined ? undefined : { iv: data.args[0], step: data.imm };
  if (data.opcode !== 'iadd') return undefined;
  const [a, b] = data.args;
  if (a === undefined || b === undefined) return undefined;
  const cb = constantDef(fn, b);
  if (cb !== undefined) return { iv: a, step: cb.value };
  const ca = constantDef(fn, a);
  if (ca !== undefined) return { iv: b, step: ca.value };
  return undefined;
}
