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

const BOUNDARIES: ReadonlySet<unknown> = new Set(['call', 'trap']);
const ENDS: ReadonlySet<unknown> = new Set(['return', 'trap', 'branch', 'call-branch']);

function isCount(v: unknown, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

/** Exactly what blockSchema accepts (objects, extra keys allowed), without building a result. */
function wellFormedBlock(b: unknown): b is FuelBlock {
  if (typeof b !== 'object' || b === null) return false;
  const { segments, boundaries, end } = b as Record<string, unknown>;
  if (!Array.isArray(segments) || segments.length === 0 || !Array.isArray(boundaries) || !ENDS.has(end)) return false;
  for (const seg of segments as unknown[]) {
    if (typeof seg !== 'object' || seg === null) return false;
    const { cost, dynamic } = seg as Record<string, unknown>;
    if (!isCount(cost, Number.MAX_SAFE_INTEGER) || (dynamic !== undefined && !isCount(dynamic, Number.MAX_SAFE_INTEGER))) return false;
  }
  for (const boundary of boundaries as unknown[]) if (!BOUNDARIES.has(boundary)) return false;
  return true;
}

/** Throws FuelModelError naming the block when the model is malformed. */
export function validateFuelModel(model: FuelModel): void {
  const { graph } = model;
  for (const node of graph.nodes) {
    const raw = model.block(node);
    // The common case checked by hand (zod per block was a tenth of placement's time); only a
    // block that fails it goes through the schema, which names what is wrong.
    const parsed = wellFormedBlock(raw) ? { success: true as const, data: raw } : blockSchema.safeParse(raw);
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
