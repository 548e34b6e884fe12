// Edge-profile instrumentation: every function of a module gets one i64 counter for its entry
// and one per CFG edge, bumped in memory by the code itself, so a single run measures the exact
// edge profile that `fuel-place{profile=...}` and `estimateFrequencies` take.
//
// The counters live in one array that the runtime allocates; its address sits in a vmctx slot
// (`slot`), read through the function's `vmctx` parameter. A bump is
//   p = load.i64 notrap aligned readonly vmctx+slot; c = load.i64 notrap aligned p+8k;
//   c' = iadd c, (iconst.i64 1); store notrap aligned c', p+8k
// and goes at the top of the entry block (entry count), before the `jump` of a block with one
// successor, or in a new block on the edge (`splitEdge`) when the source branches several ways.
// Original blocks keep their numbers, so counts are keyed by the CFG the input had.
import { z } from 'zod';
import {
  branchDestinations,
  Cursor,
  formatFunctionName,
  I64,
  splitEdge,
  trustedFlags,
  type Block,
  type Function,
  type Inst,
  type Value,
} from '../../ir/index.js';
import { opcodeInfo } from '../../ir/opcode-table.js';
import type { EdgeProfileFile } from '../fuel/placement-clif/profile.js';

/** The counters of one function: indices into the module's counter array. */
export interface FunctionCounters {
  /** Printed name (`u0:6`, `%f`), the key of the profile file. */
  readonly name: string;
  /** The entry block, and the counter of how often the function was entered. */
  readonly entryBlock: number;
  readonly entry: number;
  /** One per edge (parallel edges each have their own). */
  readonly edges: readonly { readonly from: number; readonly to: number; readonly counter: number }[];
}

