// Brings a copy of a function into the current dialect so one recognizer serves both. Old
// Wasmtime fuel checks compare through CPU flags (`ifcmp F, 0` + `brif sge flags, oog`), which
// Cranelift's current dialect cannot express as such; the comparison they make can: each such
// branch becomes `icmp sge F, 0` + `brnz`, and `modernize` does the rest.
import { Cursor, modernize, parse, print, ValueKind, type Function, type Inst, type Value } from '../../../ir/index.js';
import { opcodeInfo } from '../../../ir/opcode-table.js';
import { FuelCheckDiagnostic, type FuelDiagnostic } from './types.js';

function usesLegacy(fn: Function): boolean {
  for (const block of fn.layout.blocks()) {
    for (const inst of fn.layout.blockInsts(block)) {
      const data = fn.dfg.insts[inst]!;
      const info = opcodeInfo(data.opcode);
      if (info === undefined || info.dialect === 'legacy' || (data.opcode === 'brif' && data.cond !== '')) return true;
    }
  }
  return false;
}

/** `fn` itself when it is in the current dialect, else a modernized copy. */
export function currentDialect(fn: Function, side: 'before' | 'after'): Function {
  if (!usesLegacy(fn)) return fn;
  const copy = parse(print(fn)).functions[0];
  if (copy === undefined) throw new FuelCheckDiagnostic({ message: `the ${side} function does not print back` });
  rewriteFlagBranches(copy);
  try {
    modernize(copy);
  } catch (error) {
    const diagnostic: FuelDiagnostic = {
      message: `the ${side} function uses a legacy form with no current equivalent: ${error instanceof Error ? error.message : String(error)}`,
    };
    throw new FuelCheckDiagnostic(diagnostic);
  }
  return copy;
}

/** Replaces `brif COND flags, dest` on `ifcmp a, b` / `ifcmp_imm a, N` by `icmp COND a, b` + `brnz`. */
function rewriteFlagBranches(fn: Function): void {
  const dfg = fn.dfg;
  const converted = new Map<Inst, number>();
  const users = new Map<Inst, number>();
  for (const block of fn.layout.blocks()) {
    for (const inst of fn.layout.blockInsts(block)) for (const a of dfg.insts[inst]!.args) {
      const def = flagsDef(fn, a);
      if (def !== undefined) users.set(def, (users.get(def) ?? 0) + 1);
    }
  }
  for (const block of fn.layout.blockList()) {
    for (const inst of fn.layout.blockInstList(block)) {
      const data = dfg.insts[inst]!;
      if (data.opcode !== 'brif' || data.cond === '' || data.args[0] === undefined) continue;
      const def = flagsDef(fn, data.args[0]);
      if (def === undefined) continue;
      const cmp = dfg.insts[def]!;
      const cursor = new Cursor(fn).before(inst);
      const lhs = cmp.args[0]!;
      const rhs = cmp.opcode === 'ifcmp' ? cmp.args[1]! : cursor.iconst(dfg.valueType(lhs), cmp.imm);
      const flag = cursor.icmp(data.cond, lhs, rhs);
      data.opcode = 'brnz';
      data.cond = '';
      data.args = [flag];
      converted.set(def, (converted.get(def) ?? 0) + 1);
    }
  }
  for (const [def, n] of converted) if (users.get(def) === n) fn.layout.removeInst(def);
}

function flagsDef(fn: Function, v: Value): Inst | undefined {
  const d = fn.dfg.definingData(v);
  if (d === undefined || d.kind !== ValueKind.Result) return undefined;
  const op = fn.dfg.insts[d.owner]!.opcode;
  return op === 'ifcmp' || op === 'ifcmp_imm' ? d.owner : undefined;
}
