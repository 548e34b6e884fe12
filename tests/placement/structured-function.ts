// A deterministic generator of large, Wasm-like CFGs: straight runs, if/else diamonds,
// loops with an optional early exit, br_table switches and calls.
import type { BlockSpec } from './model-builder.js';
import { fuelModel } from './model-builder.js';
import type { FuelModel } from '../../src/passes/fuel/placement/model.js';

export function structuredFunction(size: number, seed = 1): FuelModel {
  let state = seed;
  const rnd = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor(state / 65536) % n;
  };
  const blocks: Array<{ succ: number[]; costs: number[]; boundaries: Array<'call'> }> = [];
  const block = (): number => {
    const costs = rnd(8) === 0 ? [1 + rnd(9), 1 + rnd(9)] : [1 + rnd(9)];
    blocks.push({ succ: [], costs, boundaries: costs.length > 1 ? ['call'] : [] });
    return blocks.length - 1;
  };
  const region = (depth: number, budget: number): [number, number] => {
    const first = block();
    let cur = first;
    while (budget > 0) {
      const kind = depth > 3 ? 0 : rnd(4);
      if (kind === 0) {
        const b = block();
        blocks[cur]!.succ.push(b);
        cur = b;
        budget -= 1;
      } else if (kind === 1) {
        const [a1, a2] = region(depth + 1, 3);
        const [b1, b2] = region(depth + 1, 3);
        const join = block();
        blocks[cur]!.succ.push(a1, b1);
        blocks[a2]!.succ.push(join);
        blocks[b2]!.succ.push(join);
        cur = join;
        budget -= 8;
      } else if (kind === 2) {
        const header = block();
        blocks[cur]!.succ.push(header);
        const [l1, l2] = region(depth + 1, 10);
        const exit = block();
        blocks[header]!.succ.push(l1, exit);
        blocks[l2]!.succ.push(header);
        if (rnd(3) === 0) blocks[l1]!.succ.push(exit); // early exit
        cur = exit;
        budget -= 12;
      } else {
        const a = block();
        const b = block();
        const join = block();
        blocks[cur]!.succ.push(a, a, b, join);
        blocks[a]!.succ.push(join);
        blocks[b]!.succ.push(join);
        cur = join;
        budget -= 4;
      }
    }
    return [first, cur];
  };
  region(0, size);
  return fuelModel(0, blocks.map((b, id) => [id, b as BlockSpec] as const));
}
