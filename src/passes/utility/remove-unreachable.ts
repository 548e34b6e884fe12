// Removes blocks the entry cannot reach. Numbers of everything that stays are unchanged.
import { z } from 'zod';
import { removeBlock, type Function } from '../../ir/index.js';
import { CFG_CHANGED, definePass, UNCHANGED, type PassResult } from '../pass.js';
import { reachableBlocks } from './ir-utils.js';

/** Removes every block not reachable from the entry; returns the removed block numbers. */
export function removeUnreachableBlocks(fn: Function): number[] {
  const live = reachableBlocks(fn);
  const dead = fn.layout.blockList().filter((b) => !live.has(b));
  for (const b of dead) removeBlock(fn, b);
  return dead;
}

export const removeUnreachablePass = definePass({
  name: 'remove-unreachable',
  description: 'Remove blocks that cannot be reached from the entry block',
  options: z.object({}).strict(),
  run(fn): PassResult {
    return removeUnreachableBlocks(fn).length > 0 ? CFG_CHANGED : UNCHANGED;
  },
});
