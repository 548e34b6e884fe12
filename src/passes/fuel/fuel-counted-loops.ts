// fuel-counted-loops: after fuel-place, charges counted loops in bulk. A loop whose trip count n
// is known on entry (induction variable stepped by ±2^t, exit test against a loop invariant, one
// exit, on the latch or at the top of the loop, no call) and whose every iteration charges the same c is versioned: when the counter can
// pay n × c outright, the preheader charges it and runs a copy of the loop without increments;
// otherwise the original runs. Only loops where the function spends its time are versioned (see
// hotLoops). check-fuel proves the result (docs/passes.md, fuel-counted-loops).
import { z } from 'zod';
import { CFG_CHANGED, definePass, UNCHANGED, type PassResult } from '../pass.js';
import { findCountedLoops } from './counted/find.js';
import { DEFAULT_MAX_HOT_RATIO, hotLoops } from './counted/hot-loops.js';
import { versionLoop } from './counted/version.js';
import { readsPinnedRegister } from './web/shapes.js';

export const fuelCountedLoopsOptionsSchema = z
  .object({
    observeTraps: z.boolean().default(false).describe('traps are observation points: leave loops that may trap alone (the prepaid copy would trap with the counter ahead)'),
    maxHotRatio: z
      .number()
      .min(1)
      .default(DEFAULT_MAX_HOT_RATIO)
      .describe('version a loop only when no block of its function is estimated to run more than this many times as often as its header (the copies cost registers in the whole function, and pay only where it spends its time)'),
  })
  .strict();
export type FuelCountedLoopsOptions = z.input<typeof fuelCountedLoopsOptionsSchema>;

export const fuelCountedLoopsPass = definePass({
  name: 'fuel-counted-loops',
  description: 'Charge counted loops in bulk (pinned form, after fuel-place): a guarded prepaid copy of the loop without increments',
  options: fuelCountedLoopsOptionsSchema,
  run(fn, ctx): PassResult {
    if (!readsPinnedRegister(fn)) return UNCHANGED;
    const first = findCountedLoops(fn, ctx.analyses, ctx.options.observeTraps);
    const hot = hotLoops(fn, ctx.analyses.frequencies(), first.loops, ctx.options.maxHotRatio);
    const cool = first.loops.length - hot.size;
    if (cool > 0) first.rejected.set('not-hottest', cool);
    for (const [why, count] of first.rejected) ctx.stat(`fuel-counted-loops.rejected.${why}`, count);
    // One loop at a time: versioning splits edges and renames values other loops may refer to,
    // so each loop is found again on the current function. Originals stay counted loops: skip
    // them. Which loops are hot is decided once, on the function as it came in.
    const done = new Set<number>();
    let top = 0;
    for (let found = first; ; found = findCountedLoops(fn, ctx.analyses, ctx.options.observeTraps)) {
      const loop = found.loops.find((l) => hot.has(l.header) && !done.has(l.header));
      if (loop === undefined) break;
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
