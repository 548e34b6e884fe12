// Which counted loops are worth a copy. Versioning a loop saves its increments (one `add` per
// iteration, usually) but grows the function by the loop's code and a guard, and the register
// allocator sees the larger function whole: in zstd's match finder two loops that never run got
// copies, and the allocator spilled 33 more times across the function, around the hot loop nest
// beside them (docs/results.md). So a loop is
// versioned only where the function spends its time: no block of the function is estimated to
// run more than `maxHotRatio` times as often as the loop's header. With the static estimate a
// level of loop nesting is a factor of about 33 and an if/else a factor of 2, so the default 4
// keeps a loop two branches deep beside its siblings and drops loops beside a deeper nest.
// With a measured edge profile the same rule reads the measured counts instead, so a loop that
// never ran gets no copy.
import type { Block, Function } from '../../../ir/index.js';
import { roundWeight } from '../placement/place.js';
import { edgeKeyBlocks, type FunctionProfile } from '../placement-clif/profile.js';
import type { CountedLoop } from './find.js';

export const DEFAULT_MAX_HOT_RATIO = 4;

/** The headers of the loops of `loops` that are hot enough to version, given how often each block runs. */
export function hotLoops(fn: Function, frequency: (b: Block) => number, loops: readonly CountedLoop[], maxHotRatio: number): Set<Block> {
  let hottest = 0;
  for (const b of fn.layout.blocks()) hottest = Math.max(hottest, frequency(b));
  // Compared at 12 significant digits, as fuel-place compares weights, so that the Rust pass
  // (whose estimate may differ in the last bit) decides the same. The entry block runs, so a
  // header that never does is never hot.
  const limit = roundWeight(hottest);
  return new Set(loops.filter((l) => limit <= roundWeight(frequency(l.header) * maxHotRatio)).map((l) => l.header));
}

/**
 * How often each block ran by a measured edge profile (keyed by the block numbers the profile
 * was measured on: fuel-place's input, whose blocks keep their numbers through it): the entry
 * count for the entry block, the sum of the counts of the edges into it for any other.
 */
export function profileBlockCounts(fn: Function, profile: FunctionProfile): (b: Block) => number {
  const counts = new Map<number, number>();
  const entry = fn.layout.entryBlock();
  if (entry !== undefined) counts.set(entry, profile.entryCount);
  for (const [key, n] of Object.entries(profile.edges)) {
    const { to } = edgeKeyBlocks(key);
    counts.set(to, (counts.get(to) ?? 0) + n);
  }
  return (b) => counts.get(b) ?? 0;
}
