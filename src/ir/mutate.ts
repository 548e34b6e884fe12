// Function-level edits for passes: blocks, parameters, instructions, uses, branch targets. New
// entities get numbers above every existing one, so unchanged parts print exactly as before.
import type { Block, Inst, Type, Value } from './entities.js';
import type { Function } from './function.js';
import { branchDestinations, InstructionData, type BlockArg, type BlockCall } from './instruction.js';
import { opcodeInfo } from './opcode-table.js';
import { ValueKind } from './dfg.js';

/** Where to put a new block: at the end, or next to an existing block. */
export type BlockPlacement = { readonly after: Block } | { readonly before: Block } | 'end';

/** Creates a block and inserts it into the layout. */
export function createBlock(fn: Function, placement: BlockPlacement = 'end', cold = false): Block {
  const block = fn.dfg.makeBlock();
  if (placement === 'end') fn.layout.appendBlock(block);
  else if ('after' in placement) fn.layout.insertBlockAfter(block, placement.after);
  else fn.layout.insertBlockBefore(block, placement.before);
  if (cold) fn.layout.setCold(block);
  return block;
}

/** Removes a block and all its instructions from the layout (branches to it are not touched). */
export function removeBlock(fn: Function, block: Block): void {
  for (const inst of fn.layout.blockInstList(block)) fn.layout.removeInst(inst);
  fn.layout.removeBlock(block);
}

/** Appends a fresh parameter of `type` to `block`. */
export function appendBlockParam(fn: Function, block: Block, type: Type): Value {
  return fn.dfg.appendBlockParam(block, type);
}

/**
 * Removes parameter `index` of `block` and the matching argument of every branch to it, so the
 * function stays consistent. Returns the removed value.
 */
export function removeBlockParam(fn: Function, block: Block, index: number): Value {
  for (const b of fn.layout.blocks()) {
    for (const inst of fn.layout.blockInsts(b)) {
      for (const call of branchDestinations(fn.dfg.insts[inst]!)) {
        if (call.block === block && index < call.args.length) call.args.splice(index, 1);
      }
    }
  }
  return fn.dfg.removeBlockParam(block, index);
}

/** Removes an instruction from the layout. Its results stay defined but unplaced. */
export function removeInst(fn: Function, inst: Inst): void {
  fn.layout.removeInst(inst);
}

/** The block's terminator (its last instruction if that ends blocks), or undefined. */
export function terminator(fn: Function, block: Block): Inst | undefined {
  const last = fn.layout.lastInst(block);
  if (last === undefined) return undefined;
  const info = opcodeInfo(fn.dfg.insts[last]!.opcode);
  return info !== undefined && info.isTerminator ? last : undefined;
}

/** The branch destinations of an instruction (live objects: editing them edits the branch). */
export function destinations(fn: Function, inst: Inst): BlockCall[] {
  return branchDestinations(fn.dfg.inst(inst));
}

/** Successor blocks of `block` through its instructions' destinations, in order, without duplicates. */
export function successors(fn: Function, block: Block): Block[] {
  const out: Block[] = [];
  for (const inst of fn.layout.blockInsts(block)) {
    for (const call of branchDestinations(fn.dfg.insts[inst]!)) if (!out.includes(call.block)) out.push(call.block);
  }
  return out;
}

/** Points every destination of `inst` that goes to `from` at `to` (with `args` when given). */
export function retarget(fn: Function, inst: Inst, from: Block, to: Block, args?: BlockArg[]): number {
  let changed = 0;
  for (const call of branchDestinations(fn.dfg.inst(inst))) {
    if (call.block !== from) continue;
    call.block = to;
    if (args !== undefined) call.args = args.slice();
    changed++;
  }
  return changed;
}

