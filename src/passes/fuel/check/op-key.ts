// A text key for everything an instruction is besides its value operands and branch targets:
// opcode, result types and immediates. Entity references (callees, signatures, stack slots,
// global values, constants) are spelled out by content, so two functions whose preambles number
// things differently still compare equal.
import { formatMemFlags, formatSignature, type Function, type Inst, type InstructionData } from '../../../ir/index.js';
import { formatGlobalValue, formatStackSlot } from '../../../ir/preamble.js';

function calleeKey(fn: Function, ref: number): string {
  const ext = fn.extFuncs[ref];
  if (ext === undefined) return `fn${ref}?`;
  let name: string;
  if (ext.name.kind === 'testcase') name = `%${ext.name.name}`;
  else {
    const user = fn.userNamedFuncs[ext.name.ref];
    name = user === undefined ? `user${ext.name.ref}` : `u${user.namespace}:${user.index}`;
  }
  const sig = ext.signature === null ? '' : signatureKey(fn, ext.signature);
  return `${ext.colocated ? 'colocated ' : ''}${name} ${sig}`;
}

function signatureKey(fn: Function, ref: number): string {
  const sig = fn.signatures[ref];
  return sig === undefined ? `sig${ref}?` : formatSignature(sig);
}

/** The operand-free identity of `inst`: equal keys mean "same operation on corresponding operands". */
export function opKey(fn: Function, inst: Inst): string {
  const d: InstructionData = fn.dfg.inst(inst);
  const parts: string[] = [d.opcode];
  const results = fn.dfg.instResults(inst);
  if (results.length > 0) parts.push(results.map((r) => fn.dfg.valueType(r).name).join(','));
  else if (d.args.length > 0 && d.args[0] !== undefined && fn.dfg.valueIsDefined(d.args[0])) parts.push(`on ${fn.dfg.valueType(d.args[0]).name}`);
  if (d.imm !== 0n) parts.push(`imm=${d.imm}`);
  if (d.floatBits !== 0n) parts.push(`bits=${d.floatBits}`);
  if (d.lane !== 0) parts.push(`lane=${d.lane}`);
  if (d.constant >= 0) parts.push(`const=${(fn.constants.get(d.constant) ?? []).join(',')}`);
  if (d.mask !== null) parts.push(`mask=${d.mask.join(',')}`);
  if (d.cond !== '') parts.push(`cond=${d.cond}`);
  if (d.funcRef >= 0) parts.push(`callee=${calleeKey(fn, d.funcRef)}`);
  if (d.sigRef >= 0) parts.push(`sig=${signatureKey(fn, d.sigRef)}`);
  if (d.stackSlot >= 0) {
    const slot = fn.stackSlots[d.stackSlot];
    parts.push(`ss${d.stackSlot}=${slot === undefined ? '?' : formatStackSlot(slot)}`);
  }
  if (d.dynamicStackSlot >= 0) parts.push(`dss${d.dynamicStackSlot}`);
  if (d.globalValue >= 0) {
    const gv = fn.globalValues[d.globalValue];
    parts.push(`gv${d.globalValue}=${gv === undefined ? '?' : formatGlobalValue(gv)}`);
  }
  if (d.offset !== 0) parts.push(`offset=${d.offset}`);
  if (d.flags !== null) parts.push(`flags=${formatMemFlags(d.flags)}`);
  if (d.atomicOp !== '') parts.push(`op=${d.atomicOp}`);
  if (d.trapCode !== '') parts.push(`trap=${d.trapCode}`);
  if (d.table !== null) parts.push(`table=${d.table.entries.length}`);
  if (d.exceptionTable !== null) {
    parts.push(`exn=${signatureKey(fn, d.exceptionTable.sig)}:${d.exceptionTable.items.map((i) => (i.kind === 'tag' ? `tag${i.tag}` : i.kind)).join(',')}`);
  }
  return parts.join(' ');
}