export interface EdgeCounterMap {
  /** Size of the counter array the run needs. */
  readonly counters: number;
  readonly functions: readonly FunctionCounters[];
  /** Functions left alone, and why (no vmctx parameter, legacy-dialect branches). */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

export const edgeCounterOptionsSchema = z
  .object({
    /** vmctx offset of the pointer to the counter array. */
    slot: z.number().int().nonnegative().multipleOf(8).max(2 ** 31 - 8),
  })
  .strict();
export type EdgeCounterOptions = z.infer<typeof edgeCounterOptionsSchema>;

/** Counter offsets must fit a load's signed 32-bit offset. */
const MAX_COUNTERS = 2 ** 24;

function vmctxParam(fn: Function): Value | undefined {
  const index = fn.signature.params.findIndex((p) => p.purpose.kind === 'vmctx');
  const entry = fn.layout.entryBlock();
  if (index < 0 || entry === undefined) return undefined;
  return fn.dfg.blockParams(entry)[index];
}

function bump(cursor: Cursor, vmctx: Value, slot: number, counter: number): void {
  const flags = trustedFlags();
  const base = cursor.load(I64, { ...flags, readonly: true }, vmctx, slot);
  const offset = counter * 8;
  const old = cursor.load(I64, flags, base, offset);
  const next = cursor.iadd(old, cursor.iconst(I64, 1));
  cursor.store(flags, next, base, offset);
}

/**
 * The branch of `block`: its terminator when that has destinations. `legacy` when the block is
 * in the legacy dialect's shape — a branch that is not the last instruction (`brz` + `jump`),
 * one that falls through, a flags `brif`, or a `br_table` through a jump table — which this
 * instrumentation does not handle (`modernize` rewrites all of them).
 */
function terminatorBranch(fn: Function, block: Block): { inst: Inst | undefined; legacy: boolean } {
  let found: Inst | undefined;
  let legacy = false;
  for (const inst of fn.layout.blockInsts(block)) {
    const data = fn.dfg.insts[inst]!;
    if ((data.opcode === 'brif' && data.cond !== '') || (data.opcode === 'br_table' && data.legacyRef >= 0)) legacy = true;
    if (branchDestinations(data).length > 0) {
      if (found !== undefined || inst !== fn.layout.lastInst(block)) legacy = true;
      found = inst;
    }
  }
  const last = fn.layout.lastInst(block);
  const info = last === undefined ? undefined : opcodeInfo(fn.dfg.insts[last]!.opcode);
  if (info !== undefined && info.isBranch && !info.isTerminator && !info.isReturn) legacy = true;
  return { inst: found, legacy };
}

/**
 * Instruments `functions` in place with edge counters numbered from 0 across the module, and
 * returns where each count lands. Functions without a `vmctx` parameter are skipped.
 */
export function instrumentEdgeCounters(functions: readonly Function[], options: EdgeCounterOptions): EdgeCounterMap {
  const { slot } = edgeCounterOptionsSchema.parse(options);
  let next = 0;
  const take = (): number => {
    if (next >= MAX_COUNTERS) throw new RangeError(`more than ${MAX_COUNTERS} edge counters`);
    return next++;
  };
  const out: FunctionCounters[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const fn of functions) {
    const name = formatFunctionName(fn.name);
    const vmctx = vmctxParam(fn);
    const entry = fn.layout.entryBlock();
    if (vmctx === undefined || entry === undefined) {
      skipped.push({ name, reason: 'no vmctx parameter to reach the counters through' });
      continue;
    }
    const blocks = fn.layout.blockList();
    const shapes = blocks.map((b) => ({ block: b, ...terminatorBranch(fn, b) }));
    const legacy = shapes.find((s) => s.legacy);
    if (legacy !== undefined) {
      skipped.push({ name, reason: `block${legacy.block} branches in the legacy dialect: run modernize first` });
      continue;
    }
    // An edge passing try_call results cannot be split; its count is taken at the top of its
    // target instead, which must then have no other incoming edge.
    const calls = (inst: Inst | undefined) => (inst === undefined ? [] : branchDestinations(fn.dfg.insts[inst]!));
    const incoming = new Map<Block, number>();
    for (const { inst } of shapes) for (const c of calls(inst)) incoming.set(c.block, (incoming.get(c.block) ?? 0) + 1);
    const unsplittable = shapes.flatMap(({ inst }) => calls(inst).filter((c) => c.args.some((a) => typeof a !== 'number')));
    const join = unsplittable.find((c) => incoming.get(c.block) !== 1 || c.block === entry);
    if (join !== undefined) {
      skipped.push({ name, reason: `a try_call edge passes results into block${join.block}, which has other predecessors` });
      continue;
    }
    const edges: { from: number; to: number; counter: number }[] = [];
    const entryCounter = take();
    bump(new Cursor(fn).atTop(entry), vmctx, slot, entryCounter);
    for (const { block, inst } of shapes) {
      if (inst === undefined) continue;
      // A try_call's edges are taken only if the callee returns or throws to it: never count
      // them before the call.
      const isCall = opcodeInfo(fn.dfg.insts[inst]!.opcode)?.isCall ?? false;
      const destinations = calls(inst);
      for (let index = 0; index < destinations.length; index++) {
        const to = destinations[index]!.block;
        const counter = take();
        edges.push({ from: block, to, counter });
        if (destinations[index]!.args.some((a) => typeof a !== 'number')) {
          bump(new Cursor(fn).atTop(to), vmctx, slot, counter);
        } else if (destinations.length === 1 && !isCall) {
          bump(new Cursor(fn).before(inst), vmctx, slot, counter);
        } else {
          const fresh = splitEdge(fn, inst, index, { after: block });
          bump(new Cursor(fn).before(fn.layout.lastInst(fresh)!), vmctx, slot, counter);
        }
      }
    }
    out.push({ name, entryBlock: entry, entry: entryCounter, edges });
  }
  return { counters: next, functions: out, skipped };
}

/**
 * The profile file `fuel-place` reads, from the counter values of a run. Functions never
 * entered are left out (fuel-place uses its static estimate for them), and so are edges that
 * never ran (a profile's missing edges count 0).
 */
export function edgeProfileFromCounts(map: EdgeCounterMap, counts: readonly number[]): EdgeProfileFile {
  if (counts.length !== map.counters) throw new RangeError(`expected ${map.counters} counter values, got ${counts.length}`);
  const profile: EdgeProfileFile = {};
  for (const f of map.functions) {
    const entryCount = counts[f.entry]!;
    if (entryCount === 0) continue;
    const edges: Record<string, number> = {};
    for (const e of f.edges) {
      const count = counts[e.counter]!;
      if (count === 0) continue;
      const key = `${e.from}->${e.to}`;
      edges[key] = (edges[key] ?? 0) + count;
    }
    profile[f.name] = { entryCount, edges };
  }
  return profile;
}
