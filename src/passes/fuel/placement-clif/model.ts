// The CLIF function as the placement solver's FuelModel (docs/analysis.md, "Adapting CLIF").
import type { FlowGraph } from '../../../analysis/flow-graph.js';
import type { Function } from '../../../ir/index.js';
import { functionFlowGraph } from '../../flow-graph.js';
import type { FuelBlock, FuelModel } from '../placement/index.js';
import { FuelPlaceError } from './errors.js';
import { scanPinned, type PinnedScan } from './scan.js';

export interface PinnedFuelModel {
  readonly model: FuelModel;
  readonly scan: PinnedScan;
}

/**
 * A segment costs more than 2^53 − 1, which the solver's numbers do not hold exactly: a bulk
 * operation on a 64-bit memory or table with a huge constant length (Wasmtime's cost, up to
 * i64::MAX). Such a charge exhausts any budget the runtime accepts at once, so there is nothing
 * to gain by moving it: fuel-place leaves the function as it is.
 */
export class SegmentTooLargeError extends FuelPlaceError {}

/** Scans `fn` (pinned form) and builds its FuelModel over `graph` (default: its flow graph). */
export function buildPinnedFuelModel(fn: Function, observeTraps: boolean, graph: FlowGraph = functionFlowGraph(fn)): PinnedFuelModel {
  const scan = scanPinned(fn, observeTraps, (b) => graph.successors(b).length > 0);
  const blocks = new Map<number, FuelBlock>();
  for (const [block, s] of scan.blocks) {
    blocks.set(block, {
      segments: s.segments.map((seg) => {
        if (seg.cost > BigInt(Number.MAX_SAFE_INTEGER)) {
          throw new SegmentTooLargeError(`block${block}: a segment charges ${seg.cost}, more than placement handles exactly`, seg.constants[0]?.add, block);
        }
        return seg.dynamics.length > 0 ? { cost: Number(seg.cost), dynamic: seg.dynamics.length } : { cost: Number(seg.cost) };
      }),
      boundaries: s.boundaries,
      end: s.end,
    });
  }
  const model: FuelModel = {
    graph,
    observeTraps,
    block(node) {
      const b = blocks.get(node);
      if (b === undefined) throw new FuelPlaceError(`block${node} is not in the function's layout`);
      return b;
    },
  };
  return { model, scan };
}
