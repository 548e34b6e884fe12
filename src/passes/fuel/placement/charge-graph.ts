// Program points and the steps between them, for the reachable part of a fuel model. Both
// the solver and the checker read the model through this graph, so they agree on what a
// path between observation points is. Unreachable blocks never run and are left out.
import { buildControlFlow, type ControlFlow } from '../../../analysis/cfg.js';
import { validateFuelModel, type FuelModel, type Site } from './model.js';

export type Step =
  | { readonly kind: 'segment'; readonly block: number; readonly index: number; readonly tail: number; readonly head: number; readonly cost: number }
  | { readonly kind: 'edge'; readonly edge: number; readonly from: number; readonly to: number; readonly tail: number; readonly head: number; readonly cost: 0 }
  /** An unobserved boundary (a conditional trap when traps are not observed). */
  | { readonly kind: 'boundary'; readonly block: number; readonly index: number; readonly tail: number; readonly head: number; readonly cost: 0 };

export interface ChargeGraph {
  readonly cfg: ControlFlow;
  readonly pointCount: number;
  /** Human-readable name of each point, for counterexamples. */
  readonly labels: readonly string[];
  readonly steps: readonly Step[];
  /** Observation points where paths start (entry, after calls) and end (before calls, returns, observed traps). */
  readonly starts: ReadonlySet<number>;
  readonly ends: ReadonlySet<number>;
  /** Start point of each segment of each reachable block. */
  segmentStart(block: number, index: number): number;
  /** Point from which the block's out-edges leave. */
  blockExit(block: number): number;
}

export function stepSite(step: Step): Site | undefined {
  if (step.kind === 'segment') return { kind: 'segment', block: step.block, index: step.index };
  if (step.kind === 'edge') return { kind: 'edge', edge: step.edge };
  return undefined;
}

/** What a point is, kept as numbers; the label text is only built when someone reads `labels`. */
const PointKind = {
  SegmentStart: 0,
  SegmentEnd: 1,
  Before: 2,
  After: 3,
  Return: 4,
  Trap: 5,
  BeforeCallBranch: 6,
  AfterCallBranch: 7,
  Entry: 8,
} as const;
type PointKind = (typeof PointKind)[keyof typeof PointKind];

function pointLabel(kind: PointKind, block: number, index: number, boundary: string): string {
  switch (kind) {
    case PointKind.SegmentStart:
      return `block${block} segment ${index} start`;
    case PointKind.SegmentEnd:
      return `block${block} segment ${index} end`;
    case PointKind.Before:
      return `block${block} before ${boundary} ${index}`;
    case PointKind.After:
      return `block${block} after ${boundary} ${index}`;
    case PointKind.Return:
      return `block${block} return`;
    case PointKind.Trap:
      return `block${block} trap`;
    case PointKind.BeforeCallBranch:
      return `block${block} before call-branch`;
    case PointKind.AfterCallBranch:
      return `block${block} after call-branch`;
    case PointKind.Entry:
      return `function entry (block${block})`;
  }
}

/** Builds the graph; `cfg`, when the caller has it for `model.graph` already, is reused. */
export function buildChargeGraph(model: FuelModel, known?: ControlFlow): ChargeGraph {
  validateFuelModel(model);
  const cfg = known !== undefined && known.graph === model.graph ? known : buildControlFlow(model.graph);
  const kinds: PointKind[] = [];
  const blocks: number[] = [];
  const indices: number[] = [];
  const boundaryOf: string[] = [];
  const point = (kind: PointKind, block: number, index: number): number => {
    blocks.push(block);
    indices.push(index);
    boundaryOf.push('');
    return kinds.push(kind) - 1;
  };
  const relabel = (p: number, kind: PointKind, block: number, index: number, boundary = ''): void => {
    kinds[p] = kind;
    blocks[p] = block;
    indices[p] = index;
    boundaryOf[p] = boundary;
  };
  const steps: Step[] = [];
  const starts = new Set<number>();
  const ends = new Set<number>();
  const segIn = new Map<number, number[]>();
  const exits = new Map<number, number>();
  const reachable = cfg.nodes.filter((n) => cfg.isReachable(n));

  for (const b of reachable) {
    const block = model.block(b);
    const ins: number[] = [];
    let previousOut = -1;
    block.segments.forEach((segment, i) => {
      const pIn = point(PointKind.SegmentStart, b, i);
      const pOut = point(PointKind.SegmentEnd, b, i);
      ins.push(pIn);
      steps.push({ kind: 'segment', block: b, index: i, tail: pIn, head: pOut, cost: segment.cost });
      if (i > 0) {
        const boundary = block.boundaries[i - 1]!;
        if (boundary === 'call' || model.observeTraps) {
          ends.add(previousOut);
          starts.add(pIn);
          relabel(previousOut, PointKind.Before, b, i - 1, boundary);
          relabel(pIn, PointKind.After, b, i - 1, boundary);
        } else {
          steps.push({ kind: 'boundary', block: b, index: i - 1, tail: previousOut, head: pIn, cost: 0 });
        }
      }
      previousOut = pOut;
    });
    segIn.set(b, ins);
    const last = previousOut;
    switch (block.end) {
      case 'return':
        ends.add(last);
        relabel(last, PointKind.Return, b, 0);
        break;
      case 'trap':
        // An unconditional trap (wasm `unreachable`) is always observed: Wasmtime stores its
        // counter before it, so the fuel a trapped call reports is exact there.
        ends.add(last);
        relabel(last, PointKind.Trap, b, 0);
        break;
      case 'branch':
        exits.set(b, last);
        break;
      case 'call-branch': {
        ends.add(last);
        relabel(last, PointKind.BeforeCallBranch, b, 0);
        const after = point(PointKind.AfterCallBranch, b, 0);
        starts.add(after);
        exits.set(b, after);
        break;
      }
    }
  }
  const entryPoint = segIn.get(cfg.entry)![0]!;
  starts.add(entryPoint);
  relabel(entryPoint, PointKind.Entry, cfg.entry, 0);
  for (const b of reachable) {
    for (const e of cfg.outEdges(b)) {
      steps.push({ kind: 'edge', edge: e.id, from: e.from, to: e.to, tail: exits.get(b)!, head: segIn.get(e.to)![0]!, cost: 0 });
    }
  }
  let labels: string[] | undefined;
  return {
    cfg,
    pointCount: kinds.length,
    get labels(): readonly string[] {
      return (labels ??= kinds.map((k, p) => pointLabel(k, blocks[p]!, indices[p]!, boundaryOf[p]!)));
    },
    steps,
    starts,
    ends,
    segmentStart: (b, i) => segIn.get(b)?.[i] ?? -1,
    blockExit: (b) => exits.get(b) ?? -1,
  };
}
