// The one error fuel-place throws: the function is not in a shape it can re-place safely.
import type { Block, Inst } from '../../../ir/index.js';

export class FuelPlaceError extends Error {
  override readonly name = 'FuelPlaceError';
  constructor(
    message: string,
    /** The offending instruction, when there is one. */
    readonly inst?: Inst,
    /** Its block (or the block at fault). */
    readonly block?: Block,
  ) {
    super(message);
  }
}
