// Instruction data: one record shape for every format, so the engine keeps a single hidden class.
// Which fields are meaningful depends on the opcode's format (see docs/ir.md).
import type {
  Block,
  Constant,
  DynamicStackSlot,
  FuncRef,
  GlobalValue,
  SigRef,
  StackSlot,
  Type,
  Value,
} from './entities.js';
import type { MemFlags } from './memflags.js';
import type { TrapCode } from './trapcode.js';

/** A `try_call` edge argument: the callee's return value `retN` or exception payload `exnN`. */
export interface TryCallArg {
  readonly kind: 'ret' | 'exn';
  readonly index: number;
}

/** A block-call argument: an SSA value, or (after `try_call`) `retN`/`exnN`. */
export type BlockArg = Value | TryCallArg;

/** A branch destination with its arguments: `block3(v1, v2)`. */
export interface BlockCall {
  block: Block;
  args: BlockArg[];
}

/** `br_table` destinations: the default block, then the table. */
export interface JumpTable {
  default: BlockCall;
  entries: BlockCall[];
}

export type ExceptionItem =
  | { kind: 'tag'; tag: number; dest: BlockCall }
  | { kind: 'default'; dest: BlockCall }
  | { kind: 'context'; value: Value };

/** A `try_call` exception table: `sig0, block1(ret0), [ tag1: block2(exn0), default: block3 ]`. */
export interface ExceptionTable {
  sig: SigRef;
  normalReturn: BlockCall;
  items: ExceptionItem[];
}

/** A `stack_map=[i32 @ ss0+4]` entry on a call. */
export interface UserStackMapEntry {
  type: Type;
  slot: StackSlot;
  offset: number;
}

export class InstructionData {
  /** Opcode name as written (`iadd`, `iadd_imm`, `brif`, ...). */
  opcode: string;
  /** Value operands in Cranelift's order (call_indirect: callee first; store: value, address). */
  args: Value[];
  /** Integer immediate (UnaryImm, BinaryImm64, IntCompareImm, ExceptionHandlerAddress), as a signed 64-bit value. */
  imm: bigint = 0n;
  /** Raw IEEE bits (UnaryIeee16/32/64). */
  floatBits: bigint = 0n;
  /** u8 immediate: lane index (BinaryImm8, TernaryImm8). */
  lane = 0;
  /** Constant-pool entry (UnaryConst). */
  constant: Constant = -1;
  /** Shuffle mask, 16 little-endian bytes (Shuffle). */
  mask: number[] | null = null;
  /** Condition code (IntCompare, FloatCompare, IntCompareImm). */
  cond = '';
  /** Branch destinations (Jump: 1, Brif: then and else, legacy Branch: 1). */
  destinations: BlockCall[] | null = null;
  /** br_table default and entries (BranchTable). */
  table: JumpTable | null = null;
  /** Exception table (TryCall, TryCallIndirect). */
  exceptionTable: ExceptionTable | null = null;
  funcRef: FuncRef = -1;
  sigRef: SigRef = -1;
  stackSlot: StackSlot = -1;
  dynamicStackSlot: DynamicStackSlot = -1;
  globalValue: GlobalValue = -1;
  /** Block operand (ExceptionHandlerAddress). */
  block: Block = -1;
  /** Offset32 (Load, Store, StackAddr, StackLoad, StackStore). */
  offset = 0;
  /** Memory flags (Load, Store, LoadNoOffset, StoreNoOffset, AtomicRmw, AtomicCas). */
  flags: MemFlags | null = null;
  /** Atomic read-modify-write operation (AtomicRmw). */
  atomicOp = '';
  /** Trap code (Trap, CondTrap, IntAddTrap). */
  trapCode: TrapCode = '';
  /** Legacy-dialect entity operand: `heapN` (HeapAddr), `tableN` (TableAddr), `jtN` (LegacyBranchTable). */
  legacyRef = -1;
  /** Legacy `heap_addr` access size (its optional second immediate), or -1 when absent. */
  accessSize = -1;
  /** User stack map entries on a call, or null. */
  stackMap: UserStackMapEntry[] | null = null;

  constructor(opcode: string, args: Value[] = []) {
    this.opcode = opcode;
    this.args = args;
  }
}

export function isTryCallArg(arg: BlockArg): arg is TryCallArg {
  return typeof arg !== 'number';
}

export function formatBlockArg(arg: BlockArg): string {
  return typeof arg === 'number' ? `v${arg}` : `${arg.kind}${arg.index}`;
}

/** `block3` or `block3(v1, ret0)`. */
export function formatBlockCall(call: BlockCall): string {
  if (call.args.length === 0) return `block${call.block}`;
  let out = `block${call.block}(`;
  for (let i = 0; i < call.args.length; i++) out += (i === 0 ? '' : ', ') + formatBlockArg(call.args[i]!);
  return `${out})`;
}

/** Every branch destination of an instruction, in print order (default first for br_table). */
export function branchDestinations(data: InstructionData): BlockCall[] {
  if (data.destinations !== null) return data.destinations;
  if (data.table !== null) return [data.table.default, ...data.table.entries];
  if (data.exceptionTable !== null) {
    const out = [data.exceptionTable.normalReturn];
    for (const item of data.exceptionTable.items) if (item.kind !== 'context') out.push(item.dest);
    return out;
  }
  return [];
}

function cloneCall(c: BlockCall): BlockCall {
  return { block: c.block, args: c.args.slice() };
}

/** A deep copy of instruction data. */
export function cloneInstructionData(d: InstructionData): InstructionData {
  const c = new InstructionData(d.opcode, d.args.slice());
  c.imm = d.imm;
  c.floatBits = d.floatBits;
  c.lane = d.lane;
  c.constant = d.constant;
  c.mask = d.mask === null ? null : d.mask.slice();
  c.cond = d.cond;
  c.destinations = d.destinations === null ? null : d.destinations.map(cloneCall);
  c.table = d.table === null ? null : { default: cloneCall(d.table.default), entries: d.table.entries.map(cloneCall) };
  if (d.exceptionTable !== null) {
    const t = d.exceptionTable;
    c.exceptionTable = {
      sig: t.sig,
      normalReturn: cloneCall(t.normalReturn),
      items: t.items.map((item): ExceptionItem => (item.kind === 'context' ? { ...item } : { ...item, dest: cloneCall(item.dest) })),
    };
  }
  c.funcRef = d.funcRef;
  c.sigRef = d.sigRef;
  c.stackSlot = d.stackSlot;
  c.dynamicStackSlot = d.dynamicStackSlot;
  c.globalValue = d.globalValue;
  c.block = d.block;
  c.offset = d.offset;
  c.flags = d.flags === null ? null : { ...d.flags };
  c.atomicOp = d.atomicOp;
  c.trapCode = d.trapCode;
  c.legacyRef = d.legacyRef;
  c.accessSize = d.accessSize;
  c.stackMap = d.stackMap === null ? null : d.stackMap.map((e) => ({ ...e }));
  return c;
}
