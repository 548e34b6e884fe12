// The typed diagnostic for a fuel web that cannot be proven: it names the instruction (or
// block) at fault and the counter location that was being tried.
import type { Block, Inst } from '../../../ir/index.js';

export class FuelWebError extends Error {
  override readonly name = 'FuelWebError';
  constructor(
    message: string,
    /** The counter location (preset name) the recognizer was trying. */
    readonly location: string,
    /** The offending instruction, when there is one. */
    readonly inst?: Inst,
    /** The offending block (the instruction's block, or the block at fault). */
    readonly block?: Block,
  ) {
    super(`${message} [counter location: ${location}]`);
  }
}
