// fuel-drop-checks: removes every fuel check (compare of the counter with zero and the branch on
// it) together with its out-of-gas path; the branch becomes a jump to the continuation. Then the
// builtin's function reference and signature go when nothing uses them. Works on the pinned
// form (counter read by get_pinned_reg) and on the memory form (the web is recognized first).
import { z } from 'zod';
import { buildInst, removeBlock, ValueKind, type Block, type FuncRef, type Function, type Inst, type SigRef } from '../../ir/index.js';
import { CFG_CHANGED, definePass, UNCHANGED, type PassResult } from '../pass.js';
import { removeUnusedDeclarations } from '../utility/declarations.js';
import { removeDeadInstructions } from '../utility/ir-utils.js';
import { removeUnreachableBlocks } from '../utility/remove-unreachable.js';
import { calleeOptionsShape, type CalleeOptions } from './web/callees.js';
import { findPinnedChecks, type FuelCheck } from './web/checks.js';
import { findFuelWeb } from './web/find.js';
import { fuelLocationOptionSchema, type FuelLocationOption } from './web/presets.js';
import { readsPinnedRegister } from './web/shapes.js';

export const fuelDropChecksOptionsSchema = z
  .object({
    location: fuelLocationOptionSchema,
    ...calleeOptionsShape,
  })
  .strict();

export interface DroppedChecks {
  readonly form: 'pinned' | 'memory';
  readonly checks: number;
  readonly removedBlocks: number;
  readonly removedFuncRefs: number;
  readonly removedSignatures: number;
}

/** Turns the check's branch into a jump to the continuation. */
function rewriteBranch(fn: Function, check: FuelCheck): void {
  const data = fn.dfg.insts[check.branch]!;
  if (check.shape === 'to-out-of-gas') {
    fn.layout.removeInst(check.branch);
    return;
  }
  const dest = data.destinations!.find((d) => d.block === check.continuation)!;
  const jump = buildInst(fn, 'jump', { destinations: [{ block: dest.block, args: dest.args.slice() }] });
  fn.layout.insertInstBefore(jump, check.branch);
  if (check.shape === 'to-continuation') fn.layout.removeInst(fn.layout.nextInst(check.branch)!);
  fn.layout.removeInst(check.branch);
}

/** Removes every fuel check and out-of-gas path of `fn`; null when it has none. */
export function dropFuelChecks(fn: Function, options: { location?: FuelLocationOption; callees?: CalleeOptions } = {}): DroppedChecks | null {
  let form: DroppedChecks['form'];
  let checks: readonly FuelCheck[];
  if (readsPinnedRegister(fn)) {
    form = 'pinned';
    checks = findPinnedChecks(fn);
  } else {
    form = 'memory';
    checks = findFuelWeb(fn, options)?.checks ?? [];
  }
  if (checks.length === 0) return null;
  // The recognizers ignore unreachable code; drop it so no branch into a removed path remains.
  const unreachable = removeUnreachableBlocks(fn).length;
  const funcs = new Set<FuncRef>();
  const sigs = new Set<SigRef>();
  // Definitions the removed code used (the compare, the context pointer of the flush, ...) may die with it.
  const candidates: Inst[] = [];
  const removed = new Set<Block>();
  for (const check of checks) {
    rewriteBranch(fn, check);
    candidates.push(check.compare);
    for (const b of check.path) {
      for (const i of fn.layout.blockInsts(b)) {
        const data = fn.dfg.insts[i]!;
        for (const v of fn.dfg.instValues(i)) {
          const def = fn.dfg.definingData(v);
          if (def !== undefined && def.kind === ValueKind.Result) candidates.push(def.owner);
        }
        if (data.funcRef >= 0) funcs.add(data.funcRef);
        if (data.sigRef >= 0) sigs.add(data.sigRef);
      }
      removed.add(b);
    }
  }
  for (const b of removed) removeBlock(fn, b);
  removeDeadInstructions(fn, candidates);
  const decls = removeUnusedDeclarations(fn, funcs, sigs);
  return { form, checks: checks.length, removedBlocks: removed.size + unreachable, removedFuncRefs: decls.funcs, removedSignatures: decls.sigs };
}

export const fuelDropChecksPass = definePass({
  name: 'fuel-drop-checks',
  description: 'Remove fuel checks and their out-of-gas paths (slacked metering checks asynchronously)',
  options: fuelDropChecksOptionsSchema,
  run(fn, ctx): PassResult {
    const o = ctx.options;
    const result = dropFuelChecks(fn, { location: o.location, callees: { nonPinned: o.nonPinned, indirect: o.indirect } });
    if (result === null) return UNCHANGED;
    ctx.stat('fuel-drop-checks.checks', result.checks);
    return CFG_CHANGED;
  },
});
