// Recognises counted loops in a function whose increments are placed (pinned form, after
// fuel-place): an innermost natural loop with one preheader edge, one latch ending in
// `brif (i + s) != bound` (or `i + s` itself, bound 0) back to the header, no other exit, no
// call, and constant increments only on blocks every iteration runs. Each rejected loop gets a
// reason, for the pass's statistics and the tests.
import type { AnalysisCache } from '../../../analysis/cache.js';
import type { Loop } from '../../../analysis/loops.js';
import { branchDestinations, ValueKind, type Block, type Function, type Inst, type Type, type Value } from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { constantDef, definingInst, findPinnedIncrements, isPinnedAccess, type PinnedIncrement } from '../web/shapes.js';
import { stepShift } from './trip-count.js';

/** What the exit test compares `i + step` with. */
export type LoopBound = { readonly kind: 'value'; readonly value: Value } | { readonly kind: 'const'; readonly value: bigint };

export interface CountedLoop {
  readonly header: Block;
  /** Loop blocks in layout order. */
  readonly blocks: readonly Block[];
  /** The block with the only edge into the header from outside, and that branch. */
  readonly preheader: Block;
  readonly entryBranch: Inst;
  /** The block ending in the counted `brif`, its branch, and which destination leaves. */
  readonly latch: Block;
  readonly latchBranch: Inst;
  readonly exitIndex: 0 | 1;
  /** The induction variable: header parameter `ivIndex`, stepped by `step` = ±2^shift. */
  readonly ivIndex: number;
  readonly ivType: Type;
  readonly step: bigint;
  readonly shift: number;
  readonly bound: LoopBound;
  /** The loop's increments and their sum, charged once per iteration. */
  readonly increments: readonly PinnedIncrement[];
  readonly charge: bigint;
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
  | 'no-charge';

export interface CountedLoopSearch {
  readonly loops: CountedLoop[];
  readonly rejected: Map<Rejection, number>;
}

const TRAPS = new Set(['trap', 'trapz', 'trapnz', 'resumable_trap', 'resumable_trapnz', 'trapif', 'trapff', 'debugtrap']);

/** The counted loops of `fn`; with `observeTraps`, loops that may trap are left out. */
export function findCountedLoops(fn: Function, analyses: AnalysisCache, observeTraps: boolean): CountedLoopSearch {
  const forest = analyses.loops();
  const increments = findPinnedIncrements(fn);
  const rejected = new Map<Rejection, number>();
  const loops: CountedLoop[] = [];
  for (const loop of forest.loops) {
    const r = recognise(fn, analyses, loop, increments, observeTraps);
    if (typeof r === 'string') rejected.set(r, (rejected.get(r) ?? 0) + 1);
    else loops.push(r);
  }
  return { loops, rejected };
}

function recognise(fn: Function, analyses: AnalysisCache, loop: Loop, allIncrements: readonly PinnedIncrement[], observeTraps: boolean): CountedLoop | Rejection {
  if (loop.irreducible) return 'irreducible';
  // A loop with an inner cycle could run forever inside one iteration of the prepaid copy.
  if (loop.children.length > 0) return 'nested';
  const cfg = analyses.cfg();
  const header = loop.headers[0]!;
  const inLoop = new Set(loop.nodes);
  const outside = cfg.inEdges(header).filter((e) => !inLoop.has(e.from));
  const backs = cfg.inEdges(header).filter((e) => inLoop.has(e.from));
  if (outside.length !== 1) return 'entries';
  if (backs.length !== 1) return 'latch';
  const latch = backs[0]!.from;
  for (const b of loop.nodes) {
    for (const e of cfg.outEdges(b)) if (!inLoop.has(e.to) && b !== latch) return 'exits';
  }
  const latchBranch = fn.layout.lastInst(latch);
  if (latchBranch === undefined) return 'latch';
  const ld = fn.dfg.insts[latchBranch]!;
  if (ld.opcode !== 'brif' || ld.destinations === null) return 'latch';
  const [d0, d1] = ld.destinations;
  if (d0 === undefined || d1 === undefined) return 'latch';
  const exitIndex = d0.block === header ? 1 : d1.block === header ? 0 : undefined;
  if (exitIndex === undefined || inLoop.has(ld.destinations[exitIndex]!.block)) return 'exits';
  const back = ld.destinations[1 - exitIndex]!;

  const exitTest = countedTest(fn, ld.args[0]!, exitIndex);
  if (exitTest === undefined) return 'not-counted';
  const stepped = definingInst(fn, exitTest.stepped);
  if (stepped === undefined) return 'not-counted';
  const add = stepAdd(fn, stepped);
  if (add === undefined) return 'not-counted';
  const params = fn.dfg.blockParams(header);
  const ivIndex = params.indexOf(fn.dfg.resolveAliases(add.iv));
  if (ivIndex < 0) return 'not-counted';
  const backArg = back.args[ivIndex];
  if (typeof backArg !== 'number' || fn.dfg.resolveAliases(backArg) !== fn.dfg.resolveAliases(exitTest.stepped)) return 'not-counted';
  const ivType = fn.dfg.valueType(params[ivIndex]!);
  if (ivType.laneKind !== 'int' || ivType.minLaneCount !== 1 || ivType.laneBits > 64) return 'not-counted';
  const shift = stepShift(add.step, ivType.laneBits);
  if (shift === undefined) return 'not-counted';
  let bound: LoopBound;
  if (exitTest.bound === undefined) bound = { kind: 'const', value: 0n };
  else {
    const c = constantDef(fn, exitTest.bound);
    const def = fn.dfg.definingData(fn.dfg.resolveAliases(exitTest.bound));
    const home = def === undefined ? undefined : def.kind === ValueKind.Param ? def.owner : fn.layout.instBlock(def.owner);
    if (c !== undefined) bound = { kind: 'const', value: c.value };
    else if (home !== undefined && !inLoop.has(home)) bound = { kind: 'value', value: exitTest.bound };
    else return 'not-counted';
  }

  // Every instruction: no call, return or counter access other than the increments.
  const incs = allIncrements.filter((i) => inLoop.has(i.block));
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
  const doms = analyses.dominators();
  let charge = 0n;
  for (const inc of incs) {
    if (inc.amount === null || inc.amount < 0n) return 'counter-use';
    if (!doms.dominates(inc.block, latch)) return 'uneven-charge';
    charge += inc.amount;
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
    latchBranch,
    exitIndex,
    ivIndex,
    ivType,
    step: BigInt.asIntN(ivType.laneBits, add.step),
    shift,
    bound,
    increments: incs,
    charge,
  };
}

/**
 * The exit test of a latch `brif v` whose destination `exitIndex` leaves: `v` (or `uextend v`) is
 * `icmp ne x, bound` continuing on true, `icmp eq x, bound` leaving on true, or `x` itself
 * continuing while non-zero. Returns `x` (the stepped induction variable) and the bound (none: 0).
 */
function countedTest(fn: Function, cond: Value, exitIndex: 0 | 1): { stepped: Value; bound: Value | undefined } | undefined {
  let v = cond;
  const ext = definingInst(fn, v);
  if (ext !== undefined && fn.dfg.insts[ext]!.opcode === 'uextend') v = fn.dfg.insts[ext]!.args[0]!;
  const def = definingInst(fn, v);
  const data = def === undefined ? undefined : fn.dfg.insts[def]!;
  if (data !== undefined && data.opcode === 'icmp') {
    const wanted = exitIndex === 1 ? 'ne' : 'eq';
    if (data.cond !== wanted) return undefined;
    const [a, b] = data.args;
    if (a === undefined || b === undefined) return undefined;
    const aStep = definingInst(fn, a);
    if (aStep !== undefined && stepAdd(fn, aStep) !== undefined) return { stepped: a, bound: b };
    const bStep = definingInst(fn, b);
    if (bStep !== undefined && stepAdd(fn, bStep) !== undefined) return { stepped: b, bound: a };
    return undefined;
  }
  // `brif x` continues while x != 0: only when the back edge is the `then` destination.
  if (exitIndex !== 1 || v !== cond) return undefined;
  return { stepped: v, bound: undefined };
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
