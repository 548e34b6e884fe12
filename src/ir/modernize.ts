// Rewrites legacy-dialect instructions into current Cranelift so the bundled reader accepts the
// printed result. Each rewrite keeps the original result value numbers; helper values get fresh
// numbers. Legacy forms with no current equivalent (CPU flags, booleans, heaps) are refused.
import { Cursor, trustedFlags } from './builder.js';
import type { Block, GlobalValue, Inst, Type, Value } from './entities.js';
import type { Function } from './function.js';
import type { InstructionData } from './instruction.js';
import { cloneMemFlags } from './memflags.js';
import { LEGACY_TRAP_CODES } from './trapcode.js';
import { createBlock, removeInst, replaceAllUses } from './mutate.js';
import { opcodeInfo } from './opcode-table.js';
import { I64, parseType } from './types.js';

/** Thrown when a legacy instruction has no current-dialect rewrite. */
export class ModernizeError extends Error {
  override readonly name = 'ModernizeError';
}

const IMM_TO_BINARY: Readonly<Record<string, string>> = {
  iadd_imm: 'iadd',
  imul_imm: 'imul',
  sdiv_imm: 'sdiv',
  udiv_imm: 'udiv',
  srem_imm: 'srem',
  urem_imm: 'urem',
  irsub_imm: 'isub',
  band_imm: 'band',
  bor_imm: 'bor',
  bxor_imm: 'bxor',
  rotl_imm: 'rotl',
  rotr_imm: 'rotr',
  ishl_imm: 'ishl',
  ushr_imm: 'ushr',
  sshr_imm: 'sshr',
};

const NOT_TO_BINARY: Readonly<Record<string, string>> = { band_not: 'band', bor_not: 'bor', bxor_not: 'bxor' };

const I128 = parseType('i128') as Type;

export interface ModernizeOptions {
  /** Pointer type for `stack_addr`/`dynamic_stack_addr` and global values (default i64). */
  pointerType?: Type;
}

/** Rewrites every legacy instruction of `fn` in place. Returns how many instructions changed. */
export function modernize(fn: Function, options: ModernizeOptions = {}): number {
  const ptr = options.pointerType ?? I64;
  let changed = 0;
  for (const block of fn.layout.blockList()) {
    // Instructions may move to a new block when a fallthrough branch splits this one.
    let inst = fn.layout.firstInst(block);
    while (inst !== undefined) {
      const next = fn.layout.nextInst(inst);
      const d = fn.dfg.insts[inst]!;
      const info = opcodeInfo(d.opcode);
      let touched = modernizeCodes(d);
      if (d.opcode === 'br_table' && d.legacyRef >= 0) {
        // The table's entries were copied into `d.table` when parsing; drop the jtN reference.
        d.legacyRef = -1;
        touched = true;
      } else if (info === undefined || info.dialect === 'legacy' || (d.opcode === 'brif' && d.cond !== '')) {
        rewrite(fn, inst, ptr);
        touched = true;
      }
      if (touched) changed++;
      inst = next === undefined ? undefined : fn.layout.instBlock(next) === undefined ? undefined : next;
    }
  }
  fn.heaps.length = 0;
  fn.tables.length = 0;
  fn.jumpTables.length = 0;
  return changed;
}

/** Legacy trap codes become Wasmtime's user codes; legacy alias-analysis memflags go away. */
function modernizeCodes(d: InstructionData): boolean {
  let touched = false;
  const code = LEGACY_TRAP_CODES.get(d.trapCode);
  if (code !== undefined) {
    d.trapCode = code;
    touched = true;
  }
  if (d.flags !== null) {
    const flagCode = d.flags.trapCode === null ? undefined : LEGACY_TRAP_CODES.get(d.flags.trapCode);
    if (flagCode !== undefined) {
      d.flags.trapCode = flagCode;
      touched = true;
    }
    if (d.flags.legacy.length > 0) {
      d.flags.legacy = [];
      touched = true;
    }
  }
  return touched;
}

/** An `iconst` of the operand's type (i128 goes through a sign-extended i64). */
function constantFor(cur: Cursor, type: Type, imm: bigint): Value {
  if (type === I128) return cur.insValue('sextend', { args: [cur.iconst(I64, imm)] }, I128);
  return cur.iconst(type, imm);
}

