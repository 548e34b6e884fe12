// The header lines a CLIF file needs so that Cranelift compiles its functions as they are:
// code that keeps the fuel counter in the pinned register is refused ("GetPinnedReg/SetPinnedReg
// cannot be used without enable_pinned_reg") unless the file sets enable_pinned_reg.
import type { Function } from '../ir/index.js';

const PINNED_OPCODES = new Set(['get_pinned_reg', 'set_pinned_reg']);

/** The header line that lets Cranelift compile code that uses the pinned register. */
export const PINNED_REGISTER_HEADER = 'set enable_pinned_reg=true';

/** Whether any instruction of `fn` reads or writes the pinned register. */
export function usesPinnedRegister(fn: Function): boolean {
  for (const block of fn.layout.blockList()) {
    for (const inst of fn.layout.blockInstList(block)) if (PINNED_OPCODES.has(fn.dfg.inst(inst).opcode)) return true;
  }
  return false;
}

/**
 * `headers` plus `set enable_pinned_reg=true` when one of `functions` uses the pinned register
 * and no header sets it already. The line goes before the first `target` line, since a `set`
 * applies to the targets that follow it (after the `test` lines otherwise).
 */
export function headersForFunctions(headers: readonly string[], functions: readonly Function[]): string[] {
  const setsPinned = headers.some((h) => /^set\b.*\benable_pinned_reg(\s*=\s*true)?(\s|$)/.test(h.trim()));
  if (setsPinned || !functions.some(usesPinnedRegister)) return [...headers];
  const line = PINNED_REGISTER_HEADER;
  const target = headers.findIndex((h) => /^target\b/.test(h.trim()));
  if (target >= 0) return [...headers.slice(0, target), line, ...headers.slice(target)];
  return [...headers, line];
}
