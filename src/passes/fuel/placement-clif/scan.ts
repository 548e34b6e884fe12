// Reads a function in pinned form (after fuel-pinned) into what placement needs: per block, its
// segments (split at calls, and at conditional traps when they are observed), the constant and
// dynamic increments in each, and where a new increment may be inserted.
//
// Pinned-register accesses other than increments are the flushes and reloads fuel-pinned puts
// around calls to callees that keep the counter in memory: `get_pinned_reg` → `store` before
// the call, `load` → `set_pinned_reg` after it. They belong to the call's observation point, so
// inside a segment the order must be: reloads, then increments, then flush reads. A new
// increment goes after the reloads and before the flushes; anything else is refused.
import type { Block, Function, Inst, Value } from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { locateInst, valueUseCounts } from '../../utility/ir-utils.js';
import type { BlockEnd, Boundary } from '../placement/index.js';
import { isPinnedAccess, pinnedIncrementAt, type PinnedIncrement } from '../web/shapes.js';
import { FuelPlaceError } from './errors.js';

/** A pinned increment (see web/shapes.ts) whose three instructions placement may move: one block, single uses, nothing observing in between. */
export type PinnedIncrementSite = PinnedIncrement;

export interface ScannedSegment {
  /** Sum of the constant increments. */
  readonly cost: bigint;
  readonly constants: readonly PinnedIncrementSite[];
  readonly dynamics: readonly PinnedIncrementSite[];
  /** A new increment is inserted right before this instruction. */
  readonly anchor: Inst;
}

export interface ScannedBlock {
  readonly block: Block;
  readonly segments: readonly ScannedSegment[];
  /** The call or trap instruction between segment i and i+1. */
  readonly boundaryInsts: readonly Inst[];
  readonly boundaries: readonly Boundary[];
  readonly end: BlockEnd;
}

export interface PinnedScan {
  readonly blocks: ReadonlyMap<Block, ScannedBlock>;
  /** Any `get_pinned_reg`/`set_pinned_reg` at all. */
  readonly usesPinnedRegister: boolean;
}

/** Conditional traps: observation points when traps are observed (as the checker has them). */
export const CONDITIONAL_TRAPS: ReadonlySet<string> = new Set(['trapz', 'trapnz', 'resumable_trapnz', 'trapif', 'trapff']);
const TRY_CALLS: ReadonlySet<string> = new Set(['try_call', 'try_call_indirect']);

/** The increment ending at `set`, if placement may treat it as one movable unit. */
function incrementAt(fn: Function, set: Inst, uses: ReadonlyMap<Value, number>): PinnedIncrementSite | undefined {
  const dfg = fn.dfg;
  const inc = pinnedIncrementAt(fn, set);
  if (inc === undefined) return undefined;
  const block = fn.layout.instBlock(set);
  if (inc.block !== block || fn.layout.instBlock(inc.get) !== block) return undefined;
  const single = (v: Value): boolean => (uses.get(dfg.resolveAliases(v)) ?? 0) === 1;
  if (!single(dfg.insts[set]!.args[0]!) || !single(dfg.firstResult(inc.get))) return undefined;
  // Nothing that reads, writes or observes the counter between the read and the write.
  for (let i = fn.layout.nextInst(inc.get); i !== undefined && i !== set; i = fn.layout.nextInst(i)) {
    const op = dfg.insts[i]!.opcode;
    if (isPinnedAccess(op) || opcodeInfo(op)?.isCall === true || CONDITIONAL_TRAPS.has(op)) return undefined;
  }
  return inc;
}

/** Values some `store` writes to memory. */
function storedValues(fn: Function): Set<Value> {
  const out = new Set<Value>();
  for (const b of fn.layout.blocks()) {
    for (const i of fn.layout.blockInsts(b)) {
      const d = fn.dfg.insts[i]!;
      if (d.opcode === 'store' && d.args[0] !== undefined) out.add(fn.dfg.resolveAliases(d.args[0]));
    }
  }
  return out;
}

function blockEnd(fn: Function, block: Block, hasSuccessors: boolean): BlockEnd {
  const last = fn.layout.lastInst(block);
  const op = last === undefined ? '' : fn.dfg.insts[last]!.opcode;
  if (!hasSuccessors) return op === 'trap' ? 'trap' : 'return';
  return TRY_CALLS.has(op) ? 'call-branch' : 'branch';
}