function rewrite(fn: Function, inst: Inst, ptr: Type): void {
  const dfg = fn.dfg;
  const d = dfg.insts[inst]!;
  const cur = new Cursor(fn).before(inst);
  const op = d.opcode;
  const binary = IMM_TO_BINARY[op];
  if (binary !== undefined) {
    const x = d.args[0]!;
    const type = dfg.valueType(x);
    const isShift = op === 'ishl_imm' || op === 'ushr_imm' || op === 'sshr_imm' || op === 'rotl_imm' || op === 'rotr_imm';
    const c = isShift && type === I128 ? cur.iconst(I64, d.imm) : constantFor(cur, type, d.imm);
    setOp(d, binary, op === 'irsub_imm' ? [c, x] : [x, c]);
    return;
  }
  const not = NOT_TO_BINARY[op];
  if (not !== undefined) {
    const inverted = cur.insValue('bnot', { args: [d.args[1]!] });
    setOp(d, not, [d.args[0]!, inverted]);
    return;
  }
  switch (op) {
    case 'icmp_imm': {
      const x = d.args[0]!;
      setOp(d, 'icmp', [x, constantFor(cur, dfg.valueType(x), d.imm)]);
      return;
    }
    case 'stack_load': {
      const addr = cur.insValue('stack_addr', { stackSlot: d.stackSlot, offset: d.offset }, ptr);
      setOp(d, 'load', [addr]);
      d.flags = trustedFlags();
      d.offset = 0;
      return;
    }
    case 'stack_store': {
      const addr = cur.insValue('stack_addr', { stackSlot: d.stackSlot, offset: d.offset }, ptr);
      setOp(d, 'store', [d.args[0]!, addr]);
      d.flags = trustedFlags();
      d.offset = 0;
      return;
    }
    case 'dynamic_stack_load': {
      const addr = cur.insValue('dynamic_stack_addr', { dynamicStackSlot: d.dynamicStackSlot }, ptr);
      setOp(d, 'load', [addr]);
      d.flags = trustedFlags();
      return;
    }
    case 'dynamic_stack_store': {
      const addr = cur.insValue('dynamic_stack_addr', { dynamicStackSlot: d.dynamicStackSlot }, ptr);
      setOp(d, 'store', [d.args[0]!, addr]);
      d.flags = trustedFlags();
      return;
    }
    case 'global_value':
      expandGlobalValue(fn, inst, cur, ptr);
      return;
    case 'brz':
    case 'brnz':
      fallthroughBranch(fn, inst, op === 'brz');
      return;
    case 'heap_addr':
    case 'table_addr':
      throw new ModernizeError(`${op} needs the bounds checks of its heap or table spelled out; rewrite it with the producer of this code`);
    default:
      throw new ModernizeError(`${op} has no current-dialect equivalent`);
  }
}

function setOp(d: InstructionData, opcode: string, args: Value[]): void {
  d.opcode = opcode;
  d.args = args;
  d.imm = 0n;
}

/** The value of global value `gv`, computed with instructions inserted at `cur`. */
function materialize(fn: Function, gv: GlobalValue, cur: Cursor, ptr: Type, depth: number): Value {
  if (depth > fn.globalValues.length) throw new ModernizeError(`global value gv${gv} is defined in terms of itself`);
  const data = fn.globalValues[gv];
  if (data === undefined) throw new ModernizeError(`undefined global value gv${gv}`);
  switch (data.kind) {
    case 'vmctx':
      return vmctxParam(fn);
    case 'load':
      return cur.load(data.type, cloneMemFlags(data.flags), materialize(fn, data.base, cur, ptr, depth + 1), data.offset);
    case 'iadd_imm': {
      const base = materialize(fn, data.base, cur, ptr, depth + 1);
      return cur.iadd(base, constantFor(cur, data.type, data.offset));
    }
    case 'symbol':
      return cur.insValue(data.tls ? 'tls_value' : 'symbol_value', { globalValue: gv }, ptr);
    case 'dyn_scale_target_const':
      throw new ModernizeError(`global value gv${gv} (dyn_scale_target_const) cannot be read by an instruction`);
  }
}

function vmctxParam(fn: Function): Value {
  const entry = fn.layout.entryBlock();
  const index = fn.signature.params.findIndex((p) => p.purpose.kind === 'vmctx');
  const param = entry === undefined || index === -1 ? undefined : fn.dfg.blockParams(entry)[index];
  if (param === undefined) throw new ModernizeError('a vmctx global value needs a vmctx parameter in the signature');
  return param;
}

/** `v = global_value.T gvN` becomes the expansion of gvN; `v` keeps its number where possible. */
function expandGlobalValue(fn: Function, inst: Inst, cur: Cursor, ptr: Type): void {
  const d = fn.dfg.insts[inst]!;
  const gv = d.globalValue;
  const data = fn.globalValues[gv];
  const result = fn.dfg.firstResult(inst);
  if (data !== undefined && data.kind === 'load') {
    // The final load is this instruction itself.
    setOp(d, 'load', [materialize(fn, data.base, cur, ptr, 1)]);
    d.flags = cloneMemFlags(data.flags);
    d.offset = data.offset;
    d.globalValue = -1;
    return;
  }
  if (data !== undefined && data.kind === 'symbol') {
    d.opcode = data.tls ? 'tls_value' : 'symbol_value';
    return;
  }
  const value = materialize(fn, gv, cur, ptr, 0);
  replaceAllUses(fn, result, value);
  removeInst(fn, inst);
}

/**
 * `brz v, A(args)` followed by `jump B(bargs)` becomes `brif v, B(bargs), A(args)` (brnz keeps the
 * order). When something else follows, the rest of the block moves to a new block that becomes
 * the fallthrough target.
 */
function fallthroughBranch(fn: Function, inst: Inst, isZero: boolean): void {
  const d = fn.dfg.insts[inst]!;
  const taken = d.destinations![0]!;
  const next = fn.layout.nextInst(inst);
  let fallthrough: { block: Block; args: (typeof taken.args)[number][] };
  if (next !== undefined && fn.dfg.insts[next]!.opcode === 'jump' && fn.layout.nextInst(next) === undefined) {
    fallthrough = fn.dfg.insts[next]!.destinations![0]!;
    removeInst(fn, next);
  } else {
    const block = fn.layout.instBlock(inst)!;
    const fresh = createBlock(fn, { after: block });
    if (next !== undefined) fn.layout.splitBlockAt(next, fresh);
    fallthrough = { block: fresh, args: [] };
  }
  d.opcode = 'brif';
  d.destinations = isZero ? [fallthrough, taken] : [taken, fallthrough];
}
