// fuel-pinned: moves the fuel counter from memory (a cranelift-frontend variable flushed to
// the vmctx) into Cranelift's pinned register. Every increment becomes get/iadd/set, counter
// parameters and their branch arguments disappear, counter loads and stores disappear, and
// around observed calls to callees that do not use the pinned register the counter is stored
// before and reloaded after. The counter's value at every call and return is unchanged.
import { z } from 'zod';
import { buildControlFlow } from '../../analysis/cfg.js';
import { buildDominatorTree, type DominatorTree } from '../../analysis/dominators.js';
import {
  branchDestinations,
  Cursor,
  I64,
  trustedFlags,
  ValueKind,
  type Function,
  type Inst,
  type MemFlags,
  type Value,
} from '../../ir/index.js';
import { functionFlowGraph } from '../flow-graph.js';
import { CFG_CHANGED, CHANGED, definePass, UNCHANGED, type PassResult } from '../pass.js';
import { removeDeadInstructions } from '../utility/ir-utils.js';
import { removeUnreachableBlocks } from '../utility/remove-unreachable.js';
import { calleeOptionsShape, type CalleeOptions } from './web/callees.js';
import { FuelWebError } from './web/errors.js';
import { findFuelWeb } from './web/find.js';
import { fuelLocationOptionSchema, type FuelLocationOption } from './web/presets.js';
import type { FuelParam, FuelWeb } from './web/web.js';

export const fuelPinnedOptionsSchema = z
  .object({
    location: fuelLocationOptionSchema,
    ...calleeOptionsShape,
  })
  .strict();
export type FuelPinnedOptions = z.output<typeof fuelPinnedOptionsSchema>;

export interface PinnedRewrite {
  /** The location the web was proven at (`wasmtime-2026`, ...). */
  readonly location: string;
  readonly increments: number;
  readonly removedParams: number;
  readonly removedLoads: number;
  readonly removedStores: number;
  /** Observed calls to non-pinned callees, now wrapped in a store and a reload. */
  readonly flushedCalls: number;
  readonly removedUnreachableBlocks: number;
}

function sameBlockBefore(fn: Function, a: Inst, b: Inst): boolean {
  for (let i: Inst | undefined = a; i !== undefined; i = fn.layout.nextInst(i)) if (i === b) return true;
  return false;
}

/** A context-pointer value available at `inst`, or a fresh load of it from the vmctx. */
function contextPointerAt(fn: Function, web: FuelWeb, dom: DominatorTree, inst: Inst, loadFlags: MemFlags): Value {
  const block = fn.layout.instBlock(inst)!;
  for (const p of web.contextPointers) {
    const def = fn.dfg.definingData(p);
    if (def === undefined) continue;
    if (def.kind === ValueKind.Param && fn.layout.isBlockInserted(def.owner) && dom.dominates(def.owner, block)) return p;
    if (def.kind === ValueKind.Result && fn.layout.isInstInserted(def.owner)) {
      const defBlock = fn.layout.instBlock(def.owner)!;
      if (defBlock === block ? sameBlockBefore(fn, def.owner, inst) : dom.dominates(defBlock, block)) return p;
    }
  }
  const entry = fn.layout.entryBlock()!;
  const vmctx = web.vmctxValues.find((v) => fn.dfg.blockParams(entry).includes(v));
  if (vmctx === undefined) throw new FuelWebError(`no context pointer is available at inst${inst} and the function has no vmctx parameter to load one from`, web.location.name, inst, block);
  return new Cursor(fn).before(inst).load(I64, { ...loadFlags, readonly: true }, vmctx, web.location.contextOffset);
}

