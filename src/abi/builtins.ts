// The Wasmtime builtins slackfuel's runtime provides, under the function references Wasmtime's
// CLIF uses: the out-of-gas builtin (`u805306368:12`) and the new-epoch builtin (`u805306368:13`).
import { DEFAULT_VMCTX_LAYOUT, type VmctxLayout } from './vmctx-layout.js';
import { OUT_OF_FUEL_TRAP } from './trap-codes.js';

export const OUT_OF_GAS_BUILTIN = 'u805306368:12';
export const NEW_EPOCH_BUILTIN = 'u805306368:13';
/** The signatures Wasmtime declares for them. */
export const OUT_OF_GAS_SIGNATURE = '(i64 vmctx) -> i8 tail';
export const NEW_EPOCH_SIGNATURE = '(i64 vmctx) -> i64 tail';

/**
 * Out of gas: Wasmtime calls it with the counter stored and >= 0. Without async refuelling the
 * answer is always OutOfFuel, so it traps (the counter in memory is >= 0, which is what makes
 * the runtime report OutOfFuel).
 */
export function outOfGasBuiltin(): string {
  return [`function ${OUT_OF_GAS_BUILTIN}${OUT_OF_GAS_SIGNATURE} {`, 'block0(v0: i64):', `    trap ${OUT_OF_FUEL_TRAP}`, '}', ''].join('\n');
}

/**
 * New epoch: the epoch counter reached the deadline. The runtime does not interrupt on epochs
 * (epoch mode exists to compare costs), so it pushes the deadline to the maximum and returns it.
 */
export function newEpochBuiltin(layout: VmctxLayout = DEFAULT_VMCTX_LAYOUT): string {
  return [
    `function ${NEW_EPOCH_BUILTIN}${NEW_EPOCH_SIGNATURE} {`,
    'block0(v0: i64):',
    `    v1 = load.i64 notrap aligned readonly v0+${layout.storeContextPointer}`,
    '    v2 = iconst.i64 -1',
    `    store notrap aligned v2, v1+${layout.epochDeadline}`,
    '    return v2',
    '}',
    '',
  ].join('\n');
}
