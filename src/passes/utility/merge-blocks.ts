// Simplifies jump-only control flow without renumbering anything:
// * jump threading: a block whose only instruction is `jump C(args)`, whose parameters are
//   only forwarded in those args, is bypassed: every branch to it goes straight to C with the
//   arguments substituted; the block then disappears;
// * merging: a block C whose single incoming edge is the final `jump` of block B (with no other
//   branch in B) is appended to B, its parameters replaced by the jump's arguments.
import { z } from 'zod';
import {
  branchDestinations,
  isTryCallArg,
  removeBlock,
  replaceAllUses,
  type Block,
  type BlockArg,
  type Function,
  type Inst,
} from '../../ir/index.js';
import { opcodeInfo } from '../../ir/opcode-table.js';
import { blockSuccessors } from '../flow-graph.js';
import { CFG_CHANGED, definePass, UNCHANGED, type PassResult } from '../pass.js';
import { valueUseCounts } from './ir-utils.js';

function onlyJump(fn: Function, block: Block): Inst | undefined {
  const first = fn.layout.firstInst(block);
  if (first === undefined || first !== fn.layout.lastInst(block)) return undefined;
  return fn.dfg.insts[first]!.opcode === 'jump' ? first : undefined;
}

/** Bypasses one jump-only block, updating `uses`; returns true when it did. */
function threadBlock(fn: Function, block: Block, uses: Map<number, number>): boolean {
  if (block === fn.layout.entryBlock()) return false;
  const jump = onlyJump(fn, block);
  if (jump === undefined) return false;
  const target = fn.dfg.insts[jump]!.destinations![0]!;
  if (target.block === block) return false;
  const params = fn.dfg.blockParams(block);
  // Each parameter must be used only as an argument of this jump.
  for (const p of params) {
    const inJump = target.args.filter((a) => a === p).length;
    if ((uses.get(p) ?? 0) !== inJump) return false;
  }
  const substitute = (incoming: readonly BlockArg[]): BlockArg[] | undefined => {
    const out: BlockArg[] = [];
    for (const a of target.args) {
      if (isTryCallArg(a)) return undefined;
      const index = params.indexOf(a);
      if (index === -1) out.push(a);
      else {
        const given = incoming[index];
        if (given === undefined) return undefined;
        out.push(given);
      }
    }
    return out;
  };
  // Check every incoming edge first so that a refusal leaves the function untouched.
  const edges: Array<{ call: { block: Block; args: BlockArg[] }; args: BlockArg[] }> = [];
  for (const b of fn.layout.blocks()) {
    for (const inst of fn.layout.blockInsts(b)) {
      for (const call of branchDestinations(fn.dfg.insts[inst]!)) {
        if (call.block !== block) continue;
        const args = substitute(call.args);
        if (args === undefined) return false;
        edges.push({ call, args });
      }
    }
  }
  // Keep the use counts exact for the next candidates: old arguments out, new ones in.
  const bump = (a: BlockArg, by: number): void => {
    if (typeof a === 'number') uses.set(fn.dfg.resolveAliases(a), (uses.get(fn.dfg.resolveAliases(a)) ?? 0) + by);
  };
  for (const a of target.args) bump(a, -1);
  for (const { call, args } of edges) {
    for (const a of call.args) bump(a, -1);
    for (const a of args) bump(a, 1);
    call.block = target.block;
    call.args = args;
  }
  removeBlock(fn, block);
  return true;
}

/** Appends the single successor of `block` to it when that successor has no other edge in. */
function mergeInto(fn: Function, block: Block, inEdges: Map<Block, number>): boolean {
  const last = fn.layout.lastInst(block);
  if (last === undefined || fn.dfg.insts[last]!.opcode !== 'jump') return false;
  for (const inst of fn.layout.blockInsts(block)) {
    if (inst !== last && opcodeInfo(fn.dfg.insts[inst]!.opcode)?.isBranch === true) return false;
  }
  const dest = fn.dfg.insts[last]!.destinations![0]!;
  const next = dest.block;
  if (next === block || next === fn.layout.entryBlock() || inEdges.get(next) !== 1) return false;
  if (dest.args.some(isTryCallArg)) return false;
  const params = [...fn.dfg.blockParams(next)];
  params.forEach((p, i) => replaceAllUses(fn, p, dest.args[i] as number));
  for (let i = params.length - 1; i >= 0; i--) fn.dfg.removeBlockParam(next, i);
  fn.layout.removeInst(last);
  for (const inst of fn.layout.blockInstList(next)) {
    fn.layout.removeInst(inst);
    fn.layout.appendInst(inst, block);
  }
  fn.layout.removeBlock(next);
  return true;
}

function incomingEdgeCounts(fn: Function): Map<Block, number> {
  const counts = new Map<Block, number>();
  for (const b of fn.layout.blocks()) for (const s of blockSuccessors(fn, b)) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

/** Threads and merges until nothing changes; returns how many blocks disappeared. */
export function mergeBlocks(fn: Function, options: { thread: boolean; merge: boolean } = { thread: true, merge: true }): number {
  let removed = 0;
  for (let progress = true; progress; ) {
    progress = false;
    if (options.thread) {
      const uses = valueUseCounts(fn);
      for (const b of fn.layout.blockList()) {
        if (!fn.layout.isBlockInserted(b) || !threadBlock(fn, b, uses)) continue;
        removed++;
        progress = true;
      }
    }
    if (options.merge) {
      // Merging moves edges from the absorbed block to its predecessor: in-edge counts stay valid.
      const inEdges = incomingEdgeCounts(fn);
      for (const b of fn.layout.blockList()) {
        if (!fn.layout.isBlockInserted(b) || !mergeInto(fn, b, inEdges)) continue;
        removed++;
        progress = true;
      }
    }
  }
  return removed;
}

export const mergeBlocksPass = definePass({
  name: 'merge-blocks',
  description: 'Thread jumps through jump-only blocks and merge blocks into their single predecessor',
  options: z
    .object({
      thread: z.boolean().default(true).describe('bypass blocks that only jump, forwarding their parameters'),
      merge: z.boolean().default(true).describe('append a block to its only predecessor when that ends in a jump'),
    })
    .strict(),
  run(fn, ctx): PassResult {
    const removed = mergeBlocks(fn, ctx.options);
    ctx.stat('merge-blocks.removed', removed);
    return removed > 0 ? CFG_CHANGED : UNCHANGED;
  },
});
