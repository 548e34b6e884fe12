// Per-function placement figures: how many increments exist (static) and how many run
// (dynamic: expected executions per call under the given frequencies).
import { buildControlFlow, type ControlFlow } from '../../../analysis/cfg.js';
import type { FuelModel, Placement } from './model.js';
import { originalPlacement, type FrequencySource } from './place.js';

export interface PlacementCounts {
  /** Non-zero constant increments in the code. */
  readonly staticIncrements: number;
  /** Expected constant increments executed per call. */
  readonly dynamicIncrements: number;
  /** Edges whose increment needs a new block. */
  readonly splitEdges: number;
  /** Expected executions per call of the jumps those new blocks add. */
  readonly dynamicSplitJumps: number;
}

export interface PlacementStats {
  readonly before: PlacementCounts;
  readonly after: PlacementCounts;
  /** Dynamic charges (unchanged by placement). */
  readonly dynamicCharges: number;
}

/** `known`: the caller's ControlFlow of `model.graph`, if it has one. */
export function countIncrements(model: FuelModel, placement: Placement, frequencies: FrequencySource, known?: ControlFlow): PlacementCounts {
  const cfg = known !== undefined && known.graph === model.graph ? known : buildControlFlow(model.graph);
  let staticIncrements = 0;
  let dynamicIncrements = 0;
  let splitEdges = 0;
  let dynamicSplitJumps = 0;
  for (const n of cfg.nodes) {
    for (const inc of placement.segments.get(n) ?? []) {
      if (inc === 0) continue;
      staticIncrements++;
      if (cfg.isReachable(n)) dynamicIncrements += frequencies.block(n);
    }
  }
  for (const e of cfg.edges) {
    if ((placement.edges[e.id] ?? 0) === 0) continue;
    staticIncrements++;
    splitEdges++;
    if (cfg.isReachable(e.from)) {
      dynamicIncrements += frequencies.edge(e.id);
      dynamicSplitJumps += frequencies.edge(e.id);
    }
  }
  return { staticIncrements, dynamicIncrements, splitEdges, dynamicSplitJumps };
}

export function placementStats(model: FuelModel, placement: Placement, frequencies: FrequencySource): PlacementStats {
  let dynamicCharges = 0;
  for (const n of model.graph.nodes) for (const s of model.block(n).segments) dynamicCharges += s.dynamic ?? 0;
  return {
    before: countIncrements(model, originalPlacement(model), frequencies),
    after: countIncrements(model, placement, frequencies),
    dynamicCharges,
  };
}
