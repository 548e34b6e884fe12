// Removes external-function and signature declarations nothing refers to any more, renumbering
// the remaining `fnN`/`sigN` references (Cranelift's tables are dense, so a removal shifts the
// numbers after it).
import type { FuncRef, Function, SigRef } from '../../ir/index.js';

function allInsts(fn: Function): number[] {
  const out: number[] = [];
  for (const b of fn.layout.blocks()) for (const i of fn.layout.blockInsts(b)) out.push(i);
  return out;
}

/**
 * Removes those of `funcs` no instruction in the layout references, then those of `sigs` (plus
 * the signatures of removed functions) nothing references. Returns how many of each went.
 */
export function removeUnusedDeclarations(fn: Function, funcs: Iterable<FuncRef>, sigs: Iterable<SigRef> = []): { funcs: number; sigs: number } {
  const insts = allInsts(fn);
  const usedFuncs = new Set<FuncRef>();
  for (const i of insts) {
    const f = fn.dfg.insts[i]!.funcRef;
    if (f >= 0) usedFuncs.add(f);
  }
  const sigCandidates = new Set<SigRef>(sigs);
  const deadFuncs = [...new Set(funcs)].filter((f) => f >= 0 && f < fn.extFuncs.length && !usedFuncs.has(f)).sort((a, b) => a - b);
  for (const f of deadFuncs) {
    const sig = fn.extFuncs[f]!.signature;
    if (sig !== null) sigCandidates.add(sig);
  }
  if (deadFuncs.length > 0) {
    const map = renumbering(fn.extFuncs.length, deadFuncs);
    for (let k = deadFuncs.length - 1; k >= 0; k--) fn.extFuncs.splice(deadFuncs[k]!, 1);
    for (const data of fn.dfg.insts) if (data.funcRef >= 0) data.funcRef = map[data.funcRef] ?? -1;
  }
  const usedSigs = new Set<SigRef>();
  for (const ext of fn.extFuncs) if (ext.signature !== null) usedSigs.add(ext.signature);
  for (const i of insts) {
    const data = fn.dfg.insts[i]!;
    if (data.sigRef >= 0) usedSigs.add(data.sigRef);
    if (data.exceptionTable !== null) usedSigs.add(data.exceptionTable.sig);
  }
  const deadSigs = [...sigCandidates].filter((s) => s >= 0 && s < fn.signatures.length && !usedSigs.has(s)).sort((a, b) => a - b);
  if (deadSigs.length > 0) {
    const map = renumbering(fn.signatures.length, deadSigs);
    for (let k = deadSigs.length - 1; k >= 0; k--) fn.signatures.splice(deadSigs[k]!, 1);
    for (const ext of fn.extFuncs) if (ext.signature !== null) ext.signature = map[ext.signature] ?? null;
    for (const data of fn.dfg.insts) {
      if (data.sigRef >= 0) data.sigRef = map[data.sigRef] ?? -1;
      if (data.exceptionTable !== null) data.exceptionTable.sig = map[data.exceptionTable.sig] ?? -1;
    }
  }
  return { funcs: deadFuncs.length, sigs: deadSigs.length };
}

/** Old number → new number after removing the sorted `removed` numbers from 0..count-1. */
function renumbering(count: number, removed: readonly number[]): Array<number | undefined> {
  const map: Array<number | undefined> = [];
  let shift = 0;
  for (let n = 0; n < count; n++) {
    if (removed.includes(n)) {
      shift++;
      map.push(undefined);
    } else map.push(n - shift);
  }
  return map;
}
