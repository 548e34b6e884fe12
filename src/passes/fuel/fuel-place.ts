// fuel-place: re-places the constant fuel increments of a function in pinned form (after
// fuel-pinned, usually after fuel-drop-checks) so that as few as possible run, keeping the
// counter exact at every observation point, every increment non-negative and every cycle's
// cost (see docs/passes.md, section fuel-place, and the solver in ./placement/).
import { z } from 'zod';
import { CFG_CHANGED, CHANGED, definePass, UNCHANGED, type PassResult } from '../pass.js';
import { loadProfile, placeFuel, profileOptionSchema } from './placement-clif/index.js';

export const fuelPlaceOptionsSchema = z
  .object({
    observeTraps: z.boolean().default(false).describe('traps are observation points too: the counter is exact at every trap'),
    splitEdgeCost: z.number().finite().nonnegative().default(1).describe('extra instructions an increment on a split edge costs (its jump)'),
    profile: profileOptionSchema.optional().describe('edge profile: a JSON file path or object {"<function>": {entryCount, edges: {"0->3": count}}}'),
    exchangeRounds: z.number().int().nonnegative().optional().describe('rounds of the solver exchange step (0 disables it)'),
    exchangeBudget: z.number().int().nonnegative().optional().describe('search work bound for the exchange step'),
    searchLimit: z.number().int().positive().optional().describe('search work bound for freeing one site'),
  })
  .strict();
export type FuelPlaceOptions = z.input<typeof fuelPlaceOptionsSchema>;

export const fuelPlacePass = definePass({
  name: 'fuel-place',
  description: 'Re-place constant fuel increments (pinned form) so the fewest run: exact at calls, returns and entry; loops keep their cost',
  options: fuelPlaceOptionsSchema,
  run(fn, ctx): PassResult {
    const o = ctx.options;
    const solver = {
      splitEdgeCost: o.splitEdgeCost,
      ...(o.exchangeRounds === undefined ? {} : { exchangeRounds: o.exchangeRounds }),
      ...(o.exchangeBudget === undefined ? {} : { exchangeBudget: o.exchangeBudget }),
      ...(o.searchLimit === undefined ? {} : { searchLimit: o.searchLimit }),
    };
    const result = placeFuel(fn, { observeTraps: o.observeTraps, solver, ...(o.profile === undefined ? {} : { profile: loadProfile(o.profile) }) }, ctx.analyses);
    if (result === null) return UNCHANGED;
    const s = result.stats;
    ctx.stat('fuel-place.static-before', s.staticBefore);
    ctx.stat('fuel-place.static-after', s.staticAfter);
    ctx.stat('fuel-place.dynamic-before', s.dynamicBefore);
    ctx.stat('fuel-place.dynamic-after', s.dynamicAfter);
    ctx.stat('fuel-place.split-edges', s.splitEdges);
    const a = result.applied;
    if (a.splitEdges > 0) return CFG_CHANGED;
    return a.removed + a.changed + a.inserted > 0 ? CHANGED : UNCHANGED;
  },
});
