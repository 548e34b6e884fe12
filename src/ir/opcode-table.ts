// The parser's and printer's view of the opcode/format table (./opcodes.ts): lookups plus the
// derived facts Cranelift computes from the same data.
import type { Type } from './entities.js';
import type { OpcodeInfo } from './opcode-info.js';
import { formats, legacyForms, lookupOpcode, type FormatSpec } from './opcodes.js';
import { resultTypes } from './types.js';

export type { FormatSpec, OpcodeInfo };

export function opcodeInfo(name: string): OpcodeInfo | undefined {
  return lookupOpcode(name);
}

/** The legacy meaning of a reused opcode name (`brif` with a condition code, `br_table` with `jtN`). */
export function legacyOpcodeInfo(name: string): OpcodeInfo | undefined {
  return legacyForms.get(name);
}

export function formatSpec(info: OpcodeInfo): FormatSpec {
  const spec = formats.get(info.format);
  if (spec === undefined) throw new Error(`opcode ${info.name} has unknown format ${info.format}`);
  return spec;
}

/**
 * Cranelift's `requires_typevar_operand`: the controlling type comes from the typevar operand
 * because no first result has exactly that type.
 */
export function requiresTypevarOperand(info: OpcodeInfo): boolean {
  if (!info.useTypevarOperand) return false;
  const first = info.results === 'signature' ? undefined : info.results[0];
  return !(first !== undefined && first.kind === 'ctrl');
}

/** Whether a call's results come from its signature (`call`, `call_indirect`; not tail or try calls). */
export function resultsFromSignature(info: OpcodeInfo): boolean {
  return info.results === 'signature';
}

const resultTypeCache = new Map<OpcodeInfo, Map<Type | undefined, readonly Type[] | undefined>>();

/**
 * Result types for a controlling type, or undefined when the type does not fit the opcode. The
 * array is shared between calls (types are interned), so callers must not modify it.
 */
export function instResultTypes(info: OpcodeInfo, ctrl: Type | undefined): readonly Type[] | undefined {
  let byCtrl = resultTypeCache.get(info);
  if (byCtrl === undefined) {
    byCtrl = new Map();
    resultTypeCache.set(info, byCtrl);
  }
  if (byCtrl.has(ctrl)) return byCtrl.get(ctrl);
  const types = resultTypes(info, ctrl);
  byCtrl.set(ctrl, types);
  return types;
}
