// The figures fuel-place reports per function: constant increments in the code and expected
// executions of them per call, before and after placement (reachable code only).
import type { ControlFlow } from '../../../analysis/cfg.js';
import type { FuelModel, FrequencySource, Placement } from '../placement/index.js';
import { countIncrements } from '../placement/index.js';
import type { PinnedScan } from './scan.js';

export interface PlaceStats {
  readonly staticBefore: number;
  readonly staticAfter: number;
  readonly dynamicBefore: number;
  readonly dynamicAfter: number;
  /** New blocks on edges, and how often their jumps run per call. */
  readonly splitEdges: number;
  readonly splitJumps: number;
  /** Run-time-valued increments (left in place). */
  readonly dynamicCharges: number;
}

/** Before: the increments as written (several in one segment count separately). After: the placement. */
export function placeStats(cfg: ControlFlow, scan: PinnedScan, model: FuelModel, placement: Placement, freq: FrequencySource): PlaceStats {
  let staticBefore = 0;
  let dynamicBefore = 0;
  let dynamicCharges = 0;
  for (const [block, s] of scan.blocks) {
    if (!cfg.isReachable(block)) continue;
    for (const seg of s.segments) {
      const n = seg.constants.filter((c) => c.amount !== 0n).length;
      staticBefore += n;
      dynamicBefore += n * freq.block(block);
      dynamicCharges += seg.dynamics.length;
    }
  }
  const after = countIncrements(model, placement, freq, cfg);
  return {
    staticBefore,
    staticAfter: after.staticIncrements,
    dynamicBefore,
    dynamicAfter: after.dynamicIncrements,
    splitEdges: after.splitEdges,
    splitJumps: after.dynamicSplitJumps,
    dynamicCharges,
  };
}
