// Creating instructions: `buildInst` makes an instruction (with typed results) from an opcode and
// its operands; `Cursor` inserts at a position and offers short helpers for common opcodes.
import type { Block, Constant, FuncRef, Inst, SigRef, StackSlot, Type, Value } from './entities.js';
import type { Function } from './function.js';
import { InstructionData, type BlockArg, type BlockCall, type ExceptionTable, type JumpTable } from './instruction.js';
import { defaultMemFlags, type MemFlags } from './memflags.js';
import { formatSpec, instResultTypes, opcodeInfo, resultsFromSignature } from './opcode-table.js';
import type { TrapCode } from './trapcode.js';

/** Operands of a new instruction; which fields apply depends on the opcode's format. */
export interface InstOperands {
  args?: Value[];
  imm?: bigint | number;
  floatBits?: bigint;
  lane?: number;
  constant?: Constant;
  mask?: number[];
  cond?: string;
  destinations?: BlockCall[];
  table?: JumpTable;
  exceptionTable?: ExceptionTable;
  funcRef?: FuncRef;
  sigRef?: SigRef;
  stackSlot?: StackSlot;
  dynamicStackSlot?: number;
  globalValue?: number;
  block?: Block;
  offset?: number;
  flags?: Partial<MemFlags>;
  atomicOp?: string;
  trapCode?: TrapCode;
}

/** Memory flags from a partial description; unspecified fields take Cranelift's defaults. */
export function memFlags(partial: Partial<MemFlags> = {}): MemFlags {
  return { ...defaultMemFlags(), ...partial };
}

/** `notrap aligned`: the flags of accesses the embedder guarantees (Cranelift's `MemFlags::trusted`). */
export function trustedFlags(): MemFlags {
  return memFlags({ trapCode: null, aligned: true });
}

/**
 * Creates an instruction (not yet in the layout) with fresh result values typed from the opcode
 * table: `ctrlType` is the controlling type; when omitted it comes from the typevar operand.
 * Throws for unknown opcodes or when the types cannot be worked out.
 */
export function buildInst(fn: Function, opcode: string, operands: InstOperands = {}, ctrlType?: Type): Inst {
  const info = opcodeInfo(opcode);
  if (info === undefined) throw new Error(`unknown opcode '${opcode}'`);
  const spec = formatSpec(info);
  const data = new InstructionData(opcode, operands.args?.slice() ?? []);
  if (operands.imm !== undefined) data.imm = BigInt(operands.imm);
  if (operands.floatBits !== undefined) data.floatBits = operands.floatBits;
  if (operands.lane !== undefined) data.lane = operands.lane;
  if (operands.constant !== undefined) data.constant = operands.constant;
  if (operands.mask !== undefined) data.mask = operands.mask.slice();
  if (operands.cond !== undefined) data.cond = operands.cond;
  if (operands.destinations !== undefined) data.destinations = operands.destinations;
  if (operands.table !== undefined) data.table = operands.table;
  if (operands.exceptionTable !== undefined) data.exceptionTable = operands.exceptionTable;
  if (operands.funcRef !== undefined) data.funcRef = operands.funcRef;
  if (operands.sigRef !== undefined) data.sigRef = operands.sigRef;
  if (operands.stackSlot !== undefined) data.stackSlot = operands.stackSlot;
  if (operands.dynamicStackSlot !== undefined) data.dynamicStackSlot = operands.dynamicStackSlot;
  if (operands.globalValue !== undefined) data.globalValue = operands.globalValue;
  if (operands.block !== undefined) data.block = operands.block;
  if (operands.offset !== undefined) data.offset = operands.offset;
  if (operands.flags !== undefined) data.flags = memFlags(operands.flags);
  else if (spec.operands.includes('memflags')) data.flags = defaultMemFlags();
  if (operands.atomicOp !== undefined) data.atomicOp = operands.atomicOp;
  if (operands.trapCode !== undefined) data.trapCode = operands.trapCode;

  let ctrl = ctrlType;
  if (ctrl === undefined && info.polymorphic) {
    const operand = spec.typevarOperand === null ? undefined : data.args[spec.typevarOperand];
    if (!info.useTypevarOperand || operand === undefined) throw new Error(`${opcode} needs a controlling type`);
    ctrl = fn.dfg.valueType(operand);
  }
  if (opcode === 'iconst' && ctrl !== undefined) {
    // Stored like the parser stores it: the low bits, unsigned below 64 bits.
    data.imm = ctrl.bits < 64 ? BigInt.asUintN(ctrl.bits, data.imm) : BigInt.asIntN(64, data.imm);
  }
  let types: readonly Type[];
  if (resultsFromSignature(info)) {
    const sigRef = data.funcRef >= 0 ? fn.extFuncs[data.funcRef]?.signature : data.sigRef;
    const sig = sigRef === null || sigRef === undefined ? undefined : fn.signatures[sigRef];
    if (sig === undefined) throw new Error(`${opcode} refers to an unknown signature`);
    types = sig.returns.map((p) => p.type);
  } else {
    const t = instResultTypes(info, ctrl);
    if (t === undefined) throw new Error(`${ctrl?.name ?? 'no type'} is not a valid controlling type for ${opcode}`);
    types = t;
  }
  const inst = fn.dfg.makeInst(data);
  for (const t of types) fn.dfg.appendResult(inst, t);
  return inst;
}