/** Replaces every use of `from` by `to` in instructions in the layout. Returns the number of uses changed. */
export function replaceAllUses(fn: Function, from: Value, to: Value): number {
  let changed = 0;
  for (const block of fn.layout.blocks()) {
    for (const inst of fn.layout.blockInsts(block)) {
      fn.dfg.mapInstValues(inst, (v) => {
        if (v !== from) return v;
        changed++;
        return to;
      });
    }
  }
  return changed;
}

/**
 * Makes `value` an alias of `target` (Cranelift's `change_to_alias`): uses of `value` now mean
 * `target`. The printer shows `value -> target`; `resolveAliases` rewrites uses and drops it.
 * `value` must be new, or a result of an instruction already removed from the layout.
 */
export function changeToAlias(fn: Function, value: Value, target: Value): void {
  const dfg = fn.dfg;
  if (dfg.resolveAliases(target) === value) throw new Error(`aliasing v${value} to v${target} would make a cycle`);
  const d = dfg.values[value];
  if (d !== undefined && d.kind === ValueKind.Param) throw new Error(`v${value} is a block parameter; remove it first`);
  if (d !== undefined && d.kind === ValueKind.Result) {
    if (fn.layout.isInstInserted(d.owner)) throw new Error(`v${value} is a result of inst${d.owner}, which is still in the layout; remove it first`);
    dfg.detachResults(d.owner);
  }
  dfg.makeAlias(value, target);
}

/** Rewrites every use of an alias to the value it resolves to, then forgets all aliases. */
export function resolveAliases(fn: Function): void {
  const dfg = fn.dfg;
  let any = false;
  for (const d of dfg.values) if (d.kind === ValueKind.Alias) any = true;
  if (!any) return;
  for (const block of fn.layout.blocks()) {
    for (const inst of fn.layout.blockInsts(block)) dfg.mapInstValues(inst, (v) => dfg.resolveAliases(v));
  }
  for (const d of dfg.values) if (d.kind === ValueKind.Alias) d.kind = ValueKind.Invalid;
}

/**
 * Splits `block` before `inst`: `inst` and everything after it move to a new block placed right
 * after, and `block` ends with a jump to it. Returns the new block.
 */
export function splitBlock(fn: Function, inst: Inst): Block {
  const block = fn.layout.instBlock(inst);
  if (block === undefined) throw new Error(`inst${inst} is not in the layout`);
  const fresh = createBlock(fn, { after: block });
  fn.layout.splitBlockAt(inst, fresh);
  const data = new InstructionData('jump');
  data.destinations = [{ block: fresh, args: [] }];
  const jump = fn.dfg.makeInst(data);
  fn.layout.appendInst(jump, block);
  return fresh;
}

/**
 * Splits the edge `destinations(fn, inst)[index]`: a new block (placed after the branch's block,
 * or as given) receives the edge and jumps on to the old target with the old arguments. Returns the
 * new block, where code that must run only on this edge can go. Edges carrying `try_call`
 * results (`retN`/`exnN`) cannot be split this way.
 */
export function splitEdge(fn: Function, inst: Inst, index: number, placement?: BlockPlacement): Block {
  const call = destinations(fn, inst)[index];
  if (call === undefined) throw new Error(`inst${inst} has no destination ${index}`);
  if (call.args.some((a) => typeof a !== 'number')) throw new Error('cannot split an edge that passes try_call results');
  const source = fn.layout.instBlock(inst);
  if (source === undefined) throw new Error(`inst${inst} is not in the layout`);
  const fresh = createBlock(fn, placement ?? { after: source });
  const data = new InstructionData('jump');
  data.destinations = [{ block: call.block, args: call.args }];
  fn.layout.appendInst(fn.dfg.makeInst(data), fresh);
  call.block = fresh;
  call.args = [];
  return fresh;
}

/** Sets or clears an instruction's source location. */
export function setSrcloc(fn: Function, inst: Inst, loc: number | undefined): void {
  if (loc === undefined) fn.srclocs.delete(inst);
  else fn.setSrcloc(inst, loc);
}
