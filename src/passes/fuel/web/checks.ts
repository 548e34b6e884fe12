// Recognizes a fuel check: a compare of the counter with zero (`icmp sge F, 0`, legacy
// `icmp_imm sge F, 0`, or `ifcmp F, 0` + `brif sge`), branching to an out-of-gas path that
// returns to the continuation. Shared by the memory form (F in the SSA web) and the pinned
// form (F read by `get_pinned_reg`).
import { ValueKind, type Block, type Function, type Inst, type Value } from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { blockSuccessors } from '../../flow-graph.js';
import { reachableBlocks } from '../../utility/ir-utils.js';
import { isPinnedRead } from './shapes.js';

export interface FuelCheck {
  /** The compare (`icmp`, `icmp_imm`, `ifcmp`, `ifcmp_imm`). */
  readonly compare: Inst;
  /** The counter value compared. */
  readonly fuel: Value;
  /** The conditional branch on the compare's result. */
  readonly branch: Inst;
  readonly block: Block;
  readonly outOfGas: Block;
  readonly continuation: Block;
  /** Every block of the out-of-gas path (entered only from the check, leaving only to the continuation). */
  readonly path: readonly Block[];
  /**
   * How the branch is written: `two-way` (`brif c, oog, cont`), `to-out-of-gas` (a legacy
   * one-target branch to the out-of-gas block, then `jump cont`), `to-continuation` (a legacy
   * one-target branch to the continuation, then `jump oog`).
   */
  readonly shape: 'two-way' | 'to-out-of-gas' | 'to-continuation';
}

/** The compare part of a check: which operand is the counter and whether "true" means out of gas. */
export interface FuelCompare {
  readonly fuel: Value;
  /** True: the compare's result is true when fuel remains (`slt`), so the taken edge is the continuation. */
  readonly inverted: boolean;
  /** `ifcmp`: the condition sits on the branch instead. */
  readonly flags: boolean;
}

function isZero(fn: Function, v: Value): boolean {
  const def = fn.dfg.definingData(v);
  if (def === undefined || def.kind !== ValueKind.Result) return false;
  const data = fn.dfg.insts[def.owner]!;
  return data.opcode === 'iconst' && data.imm === 0n;
}