/** Where a cursor inserts: before an instruction, or at the end of a block. */
export type CursorPosition =
  | { readonly kind: 'nowhere' }
  | { readonly kind: 'before'; readonly inst: Inst }
  | { readonly kind: 'end'; readonly block: Block };

/**
 * An insertion point in a function. Each insertion goes right after the previous one, so a
 * sequence of `ins` calls appears in the layout in call order.
 */
export class Cursor {
  position: CursorPosition = { kind: 'nowhere' };

  constructor(readonly fn: Function) {}

  /** Insert at the start of `block`. */
  atTop(block: Block): this {
    const first = this.fn.layout.firstInst(block);
    this.position = first === undefined ? { kind: 'end', block } : { kind: 'before', inst: first };
    return this;
  }

  /** Insert at the end of `block` (after its terminator: use `before(terminator)` to go in front of it). */
  atBottom(block: Block): this {
    this.position = { kind: 'end', block };
    return this;
  }

  before(inst: Inst): this {
    this.position = { kind: 'before', inst };
    return this;
  }

  after(inst: Inst): this {
    const layout = this.fn.layout;
    const next = layout.nextInst(inst);
    const block = layout.instBlock(inst);
    if (block === undefined) throw new Error(`inst${inst} is not in the layout`);
    this.position = next === undefined ? { kind: 'end', block } : { kind: 'before', inst: next };
    return this;
  }

  /** The block insertions go into. */
  currentBlock(): Block | undefined {
    const p = this.position;
    if (p.kind === 'end') return p.block;
    if (p.kind === 'before') return this.fn.layout.instBlock(p.inst);
    return undefined;
  }

  /** Inserts an existing (unplaced) instruction at the cursor. */
  insert(inst: Inst): Inst {
    const p = this.position;
    if (p.kind === 'before') this.fn.layout.insertInstBefore(inst, p.inst);
    else if (p.kind === 'end') this.fn.layout.appendInst(inst, p.block);
    else throw new Error('cursor has no position');
    return inst;
  }

  /** Builds an instruction (see `buildInst`) and inserts it. */
  ins(opcode: string, operands: InstOperands = {}, ctrlType?: Type): Inst {
    return this.insert(buildInst(this.fn, opcode, operands, ctrlType));
  }

  /** Builds and inserts an instruction, returning its first result. */
  insValue(opcode: string, operands: InstOperands = {}, ctrlType?: Type): Value {
    return this.fn.dfg.firstResult(this.ins(opcode, operands, ctrlType));
  }

  iconst(type: Type, imm: bigint | number): Value {
    return this.insValue('iconst', { imm }, type);
  }

  iadd(a: Value, b: Value): Value {
    return this.insValue('iadd', { args: [a, b] });
  }

  isub(a: Value, b: Value): Value {
    return this.insValue('isub', { args: [a, b] });
  }

  icmp(cond: string, a: Value, b: Value): Value {
    return this.insValue('icmp', { cond, args: [a, b] });
  }

  load(type: Type, flags: MemFlags, addr: Value, offset = 0): Value {
    return this.insValue('load', { flags, args: [addr], offset }, type);
  }

  store(flags: MemFlags, value: Value, addr: Value, offset = 0): Inst {
    return this.ins('store', { flags, args: [value, addr], offset });
  }

  jump(block: Block, args: BlockArg[] = []): Inst {
    return this.ins('jump', { destinations: [{ block, args }] });
  }

  brif(cond: Value, thenBlock: Block, thenArgs: BlockArg[], elseBlock: Block, elseArgs: BlockArg[]): Inst {
    return this.ins('brif', { args: [cond], destinations: [{ block: thenBlock, args: thenArgs }, { block: elseBlock, args: elseArgs }] });
  }

  call(funcRef: FuncRef, args: Value[]): Inst {
    return this.ins('call', { funcRef, args });
  }

  return(values: Value[]): Inst {
    return this.ins('return', { args: values });
  }

  getPinnedReg(type: Type): Value {
    return this.insValue('get_pinned_reg', {}, type);
  }

  setPinnedReg(value: Value): Inst {
    return this.ins('set_pinned_reg', { args: [value] });
  }

  trapnz(cond: Value, code: TrapCode): Inst {
    return this.ins('trapnz', { args: [cond], trapCode: code });
  }
}
