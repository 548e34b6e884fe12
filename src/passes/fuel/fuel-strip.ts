// fuel-strip: removes the whole fuel web — checks and their out-of-gas paths, increments, the
// counter's loads, stores and block parameters, and the flushes around calls — leaving the
// uninstrumented function (the `none` baseline). It reuses the recognizer through the other
// fuel passes: move the counter into the pinned register (which turns the web into
// get/iadd/set chains plus flushes), drop the checks, then delete every pinned-register write and
// flush and let dead-code removal take the increments.
import { z } from 'zod';
import { ValueKind, type Function, type Inst } from '../../ir/index.js';
import { CFG_CHANGED, CHANGED, definePass, UNCHANGED, type PassResult } from '../pass.js';
import { removeDeadInstructions } from '../utility/ir-utils.js';
import { calleeOptionsShape } from './web/callees.js';
import { fuelLocationOptionSchema, type FuelLocationOption } from './web/presets.js';
import { dropFuelChecks } from './fuel-drop-checks.js';
import { rewriteToPinned } from './fuel-pinned.js';
import type { CalleeOptions } from './web/callees.js';
import { isCounterFlush } from './web/shapes.js';

export const fuelStripOptionsSchema = z
  .object({
    location: fuelLocationOptionSchema,
    ...calleeOptionsShape,
  })
  .strict();

export interface StrippedFuel {
  readonly checks: number;
  /** Pinned-register writes and counter flushes removed. */
  readonly removed: number;
  readonly cfgChanged: boolean;
}

/** Strips all fuel accounting from `fn`; null when it has none. */
export function stripFuel(fn: Function, options: { location?: FuelLocationOption; callees?: CalleeOptions } = {}): StrippedFuel | null {
  // Pinned first: the recognizer anchors on the memory form's checks and stores, which a loop
  // with no exit has only in its checks.
  const pinned = rewriteToPinned(fn, options);
  const dropped = dropFuelChecks(fn, options);
  const doomed: Inst[] = [];
  const candidates: Inst[] = [];
  for (const b of fn.layout.blocks()) {
    for (const i of fn.layout.blockInsts(b)) {
      const data = fn.dfg.insts[i]!;
      if (data.opcode !== 'set_pinned_reg' && !isCounterFlush(fn, i)) continue;
      doomed.push(i);
      for (const v of fn.dfg.instValues(i)) {
        const def = fn.dfg.definingData(v);
        if (def !== undefined && def.kind === ValueKind.Result) candidates.push(def.owner);
      }
    }
  }
  for (const i of doomed) fn.layout.removeInst(i);
  removeDeadInstructions(fn, candidates);
  if (dropped === null && pinned === null && doomed.length === 0) return null;
  return {
    checks: dropped?.checks ?? 0,
    removed: doomed.length,
    cfgChanged: dropped !== null || (pinned?.removedUnreachableBlocks ?? 0) > 0,
  };
}

export const fuelStripPass = definePass({
  name: 'fuel-strip',
  description: 'Remove all fuel metering (checks, increments, counter loads/stores) for an unmetered baseline',
  options: fuelStripOptionsSchema,
  run(fn, ctx): PassResult {
    const o = ctx.options;
    const result = stripFuel(fn, { location: o.location, callees: { nonPinned: o.nonPinned, indirect: o.indirect } });
    if (result === null) return UNCHANGED;
    ctx.stat('fuel-strip.removed', result.removed);
    return result.cfgChanged ? CFG_CHANGED : CHANGED;
  },
});
