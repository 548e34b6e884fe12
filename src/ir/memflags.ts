// Memory-operation flags and their canonical print order.
import { parseTrapCode, type TrapCode } from './trapcode.js';

export interface MemFlags {
  /** Trap code of the access; null means `notrap`. Default `heap_oob` (not printed). */
  trapCode: TrapCode | null;
  aligned: boolean;
  readonly: boolean;
  canMove: boolean;
  endianness: 'big' | 'little' | null;
  /** Alias region number (`regionN`), or null. */
  region: number | null;
  /** Legacy-dialect alias-analysis words (`heap`, `table`, `vmctx`), printed last; empty normally. */
  legacy: readonly string[];
}

const LEGACY_ORDER = ['heap', 'table', 'vmctx'] as const;
/** Shared by all flags without legacy words (the array is replaced, never mutated). */
const NO_LEGACY: readonly string[] = Object.freeze([]);

export function defaultMemFlags(): MemFlags {
  return { trapCode: 'heap_oob', aligned: false, readonly: false, canMove: false, endianness: null, region: null, legacy: NO_LEGACY };
}

export function cloneMemFlags(flags: MemFlags): MemFlags {
  return { ...flags };
}

/**
 * Applies one flag word like Cranelift's `MemFlagsData::set_by_name`: returns true when `name` is a
 * flag, false when it is not, and an error message for conflicting endianness.
 */
export function setMemFlagByName(flags: MemFlags, name: string): boolean | string {
  switch (name) {
    case 'notrap':
      flags.trapCode = null;
      return true;
    case 'aligned':
      flags.aligned = true;
      return true;
    case 'readonly':
      flags.readonly = true;
      return true;
    case 'can_move':
      flags.canMove = true;
      return true;
    case 'little':
      if (flags.endianness === 'big') return 'cannot set both big and little endian bits';
      flags.endianness = 'little';
      return true;
    case 'big':
      if (flags.endianness === 'little') return 'cannot set both big and little endian bits';
      flags.endianness = 'big';
      return true;
    case 'heap':
    case 'table':
    case 'vmctx':
      if (!flags.legacy.includes(name)) flags.legacy = [...flags.legacy, name];
      return true;
    default: {
      const code = parseTrapCode(name);
      if (code === null) return false;
      flags.trapCode = code;
      return true;
    }
  }
}

/** Canonical text with a leading space per flag: ` notrap aligned readonly can_move big region1`. */
export function formatMemFlags(flags: MemFlags): string {
  let out = '';
  if (flags.trapCode === null) out += ' notrap';
  else if (flags.trapCode !== 'heap_oob') out += ` ${flags.trapCode}`;
  if (flags.aligned) out += ' aligned';
  if (flags.readonly) out += ' readonly';
  if (flags.canMove) out += ' can_move';
  if (flags.endianness === 'big') out += ' big';
  if (flags.endianness === 'little') out += ' little';
  if (flags.region !== null) out += ` region${flags.region}`;
  for (const word of LEGACY_ORDER) if (flags.legacy.includes(word)) out += ` ${word}`;
  return out;
}
