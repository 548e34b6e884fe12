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

/**
 * What the parser and printer need of one opcode, computed once per process: one lookup per
 * instruction instead of a format lookup, a typevar check and two result-type lookups.
 */
export class OpcodeFacts {
  readonly spec: FormatSpec;
  /** Cranelift's `requires_typevar_operand` (see above). */
  readonly requiresTypevar: boolean;
  /** Whether the writer comments uses of its result with the constant (`; v3 = 7`). */
  readonly isConstant: boolean;
  private readonly typesByCtrl = new Map<Type | undefined, readonly Type[] | undefined>();

  constructor(readonly info: OpcodeInfo) {
    this.spec = formatSpec(info);
    this.requiresTypevar = requiresTypevarOperand(info);
    this.isConstant = CONSTANT_FORMATS.has(info.format);
  }

  /** `instResultTypes(info, ctrl)`, shared arrays included. */
  resultTypes(ctrl: Type | undefined): readonly Type[] | undefined {
    const found = this.typesByCtrl.get(ctrl);
    if (found !== undefined || this.typesByCtrl.has(ctrl)) return found;
    const types = instResultTypes(this.info, ctrl);
    this.typesByCtrl.set(ctrl, types);
    return types;
  }
}

const CONSTANT_FORMATS: ReadonlySet<string> = new Set(['UnaryImm', 'UnaryIeee16', 'UnaryIeee32', 'UnaryIeee64', 'UnaryConst']);
const factsByInfo = new Map<OpcodeInfo, OpcodeFacts>();
const factsByName = new Map<string, OpcodeFacts | null>();

export function opcodeFacts(info: OpcodeInfo): OpcodeFacts {
  let facts = factsByInfo.get(info);
  if (facts === undefined) {
    facts = new OpcodeFacts(info);
    factsByInfo.set(info, facts);
  }
  return facts;
}

/** The facts of the opcode named `name` in its current meaning, or undefined. */
export function opcodeFactsByName(name: string): OpcodeFacts | undefined {
  let facts = factsByName.get(name);
  if (facts === undefined) {
    const info = lookupOpcode(name);
    facts = info === undefined ? null : opcodeFacts(info);
    factsByName.set(name, facts);
  }
  return facts ?? undefined;
}
