// fuel-unit-increments: the instrumented variant the benchmark counts increments with. Every
// counter update of the pinned form (`set_pinned_reg (iadd (get_pinned_reg), x)`) is made to
// add exactly 1, so the fuel a run consumes is the number of increments it executed. Runs after
// fuel-pinned (and fuel-place): it counts the increments of whichever placement it is given.
import { z } from 'zod';
import { Cursor, I64, type Function, type Value } from '../ir/index.js';
import { CHANGED, definePass, UNCHANGED } from '../passes/pass.js';
import { defaultRegistry } from '../passes/registry.js';

/** The operand of an increment that reads the pinned register, if `add` is one. */
function pinnedOperand(fn: Function, add: Value): Value | undefined {
  const def = fn.dfg.valueDef(add);
  if (def.kind !== 'result') return undefined;
  const data = fn.dfg.insts[def.inst]!;
  if (data.opcode !== 'iadd' && data.opcode !== 'iadd_imm') return undefined;
  for (const arg of data.args) {
    const a = fn.dfg.valueDef(arg);
    if (a.kind === 'result' && fn.dfg.insts[a.inst]!.opcode === 'get_pinned_reg') return arg;
  }
  return undefined;
}

/** Rewrites every increment of `fn` to add 1; returns how many it rewrote. */
export function unitIncrements(fn: Function): number {
  let rewritten = 0;
  for (const block of [...fn.layout.blocks()]) {
    for (const inst of [...fn.layout.blockInsts(block)]) {
      const data = fn.dfg.insts[inst]!;
      if (data.opcode !== 'set_pinned_reg') continue;
      const counter = pinnedOperand(fn, data.args[0]!);
      if (counter === undefined) continue;
      const cursor = new Cursor(fn).before(inst);
      const one = cursor.iconst(I64, 1);
      data.args = [cursor.iadd(counter, one)];
      rewritten++;
    }
  }
  return rewritten;
}

export const unitIncrementsPass = definePass({
  name: 'fuel-unit-increments',
  description: 'every pinned-register increment adds 1 (the fuel consumed counts the increments executed)',
  options: z.object({}).strict(),
  run(fn, ctx) {
    const n = unitIncrements(fn);
    ctx.stat('fuel-unit-increments.rewritten', n);
    return n > 0 ? CHANGED : UNCHANGED;
  },
});

/** Makes the pass usable in pipeline strings (idempotent). */
export function registerUnitIncrements(): void {
  if (!defaultRegistry.has(unitIncrementsPass.name)) defaultRegistry.register(unitIncrementsPass);
}
