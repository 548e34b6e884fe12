// fuel-unit-increments: the instrumented variant the benchmark counts increments with. Every
// counter update of the pinned form (as `pinnedIncrementAt` recognises it) is made to
// add exactly 1, so the fuel a run consumes is the number of increments it executed. Runs after
// fuel-pinned (and fuel-place): it counts the increments of whichever placement it is given.
import { z } from 'zod';
import { Cursor, I64, type Function } from '../ir/index.js';
import { pinnedIncrementAt } from '../passes/fuel/web/shapes.js';
import { CHANGED, definePass, UNCHANGED } from '../passes/pass.js';
import { defaultRegistry } from '../passes/registry.js';

/** Rewrites every increment of `fn` to add 1; returns how many it rewrote. */
export function unitIncrements(fn: Function): number {
  let rewritten = 0;
  for (const block of [...fn.layout.blocks()]) {
    for (const inst of [...fn.layout.blockInsts(block)]) {
      const inc = pinnedIncrementAt(fn, inst);
      if (inc === undefined) continue;
      const cursor = new Cursor(fn).before(inst);
      const one = cursor.iconst(I64, 1);
      fn.dfg.insts[inst]!.args = [cursor.iadd(fn.dfg.firstResult(inc.get), one)];
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