/** Rewrites `fn` to keep the counter in the pinned register; null when it has no fuel web. */
export function rewriteToPinned(fn: Function, options: { location?: FuelLocationOption; callees?: CalleeOptions } = {}): PinnedRewrite | null {
  const web = findFuelWeb(fn, options);
  if (web === null) return null;
  const flushed = web.calls.filter((c) => c.observed && c.convention === 'non-pinned');
  // Refuse before editing anything: a reload would be needed on every edge of a try_call.
  const tryCall = flushed.find((c) => fn.dfg.insts[c.inst]!.exceptionTable !== null);
  if (tryCall !== undefined) {
    throw new FuelWebError('an observed try_call to a callee without the pinned register cannot reload the counter on every edge', web.location.name, tryCall.inst, tryCall.block);
  }
  // The recognizer ignored unreachable code; drop it so nothing there still uses the web.
  const removedUnreachableBlocks = removeUnreachableBlocks(fn).length;
  const dfg = fn.dfg;
  const firstStore = web.counterStores[0];
  const firstLoad = web.counterLoads[0];
  const storeFlags: MemFlags = firstStore === undefined ? trustedFlags() : { ...dfg.insts[firstStore]!.flags! };
  const loadFlags: MemFlags = firstLoad === undefined ? trustedFlags() : { ...dfg.insts[firstLoad]!.flags! };
  const dom = buildDominatorTree(buildControlFlow(functionFlowGraph(fn)));
  const offset = web.location.counterOffset;

  // Calls first: they may need a context pointer that the cleanup below would otherwise drop.
  for (const call of flushed) {
    const ptr = contextPointerAt(fn, web, dom, call.inst, loadFlags);
    const before = new Cursor(fn).before(call.inst);
    before.store(storeFlags, before.getPinnedReg(I64), ptr, offset);
    if (!call.tail) {
      const after = new Cursor(fn).after(call.inst);
      after.setPinnedReg(after.load(I64, loadFlags, ptr, offset));
    }
  }
  const candidates: Inst[] = [...web.contextPointerDefs];
  for (const inc of web.increments) {
    const data = dfg.insts[inc.inst]!;
    const cursor = new Cursor(fn).before(inc.inst);
    if (inc.charge !== null && inc.charge !== inc.amount) {
      // A folded increment: add only what it adds to the counter as it stands.
      if (data.opcode === 'iadd_imm') data.imm = inc.charge;
      else {
        const old = dfg.definingData(data.args[1 - inc.fuelOperand]!);
        if (old !== undefined && old.kind === ValueKind.Result) candidates.push(old.owner);
        data.args[1 - inc.fuelOperand] = cursor.iconst(I64, inc.charge);
      }
    }
    data.args[inc.fuelOperand] = cursor.getPinnedReg(I64);
    new Cursor(fn).after(inc.inst).setPinnedReg(inc.result);
  }
  for (const check of web.checks) {
    const data = dfg.insts[check.compare]!;
    const k = data.args.findIndex((a) => dfg.resolveAliases(a) === check.fuel);
    data.args[k] = new Cursor(fn).before(check.compare).getPinnedReg(I64);
  }
  for (const i of [...web.counterLoads, ...web.counterStores]) {
    for (const v of dfg.instValues(i)) {
      const def = dfg.definingData(v);
      if (def !== undefined && def.kind === ValueKind.Result) candidates.push(def.owner);
    }
    fn.layout.removeInst(i);
  }
  removeParams(fn, web.params);
  removeDeadInstructions(fn, candidates);
  assertNoCounterValueLeft(fn, web);
  return {
    location: web.location.name,
    increments: web.increments.length,
    removedParams: web.params.length,
    removedLoads: web.counterLoads.length,
    removedStores: web.counterStores.length,
    flushedCalls: flushed.length,
    removedUnreachableBlocks,
  };
}

/** Removes the counter parameters and their branch arguments in one sweep over the branches. */
function removeParams(fn: Function, params: readonly FuelParam[]): void {
  const byBlock = new Map<number, number[]>();
  for (const p of params) (byBlock.get(p.block) ?? byBlock.set(p.block, []).get(p.block)!).push(p.index);
  for (const list of byBlock.values()) list.sort((a, b) => b - a);
  for (const b of fn.layout.blocks()) {
    for (const i of fn.layout.blockInsts(b)) {
      for (const call of branchDestinations(fn.dfg.insts[i]!)) {
        for (const index of byBlock.get(call.block) ?? []) if (index < call.args.length) call.args.splice(index, 1);
      }
    }
  }
  for (const [block, indices] of byBlock) for (const index of indices) fn.dfg.removeBlockParam(block, index);
}

/** Safety net: after the rewrite, counter values may only feed the `set_pinned_reg` after their increment. */
function assertNoCounterValueLeft(fn: Function, web: FuelWeb): void {
  for (const b of fn.layout.blocks()) {
    for (const i of fn.layout.blockInsts(b)) {
      const data = fn.dfg.insts[i]!;
      if (data.opcode === 'set_pinned_reg') continue;
      for (const v of fn.dfg.instValues(i)) {
        if (web.values.has(fn.dfg.resolveAliases(v))) throw new FuelWebError(`internal error: counter value v${v} is still used after the rewrite`, web.location.name, i, b);
      }
    }
  }
}

export const fuelPinnedPass = definePass({
  name: 'fuel-pinned',
  description: 'Keep the fuel counter in the pinned register instead of memory (get/set_pinned_reg)',
  options: fuelPinnedOptionsSchema,
  run(fn, ctx): PassResult {
    const o = ctx.options;
    const result = rewriteToPinned(fn, { location: o.location, callees: { nonPinned: o.nonPinned, indirect: o.indirect } });
    if (result === null) return UNCHANGED;
    ctx.stat('fuel-pinned.increments', result.increments);
    ctx.stat('fuel-pinned.flushed-calls', result.flushedCalls);
    return result.removedUnreachableBlocks > 0 ? CFG_CHANGED : CHANGED;
  },
});
