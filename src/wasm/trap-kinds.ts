// WebAssembly trap kinds and the Cranelift trap codes the front end (docs/frontend.md) maps
// them to; the runtime reports a failed builtin (user5) as the trap the builtin recorded.
import { Trap } from '../runtime/errors.js';

export type WasmTrapKind =
  | 'unreachable'
  | 'memory_out_of_bounds'
  | 'table_out_of_bounds'
  | 'indirect_call_null'
  | 'indirect_call_signature_mismatch'
  /** call_ref, return_call_ref or ref.as_non_null on a null reference (Wasmtime's NullReference). */
  | 'null_reference'
  | 'division_by_zero'
  | 'integer_overflow'
  | 'invalid_conversion'
  | 'stack_exhaustion';

const BY_CODE: Readonly<Record<string, WasmTrapKind>> = {
  user1: 'unreachable',
  user2: 'table_out_of_bounds',
  user3: 'indirect_call_null',
  user4: 'indirect_call_signature_mismatch',
  user6: 'null_reference',
  heap_oob: 'memory_out_of_bounds',
  int_divz: 'division_by_zero',
  int_ovf: 'integer_overflow',
  bad_toint: 'invalid_conversion',
  stk_ovf: 'stack_exhaustion',
};

/** A trap of wasm code, with its WebAssembly kind. */
export class WasmTrap extends Trap {
  constructor(
    readonly kind: WasmTrapKind,
    trap: Trap,
  ) {
    super(`wasm trap: ${kind} (${trap.message})`, trap.trapCode, trap.functionName, trap.offset, trap.signal);
    this.fuelConsumed = trap.fuelConsumed;
  }
}

/** The wasm kind of a Cranelift trap code, or undefined when it is not a wasm trap. */
export function wasmTrapKind(trapCode: string): WasmTrapKind | undefined {
  return BY_CODE[trapCode];
}

/** Turns a Trap of translated code into a WasmTrap; anything else is returned as is. */
export function asWasmTrap(error: unknown): unknown {
  if (!(error instanceof Trap) || error instanceof WasmTrap) return error;
  const kind = wasmTrapKind(error.trapCode);
  return kind === undefined ? error : new WasmTrap(kind, error);
}