/** Matches a compare of a counter value with zero. */
export function matchFuelCompare(fn: Function, inst: Inst, isFuel: (v: Value) => boolean): FuelCompare | undefined {
  const data = fn.dfg.insts[inst]!;
  const [a, b] = data.args;
  if (a === undefined) return undefined;
  const ra = fn.dfg.resolveAliases(a);
  const rb = b === undefined ? undefined : fn.dfg.resolveAliases(b);
  switch (data.opcode) {
    case 'icmp':
      if (rb === undefined) return undefined;
      if (isFuel(ra) && isZero(fn, rb) && (data.cond === 'sge' || data.cond === 'slt')) return { fuel: ra, inverted: data.cond === 'slt', flags: false };
      if (isFuel(rb) && isZero(fn, ra) && (data.cond === 'sle' || data.cond === 'sgt')) return { fuel: rb, inverted: data.cond === 'sgt', flags: false };
      return undefined;
    case 'icmp_imm':
      if (isFuel(ra) && data.imm === 0n && (data.cond === 'sge' || data.cond === 'slt')) return { fuel: ra, inverted: data.cond === 'slt', flags: false };
      return undefined;
    case 'ifcmp':
      if (rb !== undefined && isFuel(ra) && isZero(fn, rb)) return { fuel: ra, inverted: false, flags: true };
      return undefined;
    case 'ifcmp_imm':
      if (isFuel(ra) && data.imm === 0n) return { fuel: ra, inverted: false, flags: true };
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Facts about the reachable part of a function that every check recognition needs, computed
 * once: who reads each value, each block's predecessors (one entry per edge).
 */
export interface CheckContext {
  readonly reachable: ReadonlySet<Block>;
  readonly users: ReadonlyMap<Value, readonly Inst[]>;
  readonly preds: ReadonlyMap<Block, readonly Block[]>;
}

export function checkContext(fn: Function, reachable: ReadonlySet<Block>): CheckContext {
  const users = new Map<Value, Inst[]>();
  const preds = new Map<Block, Block[]>();
  for (const b of fn.layout.blocks()) {
    if (!reachable.has(b)) continue;
    for (const i of fn.layout.blockInsts(b)) {
      for (const v of fn.dfg.instValues(i)) {
        const r = fn.dfg.resolveAliases(v);
        const list = users.get(r) ?? users.set(r, []).get(r)!;
        if (list[list.length - 1] !== i) list.push(i);
      }
    }
    for (const s of blockSuccessors(fn, b)) (preds.get(s) ?? preds.set(s, []).get(s)!).push(b);
  }
  return { reachable, users, preds };
}

/** The `jump` right after a legacy one-target branch, when it ends the block. */
function followingJump(fn: Function, branch: Inst): Inst | undefined {
  const next = fn.layout.nextInst(branch);
  if (next === undefined || next !== fn.layout.lastInst(fn.layout.instBlock(branch)!)) return undefined;
  return fn.dfg.insts[next]!.opcode === 'jump' ? next : undefined;
}

const MAX_PATH_BLOCKS = 32;

/**
 * Recognizes the check made by `compare`, or explains why it is not one. `reachable` limits the
 * blocks considered (unreachable blocks are ignored).
 */
export function recognizeCheck(fn: Function, compare: Inst, match: FuelCompare, ctx: CheckContext): FuelCheck | string {
  const result = fn.dfg.instResults(compare)[0];
  if (result === undefined) return 'the compare has no result';
  const users = ctx.users.get(result) ?? [];
  if (users.length !== 1) return `its result v${result} has ${users.length} users; a check branches on it once`;
  const branch = users[0]!;
  const data = fn.dfg.insts[branch]!;
  const block = fn.layout.instBlock(branch)!;
  let oogTaken: boolean; // the branch's own (first) target is the out-of-gas block
  let shape: FuelCheck['shape'];
  let outOfGas: Block;
  let continuation: Block;
  if (data.opcode === 'brif' && data.cond === '' && !match.flags && data.destinations !== null && data.destinations.length === 2) {
    if (data.args[0] !== result) return 'the branch does not test the compare';
    oogTaken = !match.inverted;
    shape = 'two-way';
    outOfGas = data.destinations[oogTaken ? 0 : 1]!.block;
    continuation = data.destinations[oogTaken ? 1 : 0]!.block;
  } else {
    if (match.flags) {
      if (data.opcode !== 'brif' || data.cond === '') return 'the flags are not consumed by a `brif COND`';
      if (data.cond === 'sge') oogTaken = true;
      else if (data.cond === 'slt') oogTaken = false;
      else return `the branch condition ${data.cond} is not sge or slt`;
    } else if (data.opcode === 'brnz') oogTaken = !match.inverted;
    else if (data.opcode === 'brz') oogTaken = match.inverted;
    else return `its result feeds \`${data.opcode}\`, not a conditional branch`;
    const jump = followingJump(fn, branch);
    if (jump === undefined) return 'the one-target branch is not followed by the jump that ends the block';
    const taken = data.destinations![0]!.block;
    const other = fn.dfg.insts[jump]!.destinations![0]!.block;
    outOfGas = oogTaken ? taken : other;
    continuation = oogTaken ? other : taken;
    shape = oogTaken ? 'to-out-of-gas' : 'to-continuation';
  }
  const path = outOfGasPath(fn, block, outOfGas, continuation, ctx);
  if (typeof path === 'string') return path;
  return { compare, fuel: match.fuel, branch, block, outOfGas, continuation, path, shape };
}

/** The out-of-gas region: entered once from `from`, leaving only to `continuation`, with a call. */
function outOfGasPath(fn: Function, from: Block, oog: Block, continuation: Block, ctx: CheckContext): Block[] | string {
  const entry = fn.layout.entryBlock();
  const preds = ctx.preds;
  if (oog === continuation) return 'both edges of the branch go to the same block';
  const region: Block[] = [oog];
  const inRegion = new Set<Block>(region);
  for (let i = 0; i < region.length; i++) {
    const b = region[i]!;
    if (b === entry || b === from) return `block${oog} leads back to the check`;
    if (region.length > MAX_PATH_BLOCKS) return `the path from block${oog} is too large for an out-of-gas path`;
    for (const s of blockSuccessors(fn, b)) {
      if (s === continuation || inRegion.has(s)) continue;
      inRegion.add(s);
      region.push(s);
    }
  }
  const oogPreds = preds.get(oog) ?? [];
  if (oogPreds.length !== 1) return `block${oog} has ${oogPreds.length} incoming edges; an out-of-gas block is entered only from its check`;
  let calls = 0;
  for (const b of region) {
    if (b !== oog && (preds.get(b) ?? []).some((p) => !inRegion.has(p))) return `block${b} on the out-of-gas path is also entered from elsewhere`;
    for (const inst of fn.layout.blockInsts(b)) {
      const info = opcodeInfo(fn.dfg.insts[inst]!.opcode);
      if (info?.isReturn === true) return `block${b} on the out-of-gas path returns`;
      if (info?.isCall === true) calls++;
    }
  }
  if (calls === 0) return `the path from block${oog} calls nothing; an out-of-gas path calls the builtin`;
  // Values made on the path may only leave through the arguments of its jumps to the continuation.
  for (const b of region) {
    const made: Value[] = [...fn.dfg.blockParams(b)];
    for (const inst of fn.layout.blockInsts(b)) made.push(...fn.dfg.instResults(inst));
    for (const v of made) {
      const outside = (ctx.users.get(v) ?? []).find((u) => !inRegion.has(fn.layout.instBlock(u)!));
      if (outside !== undefined) return `v${v}, made on the out-of-gas path, is used outside it`;
    }
  }
  return region;
}

/** The checks of a function in pinned form: compares of a pinned-register read with zero. */
export function findPinnedChecks(fn: Function): FuelCheck[] {
  const reachable = reachableBlocks(fn);
  const ctx = checkContext(fn, reachable);
  const out: FuelCheck[] = [];
  for (const b of fn.layout.blocks()) {
    if (!reachable.has(b)) continue;
    for (const i of fn.layout.blockInsts(b)) {
      const match = matchFuelCompare(fn, i, (v) => isPinnedRead(fn, v));
      if (match === undefined) continue;
      const check = recognizeCheck(fn, i, match, ctx);
      if (typeof check !== 'string') out.push(check);
    }
  }
  return out;
}

