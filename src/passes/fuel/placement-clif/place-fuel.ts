// fuel-place on one function, outside or inside a pass manager: scan the pinned form, build the
// FuelModel, pick frequencies (static estimate, or the caller's edge profile), solve, write back.
import { AnalysisCache } from '../../../analysis/cache.js';
import { estimateFrequencies } from '../../../analysis/frequency.js';
import { formatFunctionName, type Function } from '../../../ir/index.js';
import { functionFlowGraph } from '../../flow-graph.js';
import { fuelCharges } from '../web/index.js';
import { placeIncrements, type FrequencySource, type FuelModel, type Placement, type PlacementOptions } from '../placement/index.js';
import { applyPlacement, type AppliedPlacement } from './apply.js';
import { FuelPlaceError } from './errors.js';
import { buildPinnedFuelModel, SegmentTooLargeError } from './model.js';
import { edgeProfile, profileFor, type EdgeProfileFile } from './profile.js';
import { placeStats, type PlaceStats } from './stats.js';

export interface PlaceFuelOptions {
  /** Traps are observation points too (the counter exact at every trap). */
  readonly observeTraps?: boolean;
  /** Edge profiles by function name; functions without one use the static estimate. */
  readonly profile?: EdgeProfileFile;
  /** Solver options: splitEdgeCost, exchangeRounds, exchangeBudget, searchLimit. */
  readonly solver?: PlacementOptions;
}

export interface PlaceFuelResult {
  readonly model: FuelModel;
  readonly placement: Placement;
  readonly frequencies: FrequencySource;
  readonly frequencySource: 'estimate' | 'profile';
  readonly stats: PlaceStats;
  readonly applied: AppliedPlacement;
}

/**
 * Re-places the constant increments of `fn` (pinned form) in place. Returns null when the
 * function has no fuel at all, or a charge too large to place exactly (left as it is). Throws FuelPlaceError when the counter is still in memory (run
 * fuel-pinned first) or the shape is not one it can re-place safely.
 */
export function placeFuel(fn: Function, options: PlaceFuelOptions = {}, analyses?: AnalysisCache): PlaceFuelResult | null {
  const cache = analyses ?? new AnalysisCache(() => functionFlowGraph(fn), () => ({ cold: (b: number) => fn.layout.isCold(b) }));
  const name = formatFunctionName(fn.name);
  const cfg = cache.cfg();
  let built: ReturnType<typeof buildPinnedFuelModel>;
  try {
    built = buildPinnedFuelModel(fn, options.observeTraps ?? false, cfg.graph);
  } catch (error) {
    // A saturated charge (fuzz seeds 2075, 3137): the increments stay where they are, exact.
    if (error instanceof SegmentTooLargeError) return null;
    throw error;
  }
  const { model, scan } = built;
  if (!scan.usesPinnedRegister) {
    const charges = fuelCharges(fn);
    if (charges.form === 'memory') {
      throw new FuelPlaceError(
        `${name} keeps its fuel counter in memory (${charges.location ?? 'counter cell'}); fuel-place works on the pinned-register form: run fuel-pinned first (e.g. --passes fuel-pinned,fuel-drop-checks,fuel-place)`,
      );
    }
    return null;
  }
  const profile = options.profile === undefined ? undefined : profileFor(options.profile, name);
  const frequencies = profile === undefined ? cache.frequencies() : estimateFrequencies(cfg, cache.loops(), { profile: edgeProfile(profile, cfg, name) });
  const placement = placeIncrements(model, frequencies, options.solver ?? {}, cfg);
  const stats = placeStats(cfg, scan, model, placement, frequencies);
  const applied = applyPlacement(fn, cfg, scan, placement);
  return { model, placement, frequencies, frequencySource: profile === undefined ? 'estimate' : 'profile', stats, applied };
}
