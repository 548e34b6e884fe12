// Versions one counted loop: the preheader computes the trip count and the loop's whole charge
// (n × c; for a loop that exits from its top, m × c + c_top: the part up to the test runs once
// more) and, when the counter can pay it without reaching 0 (F + amount < 0, so neither
// out-of-fuel nor a trap inside the loop can be told apart from the original's), charges it once
// and enters an increment-free copy of the loop; otherwise it runs the original loop. Both
// leave through one new exit block whose parameters carry the loop's values used after it. The
// guard's exact shape is what check-fuel recognises (src/passes/fuel/check/versioned-loops.ts);
// keep the two in step.
import {
  appendBlockParam,
  cloneInstructionData,
  createBlock,
  Cursor,
  I64,
  branchDestinations,
  splitEdge,
  type Block,
  type Function,
  type Inst,
  type Value,
} from '../../../ir/index.js';
import { valueUseCounts } from '../../utility/ir-utils.js';
import type { CountedLoop } from './find.js';
import { prepayLimit } from './trip-count.js';

export interface VersionedLoop {
  readonly guard: Block;
  readonly prepay: Block;
  readonly copyHeader: Block;
  readonly exit: Block;
}

export function versionLoop(fn: Function, loop: CountedLoop): VersionedLoop {
  const inLoop = new Set(loop.blocks);
  const skip = new Set(loop.increments.flatMap((i) => [i.get, i.add, i.set]));
  // An increment's own constant goes too, unless something else uses it.
  const uses = valueUseCounts(fn);
  for (const i of loop.increments) if (i.constInst !== undefined && uses.get(fn.dfg.firstResult(i.constInst)) === 1) skip.add(i.constInst);

  // The guard block: the preheader itself when it just jumps to the header, else a split edge.
  let guard = loop.preheader;
  let entry = loop.entryBranch;
  const entryData = fn.dfg.insts[entry]!;
  if (entryData.opcode !== 'jump') {
    const index = branchDestinations(entryData).findIndex((d) => d.block === loop.header);
    guard = splitEdge(fn, entry, index);
    entry = fn.layout.lastInst(guard)!;
  }
  const exit = splitEdge(fn, loop.exitBranch, loop.exitIndex);

  // The copy: blocks, parameters and results first, operands once every value has its twin.
  const blockMap = new Map<Block, Block>();
  const valueMap = new Map<Value, Value>();
  let last = loop.blocks[loop.blocks.length - 1]!;
  for (const b of loop.blocks) {
    const copy = createBlock(fn, { after: last });
    last = copy;
    blockMap.set(b, copy);
    for (const p of fn.dfg.blockParams(b)) valueMap.set(p, appendBlockParam(fn, copy, fn.dfg.valueType(p)));
  }
  const copies: Inst[] = [];
  for (const b of loop.blocks) {
    for (const inst of fn.layout.blockInsts(b)) {
      if (skip.has(inst)) continue;
      const twin = fn.dfg.makeInst(cloneInstructionData(fn.dfg.insts[inst]!));
      for (const r of fn.dfg.instResults(inst)) valueMap.set(r, fn.dfg.appendResult(twin, fn.dfg.valueType(r)));
      const loc = fn.srclocs.get(inst);
      if (loc !== undefined) fn.setSrcloc(twin, loc);
      fn.layout.appendInst(twin, blockMap.get(b)!);
      copies.push(twin);
    }
  }
  const mapValue = (v: Value): Value => valueMap.get(fn.dfg.resolveAliases(v)) ?? v;
  for (const inst of copies) {
    fn.dfg.mapInstValues(inst, mapValue);
    for (const d of branchDestinations(fn.dfg.insts[inst]!)) d.block = blockMap.get(d.block) ?? d.block;
  }

  // Values of the loop used after it reach their uses through the exit block's parameters.
  const copyBlocks = new Set(blockMap.values());
  const liveOut = new Set<Value>();
  for (const b of fn.layout.blocks()) {
    if (inLoop.has(b) || copyBlocks.has(b)) continue;
    for (const inst of fn.layout.blockInsts(b)) {
      for (const v of fn.dfg.instValues(inst)) if (valueMap.has(fn.dfg.resolveAliases(v))) liveOut.add(fn.dfg.resolveAliases(v));
    }
  }
  const exitArgs = branchDestinations(fn.dfg.insts[loop.exitBranch]!)[loop.exitIndex]!.args;
  const copyExitArgs = branchDestinations(fn.dfg.insts[fn.layout.lastInst(blockMap.get(loop.exiting)!)!]!)[loop.exitIndex]!.args;
  const exitParams = new Map<Value, Value>();
  for (const v of liveOut) {
    exitParams.set(v, appendBlockParam(fn, exit, fn.dfg.valueType(v)));
    exitArgs.push(v);
    copyExitArgs.push(valueMap.get(v)!);
  }
  if (exitParams.size > 0) {
    for (const b of fn.layout.blocks()) {
      if (inLoop.has(b) || copyBlocks.has(b)) continue;
      for (const inst of fn.layout.blockInsts(b)) fn.dfg.mapInstValues(inst, (u) => exitParams.get(fn.dfg.resolveAliases(u)) ?? u);
    }
  }

  // The prepay block: charge the amount once, then enter the copy with the header's arguments.
  const headerArgs = branchDestinations(fn.dfg.insts[entry]!).find((d) => d.block === loop.header)!.args;
  const prepay = createBlock(fn, { after: guard });
  const w = loop.ivType;
  const cur = new Cursor(fn).before(entry);
  const i0 = headerArgs[loop.ivIndex] as Value;
  const bound = loop.bound.kind === 'value' ? loop.bound.value : cur.iconst(w, loop.bound.value);
  const delta = loop.step > 0n ? cur.isub(bound, i0) : cur.isub(i0, bound);
  const abs = 1n << BigInt(loop.shift);
  // m: iterations before the last test (n − 1 for 'latch'); a test of `i` itself meets the bound
  // one step later than a test of `i + s`.
  let m = loop.testsStepped ? cur.isub(delta, cur.iconst(w, abs)) : delta;
  if (loop.shift > 0) m = cur.insValue('ushr', { args: [m, cur.iconst(w, loop.shift)] });
  const m64 = w.laneBits < 64 ? cur.insValue('uextend', { args: [m] }, I64) : m;
  const amount =
    loop.exitAt === 'latch'
      ? cur.insValue('imul', { args: [cur.iadd(m64, cur.iconst(I64, 1)), cur.iconst(I64, loop.charge)] })
      : cur.iadd(cur.insValue('imul', { args: [m64, cur.iconst(I64, loop.charge)] }), cur.iconst(I64, loop.topCharge));
  const small = cur.icmp('ult', m64, cur.iconst(I64, prepayLimit(loop.charge)));
  const counter = cur.getPinnedReg(I64);
  const covered = cur.icmp('slt', amount, cur.insValue('ineg', { args: [counter] }));
  let ok = cur.insValue('band', { args: [small, covered] });
  if (loop.shift > 0) {
    const rest = cur.insValue('band', { args: [delta, cur.iconst(w, abs - 1n)] });
    ok = cur.insValue('band', { args: [ok, cur.icmp('eq', rest, cur.iconst(w, 0))] });
  }
  cur.brif(ok, prepay, [], loop.header, headerArgs.slice());
  fn.layout.removeInst(entry);

  const pay = new Cursor(fn).atBottom(prepay);
  pay.setPinnedReg(pay.iadd(pay.getPinnedReg(I64), amount));
  pay.jump(blockMap.get(loop.header)!, headerArgs.slice());
  return { guard, prepay, copyHeader: blockMap.get(loop.header)!, exit };
}