/**
 * Scans every block of the layout. `hasSuccessors` tells which blocks have successors (from
 * the same flow graph the model uses). Throws FuelPlaceError on a negative constant increment or a
 * pinned-register access it cannot order against the increments.
 */
export function scanPinned(fn: Function, observeTraps: boolean, hasSuccessors: (b: Block) => boolean): PinnedScan {
  const uses = valueUseCounts(fn);
  const stored = storedValues(fn);
  const blocks = new Map<Block, ScannedBlock>();
  let usesPinnedRegister = false;
  for (const block of fn.layout.blockList()) {
    const insts = fn.layout.blockInstList(block);
    if (insts.length === 0) throw new FuelPlaceError(`block${block} has no instructions`, undefined, block);
    const increments = new Map<Inst, PinnedIncrementSite>(); // by its set_pinned_reg
    const partOfIncrement = new Set<Inst>();
    for (const i of insts) {
      if (fn.dfg.insts[i]!.opcode !== 'set_pinned_reg') continue;
      const inc = incrementAt(fn, i, uses);
      if (inc === undefined) continue;
      if (inc.amount !== null && inc.amount < 0n) {
        throw new FuelPlaceError(`negative fuel increment ${inc.amount} at ${locateInst(fn, inc.add)}`, inc.add, block);
      }
      increments.set(i, inc);
      partOfIncrement.add(inc.get).add(inc.add);
    }
    const segments: ScannedSegment[] = [];
    const boundaryInsts: Inst[] = [];
    const boundaries: Boundary[] = [];
    let constants: PinnedIncrementSite[] = [];
    let dynamics: PinnedIncrementSite[] = [];
    let anchor: Inst = insts[0]!;
    let sawIncrement: Inst | undefined; // the segment's first increment
    let sawFlush: Inst | undefined; // the segment's first flush read
    const close = (next: Inst): void => {
      const cost = constants.reduce((s, c) => s + c.amount!, 0n);
      segments.push({ cost, constants, dynamics, anchor: constants[0]?.get ?? anchor });
      constants = [];
      dynamics = [];
      anchor = next;
      sawIncrement = sawFlush = undefined;
    };
    insts.forEach((i, index) => {
      const op = fn.dfg.insts[i]!.opcode;
      if (isPinnedAccess(op)) usesPinnedRegister = true;
      const inc = increments.get(i);
      if (inc !== undefined) {
        if (sawFlush !== undefined) {
          throw new FuelPlaceError(`the counter is read at ${locateInst(fn, sawFlush)} before the increment at ${locateInst(fn, inc.add)} with no call in between`, inc.add, block);
        }
        sawIncrement ??= inc.get;
        (inc.amount === null ? dynamics : constants).push(inc);
        return;
      }
      if (partOfIncrement.has(i)) return;
      if (op === 'set_pinned_reg') {
        // A reload after a call: a new increment must come after it.
        const earlier = sawIncrement ?? sawFlush;
        if (earlier !== undefined) {
          throw new FuelPlaceError(`${locateInst(fn, i)} overwrites the counter after ${locateInst(fn, earlier)} with no call in between; run fuel-pinned first`, i, block);
        }
        const next = insts[index + 1];
        if (next !== undefined) anchor = next;
        return;
      }
      if (op === 'get_pinned_reg') {
        // A flush (its value is stored for a callee); other reads (kept checks) may see any
        // count between two observation points, so they do not constrain the order.
        if (stored.has(fn.dfg.firstResult(i))) sawFlush ??= i;
        return;
      }
      const info = opcodeInfo(op);
      const isCall = info?.isCall === true && info.isTerminator !== true && info.isReturn !== true;
      const observedTrap = observeTraps && CONDITIONAL_TRAPS.has(op);
      if ((isCall || observedTrap) && index < insts.length - 1) {
        boundaryInsts.push(i);
        boundaries.push(isCall ? 'call' : 'trap');
        close(insts[index + 1]!);
      }
    });
    close(anchor);
    blocks.set(block, { block, segments, boundaryInsts, boundaries, end: blockEnd(fn, block, hasSuccessors(block)) });
  }
  return { blocks, usesPinnedRegister };
}
