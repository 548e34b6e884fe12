// The CLIF data model, parser, printer and editing API.
export { ClifParseError } from './parse-error.js';
export { hostCallConv, parse, parseEach, parseFunction, type ParseOptions } from './parser.js';
export { print, printFile, type PrintOptions } from './printer.js';
export { Function, formatFunctionName, type ClifFile, type DebugTag, type FunctionName } from './function.js';
export { DataFlowGraph, ValueData, ValueKind, type ValueDef } from './dfg.js';
export { Layout } from './layout.js';
export {
  InstructionData,
  branchDestinations,
  cloneInstructionData,
  formatBlockCall,
  isTryCallArg,
  type BlockArg,
  type BlockCall,
  type ExceptionItem,
  type ExceptionTable,
  type JumpTable,
  type TryCallArg,
  type UserStackMapEntry,
} from './instruction.js';
export { NONE } from './entities.js';
export type {
  AliasRegion,
  Block,
  Constant,
  DynamicStackSlot,
  DynamicType,
  FuncRef,
  GlobalValue,
  Inst,
  SigRef,
  StackSlot,
  Value,
} from './entities.js';
export { cloneMemFlags, defaultMemFlags, formatMemFlags, type MemFlags } from './memflags.js';
export { LEGACY_TRAP_CODES, parseTrapCode, type TrapCode } from './trapcode.js';
export {
  abiParam,
  CALL_CONVS,
  formatSignature,
  type AbiParam,
  type ArgumentExtension,
  type ArgumentPurpose,
  type CallConv,
  type Signature,
} from './signature.js';
export type {
  AliasRegionData,
  DynamicStackSlotData,
  DynamicTypeData,
  ExternalName,
  ExtFuncData,
  GlobalValueData,
  HeapData,
  StackSlotData,
  TableData,
  UserExternalName,
} from './preamble.js';
export { buildInst, Cursor, memFlags, trustedFlags, type CursorPosition, type InstOperands } from './builder.js';
export {
  appendBlockParam,
  changeToAlias,
  createBlock,
  destinations,
  removeBlock,
  removeBlockParam,
  removeInst,
  replaceAllUses,
  resolveAliases,
  retarget,
  setSrcloc,
  splitBlock,
  splitEdge,
  successors,
  terminator,
  type BlockPlacement,
} from './mutate.js';
export { modernize, ModernizeError, type ModernizeOptions } from './modernize.js';
export { Type, I8, I16, I32, I64, I128, F16, F32, F64, F128, parseType } from './types.js';
export { lookupOpcode, opcodes, formats, type FormatSpec } from './opcodes.js';
export { opcodeInfo, formatSpec, requiresTypevarOperand } from './opcode-table.js';
export type { OpcodeInfo, FormatInfo, ResultType } from './opcode-info.js';
