// Dead-code elimination: instructions whose results are unused and that have no side effect
// (per the opcode table: no call, store, trap, branch or other effect; loads only when
// `notrap`). Block parameters and value numbers are left as they are.
import { z } from 'zod';
import { CHANGED, definePass, UNCHANGED, type PassResult } from '../pass.js';
import { removeDeadInstructions } from './ir-utils.js';

export const deadCodePass = definePass({
  name: 'dce',
  description: 'Remove instructions without side effects whose results are never used',
  options: z.object({}).strict(),
  run(fn, ctx): PassResult {
    const removed = removeDeadInstructions(fn);
    ctx.stat('dce.removed', removed);
    return removed > 0 ? CHANGED : UNCHANGED;
  },
});
