// Small function-level helpers the passes share: use counts, side effects, reachability,
// worklist dead-code removal, and an instruction's text for diagnostics.
import { print, ValueKind, type Block, type Function, type Inst, type Value } from '../../ir/index.js';
import { opcodeInfo } from '../../ir/opcode-table.js';
import { blockSuccessors } from '../flow-graph.js';

/** Uses of each value by instructions in the layout (aliases resolved), including branch arguments. */
export function valueUseCounts(fn: Function): Map<Value, number> {
  const uses = new Map<Value, number>();
  for (const block of fn.layout.blocks()) {
    for (const inst of fn.layout.blockInsts(block)) {
      for (const v of fn.dfg.instValues(inst)) {
        const r = fn.dfg.resolveAliases(v);
        uses.set(r, (uses.get(r) ?? 0) + 1);
      }
    }
  }
  return uses;
}

/**
 * Whether removing `inst` (when its results are unused) could change behaviour: control flow,
 * calls, stores, traps, other effects, and loads that may trap. Unknown opcodes count as effects.
 */
export function hasSideEffects(fn: Function, inst: Inst): boolean {
  const data = fn.dfg.insts[inst]!;
  const info = opcodeInfo(data.opcode);
  if (info === undefined) return true;
  // Reading the pinned register changes nothing; Cranelift marks it only to keep it ordered with sets.
  if (data.opcode === 'get_pinned_reg') return false;
  if (info.isTerminator || info.isBranch || info.isCall || info.isReturn || info.canStore || info.otherSideEffects || info.canTrap) return true;
  if (info.canLoad) return data.flags === null || data.flags.trapCode !== null;
  return false;
}

/** Blocks reachable from the entry. */
export function reachableBlocks(fn: Function): Set<Block> {
  const seen = new Set<Block>();
  const entry = fn.layout.entryBlock();
  if (entry === undefined) return seen;
  const stack = [entry];
  seen.add(entry);
  while (stack.length > 0) {
    const b = stack.pop()!;
    for (const s of blockSuccessors(fn, b)) {
      if (!seen.has(s) && fn.layout.isBlockInserted(s)) {
        seen.add(s);
        stack.push(s);
      }
    }
  }
  return seen;
}

/**
 * Removes instructions without side effects whose results are all unused, repeatedly. With
 * `candidates`, only those instructions (and, transitively, the definitions they were the last
 * user of) are considered. Returns how many were removed.
 */
export function removeDeadInstructions(fn: Function, candidates?: Iterable<Inst>): number {
  const uses = valueUseCounts(fn);
  const work: Inst[] = [];
  if (candidates === undefined) {
    for (const block of fn.layout.blocks()) for (const inst of fn.layout.blockInsts(block)) work.push(inst);
  } else {
    work.push(...candidates);
  }
  let removed = 0;
  while (work.length > 0) {
    const inst = work.pop()!;
    if (!fn.layout.isInstInserted(inst) || hasSideEffects(fn, inst)) continue;
    const results = fn.dfg.instResults(inst);
    if (results.some((r) => (uses.get(r) ?? 0) > 0)) continue;
    for (const v of fn.dfg.instValues(inst)) {
      const r = fn.dfg.resolveAliases(v);
      uses.set(r, (uses.get(r) ?? 1) - 1);
      const def = fn.dfg.definingData(r);
      if (def !== undefined && def.kind === ValueKind.Result) work.push(def.owner);
    }
    fn.layout.removeInst(inst);
    removed++;
  }
  return removed;
}

/** The instruction's canonical text (`v7 = imul v6, v6`), for diagnostics. */
export function describeInst(fn: Function, inst: Inst): string {
  if (!fn.layout.isInstInserted(inst)) return `inst${inst}`;
  const marker = '\u0000mark\u0000';
  const text = print(fn, { annotateInst: (i) => (i === inst ? marker : undefined) });
  const line = text.split('\n').find((l) => l.includes(marker));
  if (line === undefined) return `inst${inst}`;
  return line.slice(0, line.indexOf(marker)).replace(/\s*;\s*$/, '').replace(/^@[0-9a-f]+\s+/, '').trim().replace(/\s+;.*$/, '');
}

/** `describeInst` plus the block it sits in. */
export function locateInst(fn: Function, inst: Inst): string {
  const block = fn.layout.instBlock(inst);
  return `\`${describeInst(fn, inst)}\`${block === undefined ? '' : ` in block${block}`}`;
}
