// fuel-counted-loops: after fuel-place, charges counted loops in bulk. A loop whose trip count n
// is known on entry (induction variable stepped by ±2^t, exit test against a loop invariant, one
// exit, on the latch or at the top of the loop, no call) and whose every iteration charges the same c is versioned: when the counter can
// pay n × c outright, the preheader charges it and runs a copy of the loop without increments;
// otherwise the original runs. Only loops where the function spends its time are versioned (see
// hotLoops). check-fuel proves the result (docs/passes.md, fuel-counted-loops).
import { z } from 'zod';
import { CFG_CHANGED, definePass, UNCHANGED, type PassContext, type PassResult } from '../pass.js';
import { findCountedLoops } from './counted/find.js';
import { DEFAULT_MAX_HOT_RATIO, hotLoops, profileBlockCounts } from './counted/hot-loops.js';
import { versionLoop } from './counted/version.js';
import { loadProfile, profileFor, profileOptionSchema } from './placement-clif/index.js';
import { formatFunctionName, type Function } from '../../ir/index.js';
import { readsPinnedRegister } from './web/shapes.js';

/**
 * Loops versioned in one function at most. Each is found again on the function as the one before
 * left it, so without a limit the pass grew with the square of the function's size (docs/results.md,
 * "Shapes a guest controls"). Real programs version at most 12 in one function (zstd).
 */
export const MAX_VERSIONED_LOOPS = 64;

export const fuelCountedLoopsOptionsSchema = z
  .object({
    observeTraps: z.boolean().default(false).describe('traps are observation points: leave loops that may trap alone (the prepaid copy would trap with the counter ahead)'),
    maxHotRatio: z
      .number()
      .min(1)
      .default(DEFAULT_MAX_HOT_RATIO)
      .describe('version a loop only when no block of its function is estimated to run more than this many times as often as its header (the copies cost registers in the whole function, and pay only where it spends its time)'),
    profile: profileOptionSchema
      .optional()
      .describe("edge profile (fuel-place's): with one, the rule above reads measured counts instead of the estimate, so a loop that never ran gets no copy"),
  })
  .strict();
export type FuelCountedLoopsOptions = z.input<typeof fuelCountedLoopsOptionsSchema>;
type FuelCountedLoopsOptionsParsed = z.output<typeof fuelCountedLoopsOptionsSchema>;

/** How often each block runs: measured when the profile has the function, else the estimate (as fuel-place decides). */
function blockFrequency(fn: Function, ctx: PassContext<FuelCountedLoopsOptionsParsed>): (b: number) => number {
  const measured = ctx.options.profile === undefined ? undefined : profileFor(loadProfile(ctx.options.profile), formatFunctionName(fn.name));
  if (measured !== undefined) return profileBlockCounts(fn, measured);
  const estimate = ctx.analyses.frequencies();
  return (b) => estimate.block(b);
}

export const fuelCountedLoopsPass = definePass({
  name: 'fuel-counted-loops',
  description: 'Charge counted loops in bulk (pinned form, after fuel-place): a guarded prepaid copy of the loop without increments',
  options: fuelCountedLoopsOptionsSchema,
  run(fn, ctx): PassResult {
    if (!readsPinnedRegister(fn)) return UNCHANGED;
    const first = findCountedLoops(fn, ctx.analyses, ctx.options.observeTraps);
    // The frequencies only when there is a loop to weigh: the estimate costs a pass of its own.
    const hot = first.loops.length === 0 ? new Set<number>() : hotLoops(fn, blockFrequency(fn, ctx), first.loops, ctx.options.maxHotRatio);
    const cool = first.loops.length - hot.size;
    if (cool > 0) first.rejected.set('not-hottest', cool);
    for (const [why, count] of first.rejected) ctx.stat(`fuel-counted-loops.rejected.${why}`, count);
    // One loop at a time: versioning splits edges and renames values other loops may refer to,
    // so each loop is found again on the current function. Originals stay counted loops: skip
    // them. Which loops are hot is decided once, on the function as it came in.
    const done = new Set<number>();
    const waiting = (l: { header: number }): boolean => hot.has(l.header) && !done.has(l.header);
    let top = 0;
    for (let found = first; ; found = findCountedLoops(fn, ctx.analyses, ctx.options.observeTraps)) {
      const loop = found.loops.find(waiting);
      if (loop === undefined) break;
      if (done.size === MAX_VERSIONED_LOOPS) {
        ctx.stat('fuel-counted-loops.rejected.over-limit', found.loops.filter(waiting).length);
        break;
      }
      versionLoop(fn, loop);
      done.add(loop.header);
      if (loop.exitAt === 'top') top++;
      ctx.invalidate();
    }
    if (done.size === 0) return UNCHANGED;
    ctx.stat('fuel-counted-loops.versioned', done.size);
    if (top > 0) ctx.stat('fuel-counted-loops.versioned-top-exit', top);
    return CFG_CHANGED;
  },
});
