// Compact construction of fuel models for placement tests.
import { buildControlFlow } from '../../src/analysis/cfg.js';
import { estimateFrequencies, type Frequencies } from '../../src/analysis/frequency.js';
import { graphFromAdjacency } from '../../src/analysis/flow-graph.js';
import { buildLoopForest } from '../../src/analysis/loops.js';
import type { BlockEnd, Boundary, FuelBlock, FuelModel, Placement } from '../../src/passes/fuel/placement/model.js';

export interface BlockSpec {
  readonly succ?: readonly number[];
  /** One cost per segment; default [0]. */
  readonly costs?: readonly number[];
  readonly boundaries?: readonly Boundary[];
  readonly end?: BlockEnd;
  readonly dynamic?: readonly number[];
}

export function fuelModel(entry: number, blocks: ReadonlyArray<readonly [number, BlockSpec]>, observeTraps = false): FuelModel {
  const graph = graphFromAdjacency(entry, blocks.map(([id, spec]) => [id, spec.succ ?? []] as const));
  const table = new Map<number, FuelBlock>(
    blocks.map(([id, spec]) => {
      const costs = spec.costs ?? [0];
      const block: FuelBlock = {
        segments: costs.map((cost, i) => ({ cost, dynamic: spec.dynamic?.[i] ?? 0 })),
        boundaries: spec.boundaries ?? costs.slice(1).map(() => 'call' as const),
        end: spec.end ?? ((spec.succ ?? []).length > 0 ? 'branch' : 'return'),
      };
      return [id, block];
    }),
  );
  return {
    graph,
    observeTraps,
    block: (n) => {
      const b = table.get(n);
      if (b === undefined) throw new Error(`no block ${n}`);
      return b;
    },
  };
}

export function estimate(model: FuelModel, cold?: (n: number) => boolean): Frequencies {
  const cfg = buildControlFlow(model.graph);
  return estimateFrequencies(cfg, buildLoopForest(cfg), cold ? { cold } : {});
}

/** Non-zero increments as a readable record: "b3.0" for segment 0 of block 3, "e5" for edge 5. */
export function nonZero(placement: Placement): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [block, incs] of [...placement.segments].sort((a, b) => a[0] - b[0])) {
    incs.forEach((inc, i) => {
      if (inc !== 0) out[`b${block}.${i}`] = inc;
    });
  }
  placement.edges.forEach((inc, e) => {
    if (inc !== 0) out[`e${e}`] = inc;
  });
  return out;
}
