// checkFuel(before, after): proves that two versions of a function charge the same fuel on every
// path between observation points (entry, before and after each call, returns; traps when asked)
// and that every increment of `after` is non-negative, or returns a counterexample. See
// docs/check-fuel.md for the method.
import type { Function } from '../../../ir/index.js';
import { detectCounterLocation, FuelView, FunctionScan, type CounterLocation } from './fuel-view.js';
import { currentDialect } from './legacy.js';
import { findMismatch } from './potentials.js';
import { ProductWalk, type ProductGraph, type ProductPoint } from './product.js';
import {
  checkFuelOptionsSchema,
  FuelCheckDiagnostic,
  NegativeCounterUpdate,
  type CheckFuelOptions,
  type FuelCheckResult,
  type FuelSideStats,
  type NegativeIncrementCounterexample,
  type PathCounterexample,
} from './types.js';
import { ClassTable, SideValues } from './value-classes.js';
import { findVersionedLoops, resolveVersions } from './versioned-loops.js';

export function checkFuel(before: Function, after: Function, options: CheckFuelOptions = {}): FuelCheckResult {
  const parsed = checkFuelOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new TypeError(`checkFuel options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`);
  }
  const opts = parsed.data;
  try {
    const fb = currentDialect(before, 'before');
    const fa = currentDialect(after, 'after');
    // Counted loops charged in bulk: each version is proven on its own (versioned-loops.ts).
    const versioned = findVersionedLoops(fa, opts.observeTraps);
    if (versioned.length === 0) return prove(fb, fa, opts);
    const original = prove(fb, resolveVersions(fa, versioned, 'original'), opts);
    if (!original.ok) return original;
    return prove(fb, resolveVersions(fa, versioned, 'copy'), opts);
  } catch (error) {
    if (error instanceof FuelCheckDiagnostic) return { ok: false, reason: 'diagnostic', diagnostic: error.diagnostic };
    if (error instanceof NegativeCounterUpdate) return { ok: false, reason: 'counterexample', counterexample: error.counterexample };
    throw error;
  }
}

function prove(fb: Function, fa: Function, opts: { observeTraps: boolean; maxProductPoints?: number | undefined }): FuelCheckResult {
  const sb = new FunctionScan(fb);
  const sa = new FunctionScan(fa);
  const location = counterLocation(sb, sa);
  const vb = new FuelView(fb, 'before', location, sb);
  const va = new FuelView(fa, 'after', location, sa);
  const negative = findNegativeIncrement(va);
  if (negative !== undefined) return { ok: false, reason: 'counterexample', counterexample: negative };
  const table = new ClassTable();
  const sizes = sb.order.length + sa.order.length;
  const walk = new ProductWalk(new SideValues(vb, table), new SideValues(va, table), table, opts.observeTraps, opts.maxProductPoints ?? 4 * sizes + 64);
  const raw = walk.run();
  const graph: ProductGraph = { points: raw.points, edges: raw.edges.map((e, id) => ({ ...e, id })) };
  const mismatch = findMismatch(graph);
  if (mismatch !== undefined) {
    return { ok: false, reason: 'counterexample', counterexample: describeWalk(graph, mismatch.kind, mismatch.walk, vb) };
  }
  return {
    ok: true,
    stats: {
      productPoints: graph.points.length,
      productEdges: graph.edges.length,
      observationPoints: graph.points.filter((p) => p.end || p.start).length,
      before: sideStats(vb),
      after: sideStats(va),
    },
  };
}

function counterLocation(fb: FunctionScan, fa: FunctionScan): CounterLocation | null {
  const lb = detectCounterLocation(fb);
  const la = detectCounterLocation(fa);
  if (lb !== null && la !== null && (lb.address !== la.address || lb.offset !== la.offset)) {
    throw new FuelCheckDiagnostic({ message: `the counter lives in different places: ${lb.address}+${lb.offset} before, ${la.address}+${la.offset} after` });
  }
  return lb ?? la;
}

function findNegativeIncrement(view: FuelView): NegativeIncrementCounterexample | undefined {
  for (const [inst, inc] of [...view.increments].sort((a, b) => a[0] - b[0])) {
    const block = view.fn.layout.instBlock(inst);
    if (block === undefined || !view.reachable.has(block)) continue;
    if (inc.kind === 'const' && inc.amount < 0) {
      return { kind: 'negative-increment', block: `block${block}`, inst: view.texts.text(inst), value: inc.amount };
    }
  }
  return undefined;
}

function sideStats(view: FuelView): FuelSideStats {
  let increments = 0;
  let dynamicIncrements = 0;
  for (const [inst, inc] of view.increments) {
    const block = view.fn.layout.instBlock(inst);
    if (block === undefined || !view.reachable.has(block)) continue;
    if (inc.kind === 'const') increments++;
    else dynamicIncrements++;
  }
  let checks = 0;
  for (const inst of view.checks.keys()) {
    const block = view.fn.layout.instBlock(inst);
    if (block !== undefined && view.reachable.has(block)) checks++;
  }
  return { form: view.form, increments, dynamicIncrements, checks };
}

function describePoint(p: ProductPoint, vb: FuelView, role: 'from' | 'to'): string {
  const inst = p.instB === undefined ? '' : vb.texts.text(p.instB);
  switch (p.kind) {
    case 'entry':
      return 'function entry';
    case 'call':
      return `${role === 'from' ? 'after' : 'before'} \`${inst}\` in block${p.blockB}`;
    case 'return':
      return `\`${inst}\` in block${p.blockB}`;
    case 'trap':
      return `${role === 'from' ? 'after' : 'at'} \`${inst}\` in block${p.blockB}`;
    case 'branch':
      return `\`${inst}\` in block${p.blockB}`;
    case 'loop':
      return `the top of block${p.blockB}`;
  }
}

function describeWalk(graph: ProductGraph, kind: 'path' | 'cycle', walk: readonly number[], vb: FuelView): PathCounterexample {
  const edges = walk.map((id) => graph.edges[id]!);
  const first = graph.points[edges[0]!.from]!;
  const last = graph.points[edges[edges.length - 1]!.to]!;
  const beforeBlocks = [first.blockB, ...edges.flatMap((e) => e.blocksB)].map((b) => `block${b}`);
  const afterBlocks = [first.blockA, ...edges.flatMap((e) => e.blocksA)].map((b) => `block${b}`);
  return {
    kind,
    from: describePoint(first, vb, 'from'),
    to: kind === 'cycle' ? describePoint(first, vb, 'from') : describePoint(last, vb, 'to'),
    beforeBlocks,
    afterBlocks,
    beforeTotal: edges.reduce((s, e) => s + e.chargeB, 0),
    afterTotal: edges.reduce((s, e) => s + e.chargeA, 0),
  };
}
