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

export function buildChargeGraph(model: FuelModel): ChargeGraph {
  validateFuelModel(model);
  const cfg = buildControlFlow(model.graph);
  const labels: string[] = [];
  const point = (label: string): number => labels.push(label) - 1;
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
      const pIn = point(`block${b} segment ${i} start`);
      const pOut = point(`block${b} segment ${i} end`);
      ins.push(pIn);
      steps.push({ kind: 'segment', block: b, index: i, tail: pIn, head: pOut, cost: segment.cost });
      if (i > 0) {
        const boundary = block.boundaries[i - 1]!;
        if (boundary === 'call' || model.observeTraps) {
          ends.add(previousOut);
          starts.add(pIn);
          labels[previousOut] = `block${b} before ${boundary} ${i - 1}`;
          labels[pIn] = `block${b} after ${boundary} ${i - 1}`;
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
        labels[last] = `block${b} return`;
        break;
      case 'trap':
        // An unconditional trap (wasm `unreachable`) is always observed: Wasmtime stores its
        // counter before it, so the fuel a trapped call reports is exact there.
        ends.add(last);
        labels[last] = `block${b} trap`;
        break;
      case 'branch':
        exits.set(b, last);
        break;
      case 'call-branch': {
        ends.add(last);
        labels[last] = `block${b} before call-branch`;
        const after = point(`block${b} after call-branch`);
        starts.add(after);
        exits.set(b, after);
        break;
      }
    }
  }
  starts.add(segIn.get(cfg.entry)![0]!);
  labels[segIn.get(cfg.entry)![0]!] = `function entry (block${cfg.entry})`;
  for (const b of reachable) {
    for (const e of cfg.outEdges(b)) {
      steps.push({ kind: 'edge', edge: e.id, from: e.from, to: e.to, tail: exits.get(b)!, head: segIn.get(e.to)![0]!, cost: 0 });
    }
  }
  return {
    cfg,
    pointCount: labels.length,
    labels,
    steps,
    starts,
    ends,
    segmentStart: (b, i) => segIn.get(b)?.[i] ?? -1,
    blockExit: (b) => exits.get(b) ?? -1,
  };
}
