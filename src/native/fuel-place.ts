// fuel-place in Rust (native/src/fuel_place): pinned-form CLIF in, each function placed and
// printed by Cranelift's writer out, with the milliseconds spent in the placement alone.
import { z } from 'zod';
import { addon } from './addon.js';
import { throughNative } from './native-errors.js';

export const nativeFuelPlaceOptionsSchema = z
  .object({
    observeTraps: z.boolean().optional(),
    splitEdgeCost: z.number().finite().nonnegative().optional(),
    exchangeRounds: z.number().int().nonnegative().max(0xffff_ffff).optional(),
    exchangeBudget: z.number().int().nonnegative().optional(),
    searchLimit: z.number().int().positive().optional(),
    /** Edge counts by function name, indexed by edge id (branch destinations in layout order). */
    profiles: z.record(z.string(), z.object({ entryCount: z.number().finite().positive(), edgeCounts: z.array(z.number().finite().nonnegative()) })).optional(),
  })
  .strict();
export type NativeFuelPlaceOptions = z.input<typeof nativeFuelPlaceOptionsSchema>;

const placedSchema = z.array(
  z.object({
    name: z.string(),
    text: z.string(),
    outcome: z.enum(['placed', 'no-fuel', 'too-large']),
    staticBefore: z.number().int().nonnegative(),
    staticAfter: z.number().int().nonnegative(),
    dynamicBefore: z.number(),
    dynamicAfter: z.number(),
    splitEdges: z.number().int().nonnegative(),
    placeMs: z.number().nonnegative(),
  }),
);
export type NativePlacedFunction = z.infer<typeof placedSchema>[number];

/** Places every function of `clifText`; throws NativeFuelPlaceError for a function it refuses. */
export function placeFuelNative(clifText: string, options: NativeFuelPlaceOptions = {}): NativePlacedFunction[] {
  const { profiles, ...rest } = nativeFuelPlaceOptionsSchema.parse(options);
  const list = profiles === undefined ? null : Object.entries(profiles).map(([name, p]) => ({ name, ...p }));
  return placedSchema.parse(throughNative(() => addon().fuelPlace(clifText, rest, list)));
}
