// Trap codes: five reserved names plus `user1`..`user250`.

/** A trap code as written in CLIF: `stk_ovf`, `heap_oob`, `int_ovf`, `int_divz`, `bad_toint` or `userN`. */
export type TrapCode = string;

const RESERVED: ReadonlySet<string> = new Set(['stk_ovf', 'heap_oob', 'int_ovf', 'int_divz', 'bad_toint']);

/**
 * Trap codes of the legacy dialect (Cranelift before 2024), with the user code Wasmtime uses for
 * each today (`wasmtime_environ::Trap` index + 1); `modernize` rewrites them to these.
 */
export const LEGACY_TRAP_CODES: ReadonlyMap<string, TrapCode> = new Map([
  ['heap_misaligned', 'user3'],
  ['table_oob', 'user4'],
  ['icall_null', 'user5'],
  ['bad_sig', 'user6'],
  ['unreachable', 'user10'],
  ['interrupt', 'user11'],
]);

/** Returns the canonical trap code for `text`, or null if it is not one (Cranelift's `TrapCode::from_str`). */
export function parseTrapCode(text: string): TrapCode | null {
  if (RESERVED.has(text) || LEGACY_TRAP_CODES.has(text)) return text;
  if (text.startsWith('user')) {
    const digits = text.slice(4);
    // Rust's u8 parse: optional '+', decimal digits, value 1..=250 for a user code.
    if (!/^\+?[0-9]+$/.test(digits)) return null;
    const n = Number(digits.replace('+', ''));
    if (n >= 1 && n <= 250) return `user${n}`;
  }
  return null;
}
