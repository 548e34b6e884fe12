// Entities declared in a function's preamble: stack slots, global values, signatures, external
// functions, constants, alias regions, dynamic types.
import type { DynamicType, GlobalValue, SigRef, Type } from './entities.js';
import { formatImm64, formatOffset32, formatUimm } from './immediates.js';
import { formatMemFlags, type MemFlags } from './memflags.js';

/** `ssN = explicit_slot SIZE[, align = A][, key = K]`. */
export interface StackSlotData {
  size: number;
  /** log2 of the alignment; 0 means none printed. */
  alignShift: number;
  /** Opaque `key = N`, or null. */
  key: bigint | null;
}

/** `dssN = explicit_dynamic_slot dtM`. */
export interface DynamicStackSlotData {
  dynamicType: DynamicType;
}

/** `dtN = i32x4*gvM` (parsed and kept; Cranelift's writer does not print these). */
export interface DynamicTypeData {
  baseVectorType: Type;
  dynamicScale: GlobalValue;
}

/** A name of an external function or symbol. */
export type ExternalName =
  /** `%name` (test-case names, libcalls and known symbols all print this way). */
  | { readonly kind: 'testcase'; readonly name: string }
  /** An entry of the function's user-name table (`Function.userNamedFuncs`), printed `uNS:IDX`. */
  | { readonly kind: 'user'; readonly ref: number };

export type GlobalValueData =
  | { kind: 'vmctx' }
  | { kind: 'load'; base: GlobalValue; offset: number; type: Type; flags: MemFlags }
  | { kind: 'iadd_imm'; base: GlobalValue; offset: bigint; type: Type }
  | { kind: 'symbol'; name: ExternalName; offset: bigint; colocated: boolean; tls: boolean }
  | { kind: 'dyn_scale_target_const'; vectorType: Type };

/** `fnN = [colocated] [patchable] NAME sigM`. A null signature marks a placeholder that is not printed. */
export interface ExtFuncData {
  name: ExternalName;
  signature: SigRef | null;
  colocated: boolean;
  patchable: boolean;
}

/** `regionN = USER_ID "description"`. */
export interface AliasRegionData {
  userId: number;
  description: string;
}

export interface UserExternalName {
  readonly namespace: number;
  readonly index: number;
}

export function formatStackSlot(slot: StackSlotData): string {
  let out = `explicit_slot ${slot.size}`;
  if (slot.alignShift !== 0) out += `, align = ${2 ** slot.alignShift}`;
  if (slot.key !== null) out += `, key = ${slot.key}`;
  return out;
}

/** A global value definition as Cranelift prints it (user names in symbols print as `userextnameN`). */
export function formatGlobalValue(gv: GlobalValueData): string {
  switch (gv.kind) {
    case 'vmctx':
      return 'vmctx';
    case 'load':
      return `load.${gv.type}${formatMemFlags(gv.flags)} gv${gv.base}${formatOffset32(gv.offset)}`;
    case 'iadd_imm':
      return `iadd_imm.${gv.type} gv${gv.base}, ${formatImm64(gv.offset)}`;
    case 'symbol': {
      const name = gv.name.kind === 'testcase' ? `%${gv.name.name}` : `userextname${gv.name.ref}`;
      let out = `symbol ${gv.colocated ? 'colocated ' : ''}${gv.tls ? 'tls ' : ''}${name}`;
      if (gv.offset > 0n) out += '+';
      if (gv.offset !== 0n) out += formatImm64(gv.offset);
      return out;
    }
    case 'dyn_scale_target_const':
      return `dyn_scale_target_const.${gv.vectorType}`;
  }
}

/** Legacy `heapN = static gvB, min M, bound B, offset_guard G, index_type T` (or `dynamic` with a gv bound). */
export interface HeapData {
  base: GlobalValue;
  minSize: bigint;
  style: { kind: 'static'; bound: bigint } | { kind: 'dynamic'; boundGv: GlobalValue };
  offsetGuardSize: bigint;
  indexType: Type;
}

/** Legacy `tableN = dynamic gvB, min M, bound gvX, element_size E, index_type T`. */
export interface TableData {
  base: GlobalValue;
  minSize: bigint;
  /** Bound global value, or null when none was given (printed as Cranelift's reserved `gv4294967295`). */
  boundGv: GlobalValue | null;
  elementSize: bigint;
  indexType: Type;
}

export function formatHeap(h: HeapData): string {
  const bound = h.style.kind === 'static' ? formatUimm(h.style.bound) : `gv${h.style.boundGv}`;
  return `${h.style.kind} gv${h.base}, min ${formatUimm(h.minSize)}, bound ${bound}, offset_guard ${formatUimm(h.offsetGuardSize)}, index_type ${h.indexType.name}`;
}

export function formatTable(t: TableData): string {
  const bound = t.boundGv === null ? 'gv4294967295' : `gv${t.boundGv}`;
  return `dynamic gv${t.base}, min ${formatUimm(t.minSize)}, bound ${bound}, element_size ${formatUimm(t.elementSize)}, index_type ${t.indexType.name}`;
}

/** Legacy `jtN = jump_table [blockA, blockB]`. */
export function formatJumpTableDecl(entries: readonly number[]): string {
  return `jump_table [${entries.map((b) => `block${b}`).join(', ')}]`;
}
