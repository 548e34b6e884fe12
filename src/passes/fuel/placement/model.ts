// The abstract fuel model that increment placement works on.
//
// A function is its CFG of blocks. Each block is a sequence of segments separated by
// boundaries; a segment is straight-line code with a constant cost >= 0: what the original
// instrumentation charges in it (Wasmtime: the sum of the block-local increments). Dynamic
// costs (bulk-memory charges computed at run time) are counted per segment but never move.
//
// Observation points, where the counter must be exact:
//   * the function entry (start of the entry block's first segment);
//   * a `call` boundary: the end of the segment before it and the start of the one after it
//     (nothing is charged by this function in between);
//   * a `trap` block end (an unconditional trap: wasm `unreachable`, where Wasmtime stores its
//     counter), always;
//   * a `trap` boundary (conditional trap), only when `observeTraps`;
//   * a `return` block end (also used for tail calls);
//   * a `call-branch` block end (try_call): before the call, and after it on every out-edge.
// A `branch` end (jump, brif, br_table) is not an observation point.
import { z } from 'zod';
import type { FlowGraph } from '../../../analysis/flow-graph.js';

export type Boundary = 'call' | 'trap';
export type BlockEnd = 'return' | 'trap' | 'branch' | 'call-branch';

export interface FuelSegment {
  /** Constant fuel charged in the segment by the original instrumentation. */
  readonly cost: number;
  /** Number of dynamic (run-time valued) charges in the segment; they stay in place. */
  readonly dynamic?: number;
}

export interface FuelBlock {
  readonly segments: readonly FuelSegment[];
  /** What separates segment i from segment i+1; length = segments.length - 1. */
  readonly boundaries: readonly Boundary[];
  /** `return`/`trap` iff the block has no successors; `branch`/`call-branch` otherwise. */
  readonly end: BlockEnd;
}

export interface FuelModel {
  readonly graph: FlowGraph;
  block(node: number): FuelBlock;
  /** Traps are observation points too (conditional trap boundaries and trap block ends). */
  readonly observeTraps: boolean;
}

/** Where an increment may sit: at the start of a segment, or on a CFG edge (by edge id). */
export type Site = { readonly kind: 'segment'; readonly block: number; readonly index: number } | { readonly kind: 'edge'; readonly edge: number };

/** New constant increments: per block, one per segment (charged at its start); per edge id. */
export interface Placement {
  readonly segments: ReadonlyMap<number, readonly number[]>;
  readonly edges: readonly number[];
}

export class FuelModelError extends Error {
  override readonly name = 'FuelModelError';
}

const segmentSchema = z.object({
  cost: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  dynamic: z.number().int().nonnegative().optional(),
});
const blockSchema = z.object({
  segments: z.array(segmentSchema).min(1),
  boundaries: z.array(z.enum(['call', 'trap'])),
  end: z.enum(['return', 'trap', 'branch', 'call-branch']),
});

/** Throws FuelModelError naming the block when the model is malformed. */
export function validateFuelModel(model: FuelModel): void {
  const { graph } = model;
  for (const node of graph.nodes) {
    const parsed = blockSchema.safeParse(model.block(node));
    if (!parsed.success) throw new FuelModelError(`block ${node}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const block = parsed.data;
    if (block.boundaries.length !== block.segments.length - 1) {
      throw new FuelModelError(`block ${node}: ${block.segments.length} segments need ${block.segments.length - 1} boundaries, got ${block.boundaries.length}`);
    }
    const hasSuccessors = graph.successors(node).length > 0;
    const terminal = block.end === 'return' || block.end === 'trap';
    if (terminal === hasSuccessors) {
      throw new FuelModelError(`block ${node}: end '${block.end}' ${hasSuccessors ? 'cannot have' : 'needs'} successors`);
    }
    if (graph.successors(node).includes(graph.entry)) {
      throw new FuelModelError(`block ${node} branches to the entry block ${graph.entry}; the entry must have no predecessors (as in CLIF)`);
    }
  }
}
