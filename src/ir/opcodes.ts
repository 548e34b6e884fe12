// The opcode and instruction-format table of CLIF: every opcode of Cranelift 0.135.8 (dialect
// `current`) plus the opcodes older Cranelift releases accepted and Wasmtime dumps still contain
// (dialect `legacy`). Facts follow cranelift-codegen-meta's `shared/{instructions,formats}.rs`;
// each legacy opcode is described as the last release that had it defined it (0.126 for the
// `*_imm` family, `icmp_imm`, stack and global-value ops; 0.95 for the carry ops, references and
// `table_addr`; 0.91 for `brz`/`brnz`, CPU flags and `heap_addr`; 0.88 for booleans and
// flag-consuming ops).

import type { DerivedTypeFn, Dialect, FormatInfo, FormatName, OpcodeInfo, ResultType, TypeSet } from './opcode-info.js';

// ---------------------------------------------------------------------------------------------
// Formats

/**
 * One piece of an instruction's operand text, in the order the writer prints them.
 *
 * - `value`: one SSA value `vN`; `args`: a comma-separated, possibly empty value list (in
 *   `MultiAry` with no brackets; in calls inside the parentheses that follow the callee).
 * - `offset32`: a signed offset glued to the preceding value or slot (`v0+8`, `ss1-4`), omitted
 *   when zero; `memflags`: zero or more flag words (`notrap aligned readonly region2 ...`),
 *   followed by a space, never by a comma.
 * - `intcc` / `floatcc`: a condition-code word followed by a space (`icmp sge v1, v2`).
 * - `imm64` (signed or hex), `uimm8`, `uimm32`, `ieee16/32/64` (float literal), `bool` (legacy
 *   `true`/`false`), `constant` (`constN`, or for `vconst`/`f128const` an inline literal),
 *   `uimm128` (a shuffle mask `[0 1 ...]` or constant), `trapcode`, `atomicRmwOp` (`add`, `xchg`...).
 * - Entities: `funcRef` `fnN`, `sigRef` `sigN`, `globalValue` `gvN`, `stackSlot` `ssN`,
 *   `dynamicStackSlot` `dssN`, `heap` `heapN`, `table` `tableN`, `jumpTableRef` `jtN`, `block`
 *   a bare `blockN`.
 * - `blockCall`: `blockN` with optional `(args)`, whose args may also be `retN`/`exnN` in try_call
 *   tables; `jumpTable`: current `br_table` text `blockN, [blockA(args), ...]` (default first);
 *   `exceptionTable`: try_call's `sigN, blockR(args), [ tagN: blockA(args), default: blockB(args),
 *   context vN ]` (normal-return block first; `[]` when the list is empty).
 */
export type OperandSyntax =
  | 'value'
  | 'args'
  | 'offset32'
  | 'memflags'
  | 'intcc'
  | 'floatcc'
  | 'imm64'
  | 'uimm8'
  | 'uimm32'
  | 'ieee16'
  | 'ieee32'
  | 'ieee64'
  | 'bool'
  | 'constant'
  | 'uimm128'
  | 'trapcode'
  | 'atomicRmwOp'
  | 'funcRef'
  | 'sigRef'
  | 'globalValue'
  | 'stackSlot'
  | 'dynamicStackSlot'
  | 'heap'
  | 'table'
  | 'jumpTableRef'
  | 'block'
  | 'blockCall'
  | 'jumpTable'
  | 'exceptionTable';

/** A format with what the parser and printer need beyond `FormatInfo`. */
export interface FormatSpec extends FormatInfo {
  readonly dialect: Dialect;
  /**
   * The operand text after `opcode[.type]` and one space, as the writer prints it: each
   * `{piece}` is an `OperandSyntax`; everything else is literal. E.g. Load is
   * `{memflags} {value}{offset32}`. Optional parts are noted on `notes`.
   */
  readonly syntax: string;
  /** The `{pieces}` of `syntax`, in order. */
  readonly operands: readonly OperandSyntax[];
  /** How many fixed value operands (`value` pieces) the format has. */
  readonly valueOperands: number;
  /** Whether it carries a variable value list (`args`). */
  readonly hasValueList: boolean;
  /** Quirks of the text the syntax template cannot show. */
  readonly notes?: string;
}

const PIECE = /\{(\w+)\}/g;

function format(
  dialect: Dialect,
  name: FormatName,
  typevarOperand: number | null,
  syntax: string,
  notes?: string,
): FormatSpec {
  const operands = [...syntax.matchAll(PIECE)].map((m) => m[1] as OperandSyntax);
  const valueOperands = operands.filter((piece) => piece === 'value').length;
  const spec = {
    name,
    dialect,
    typevarOperand,
    syntax,
    operands,
    valueOperands,
    hasValueList: operands.includes('args'),
  };
  return notes === undefined ? spec : { ...spec, notes };
}

const current = (name: FormatName, tv: number | null, syntax: string, notes?: string) =>
  format('current', name, tv, syntax, notes);
const legacy = (name: FormatName, tv: number | null, syntax: string, notes?: string) =>
  format('legacy', name, tv, syntax, notes);

const formatList: readonly FormatSpec[] = [
  current('Unary', 0, '{value}'),
  current('UnaryImm', null, '{imm64}', 'printed sign-extended from the controlling type width'),
  current('UnaryIeee16', null, '{ieee16}'),
  current('UnaryIeee32', null, '{ieee32}'),
  current('UnaryIeee64', null, '{ieee64}'),
  current('UnaryConst', null, '{constant}', 'the reader also takes an inline literal when a type suffix is given'),
  current('UnaryGlobalValue', null, '{globalValue}'),
  current('Binary', 0, '{value}, {value}'),
  current('BinaryImm8', 0, '{value}, {uimm8}'),
  // The first operand of select-like instructions is the condition; the second fixes the type.
  current('Ternary', 1, '{value}, {value}, {value}'),
  current('TernaryImm8', 0, '{value}, {value}, {uimm8}'),
  current('MultiAry', null, '{args}', 'nothing follows the opcode when the list is empty'),
  current('NullAry', null, '', 'the writer leaves a trailing space after the opcode'),
  current('Shuffle', 0, '{value}, {value}, {uimm128}'),
  current('IntCompare', 0, '{intcc} {value}, {value}'),
  current('FloatCompare', 0, '{floatcc} {value}, {value}'),
  current('Jump', null, '{blockCall}'),
  current('Brif', 0, '{value}, {blockCall}, {blockCall}'),
  current('BranchTable', 0, '{value}, {jumpTable}', 'legacy files write `{value}, {block}, {jumpTableRef}`: see LegacyBranchTable'),
  current('Call', null, '{funcRef}({args})', 'may be followed by `, stack_map=[...]`'),
  current('CallIndirect', 0, '{sigRef}, {value}({args})', 'may be followed by `, stack_map=[...]`'),
  current('TryCall', null, '{funcRef}({args}), {exceptionTable}'),
  current('TryCallIndirect', 0, '{value}({args}), {exceptionTable}'),
  current('FuncAddr', null, '{funcRef}'),
  current('AtomicRmw', 0, '{memflags} {atomicRmwOp} {value}, {value}'),
  current('AtomicCas', 2, '{memflags} {value}, {value}, {value}'),
  current('Load', 0, '{memflags} {value}{offset32}'),
  current('LoadNoOffset', 0, '{memflags} {value}'),
  current('Store', 0, '{memflags} {value}, {value}{offset32}'),
  current('StoreNoOffset', 0, '{memflags} {value}, {value}'),
  current('StackAddr', null, '{stackSlot}{offset32}'),
  current('DynamicStackAddr', null, '{dynamicStackSlot}'),
  current('Trap', null, '{trapcode}'),
  current('CondTrap', 0, '{value}, {trapcode}'),
  current('IntAddTrap', 0, '{value}, {value}, {trapcode}'),
  current('ExceptionHandlerAddress', null, '{block}, {imm64}'),

  legacy('BinaryImm64', 0, '{value}, {imm64}'),
  legacy('IntCompareImm', 0, '{intcc} {value}, {imm64}'),
  legacy('StackLoad', null, '{stackSlot}{offset32}'),
  legacy('StackStore', 0, '{value}, {stackSlot}{offset32}'),
  legacy('DynamicStackLoad', null, '{dynamicStackSlot}'),
  legacy('DynamicStackStore', 0, '{value}, {dynamicStackSlot}'),
  legacy('Branch', 0, '{value}, {blockCall}'),
  legacy('BranchInt', 0, '{intcc} {value}, {blockCall}'),
  legacy('BranchFloat', 0, '{floatcc} {value}, {blockCall}'),
  legacy('BranchIcmp', 0, '{intcc} {value}, {value}, {blockCall}'),
  // Cranelift called this `BranchTable` before 2023; renamed here to keep format names unique.
  legacy('LegacyBranchTable', 0, '{value}, {block}, {jumpTableRef}', 'jump tables are preamble entities `jtN = jump_table [blockA, ...]`'),
  legacy('IntCond', 0, '{intcc} {value}'),
  legacy('FloatCond', 0, '{floatcc} {value}'),
  legacy('IntSelect', 0, '{intcc} {value}, {value}, {value}'),
  legacy('IntCondTrap', 0, '{intcc} {value}, {trapcode}'),
  legacy('FloatCondTrap', 0, '{floatcc} {value}, {trapcode}'),
  legacy('UnaryBool', null, '{bool}'),
  legacy('HeapAddr', 0, '{heap}, {value}, {uimm32}', 'late-2022 releases add a second immediate, the access size: `heap0, v1, 0, 4`'),
  legacy('TableAddr', 0, '{table}, {value}, {offset32}', 'the offset may be omitted (writers print only `table0, v1`)'),
];

/** Every instruction format by name. */
export const formats: ReadonlyMap<FormatName, FormatSpec> = new Map(formatList.map((f) => [f.name, f]));

// ---------------------------------------------------------------------------------------------
// Controlling type sets

/** An inclusive range of powers of two, or every value cranelift-meta allows for that field. */
type Span = readonly [number, number] | 'all';

interface TypeSetOptions {
  readonly ints?: Span;
  readonly floats?: Span;
  readonly bools?: Span;
  readonly refs?: Span;
  /** Fixed vector lane counts; without it a set holds scalars only. */
  readonly simd?: Span;
  readonly dynamic?: Span;
  /** With `simd: 'all'`, whether scalars (1 lane) belong too (meta's `includes_scalars`, default true). */
  readonly scalars?: boolean;
}

function powersOfTwo(span: Span | undefined, all: readonly [number, number]): number[] {
  if (span === undefined) return [];
  const [low, high] = span === 'all' ? all : span;
  const out: number[] = [];
  for (let n = low; n <= high; n *= 2) out.push(n);
  return out;
}

/** A type set built the way cranelift-meta's `TypeSetBuilder` builds one. */
function typeSet(o: TypeSetOptions): TypeSet {
  const minLanes = o.scalars === false ? 2 : 1;
  return {
    lanes: o.simd === undefined ? [1] : powersOfTwo(o.simd, [minLanes, 256]),
    dynamicLanes: powersOfTwo(o.dynamic, [2, 256]),
    ints: powersOfTwo(o.ints, [8, 128]),
    floats: powersOfTwo(o.floats, [16, 128]),
    // Boolean widths jump from b1 to b8.
    bools: o.bools === undefined ? [] : [1, ...powersOfTwo(o.bools, [8, 128]).filter((n) => n >= 8)],
    refs: powersOfTwo(o.refs, [32, 64]),
  };
}

const INT_SCALAR = typeSet({ ints: 'all' });
const ADDRESS = typeSet({ ints: [32, 64] });
const EXT8 = typeSet({ ints: [16, 64] });
const I64_ONLY = typeSet({ ints: [64, 64] });
const NARROW_INT = typeSet({ ints: [8, 64] });
const WIDE_INT = typeSet({ ints: [16, 128] });
const ATOMIC = typeSet({ ints: [8, 128] });
const INT = typeSet({ ints: 'all', simd: 'all', dynamic: 'all' });
const INT_OR_VECTOR = typeSet({ ints: 'all', simd: 'all' });
const INT_VECTOR = typeSet({ ints: 'all', simd: 'all', scalars: false });
const I16_OR_I32_VECTOR = typeSet({ ints: [16, 32], simd: [4, 8] });
const NARROWABLE = typeSet({ ints: [16, 64], simd: [2, 8], dynamic: [2, 8], scalars: false });
const WIDENABLE = typeSet({ ints: [8, 32], simd: [2, 16], dynamic: [2, 16], scalars: false });
const FLOAT = typeSet({ floats: 'all', simd: 'all', dynamic: 'all' });
const FLOAT_SCALAR = typeSet({ floats: 'all' });
const FLOAT_OR_VECTOR = typeSet({ floats: 'all', simd: 'all' });
const ANY = typeSet({ ints: 'all', floats: 'all', simd: 'all' });
const MEM = typeSet({ ints: 'all', floats: 'all', simd: 'all', dynamic: 'all' });
const VECTOR = typeSet({ ints: 'all', floats: 'all', simd: 'all', scalars: false });
const LANES = typeSet({ ints: 'all', floats: 'all', simd: 'all', dynamic: 'all', scalars: false });
const DYNAMIC_LANES = typeSet({ ints: 'all', floats: 'all', dynamic: 'all' });
// Legacy sets with booleans and references.
const BOOL = typeSet({ bools: 'all' });
const BOOL_OR_VECTOR = typeSet({ bools: 'all', simd: 'all' });
const ANY_2022 = typeSet({ ints: 'all', floats: 'all', bools: 'all', refs: 'all', simd: 'all' });
const ADDRESS_OR_REF = typeSet({ ints: [32, 64], refs: [32, 64] });
const REF = typeSet({ refs: 'all' });
const ANY_UP_TO_128_LANES = typeSet({ ints: 'all', floats: 'all', simd: [1, 128] });

/** The controlling type set of every polymorphic opcode, current and legacy. */
const ctrlTypeSets: ReadonlyMap<string, TypeSet> = new Map(
  (
    [
      [
        INT_SCALAR,
        `brif trapz trapnz udiv sdiv urem srem sadd_overflow_cin uadd_overflow_cin uadd_overflow sadd_overflow
         usub_overflow ssub_overflow ssub_overflow_bin usub_overflow_bin bitrev clz cls ctz bmask ireduce uextend
         sextend fcvt_to_uint fcvt_to_sint
         iadd_imm imul_imm sdiv_imm udiv_imm srem_imm urem_imm irsub_imm band_imm bor_imm bxor_imm icmp_imm
         brz brnz br_icmp resumable_trapnz iadd_cin iadd_cout iadd_carry ifcmp ifcmp_imm iadd_ifcin iadd_ifcout
         iadd_ifcarry isub_bin isub_bout isub_borrow bint`,
      ],
      [
        ADDRESS,
        `call_indirect return_call_indirect func_addr try_call_indirect uload16 sload16 istore16 uload32 sload32
         stack_switch uload8x8 sload8x8 uload16x4 sload16x4 uload32x2 sload32x2 stack_addr dynamic_stack_addr
         get_pinned_reg set_pinned_reg get_frame_pointer get_stack_pointer get_return_address
         get_exception_handler_address uadd_overflow_trap
         isub_ifbin isub_ifbout isub_ifborrow`,
      ],
      [EXT8, 'uload8 sload8 istore8'],
      [I64_ONLY, 'istore32'],
      [NARROW_INT, 'iconst vhigh_bits umul_overflow smul_overflow iconcat'],
      [WIDE_INT, 'bswap isplit'],
      [ATOMIC, 'atomic_rmw atomic_cas atomic_load atomic_store'],
      [
        INT,
        `icmp iadd isub ineg iabs imul umulhi smulhi rotl rotr ishl ushr sshr popcnt
         ishl_imm ushr_imm sshr_imm rotl_imm rotr_imm`,
      ],
      [INT_OR_VECTOR, 'smin umin smax umax fcvt_to_uint_sat fcvt_to_sint_sat x86_cvtt2dq imin imax'],
      [INT_VECTOR, 'avg_round uadd_sat sadd_sat usub_sat ssub_sat'],
      [I16_OR_I32_VECTOR, 'sqmul_round_sat x86_pmulhrsw'],
      [NARROWABLE, 'snarrow unarrow uunarrow'],
      [WIDENABLE, 'swiden_low swiden_high uwiden_low uwiden_high iadd_pairwise'],
      [
        FLOAT,
        `fcmp fadd fsub fmul fdiv sqrt fma fneg fabs fcopysign fmin fmax ceil floor trunc nearest
         ffcmp fmin_pseudo fmax_pseudo`,
      ],
      [FLOAT_SCALAR, 'fpromote fdemote'],
      [FLOAT_OR_VECTOR, 'fcvt_from_uint fcvt_from_sint fcvt_low_from_sint'],
      [ANY, 'select select_spectre_guard bitselect blendv band bor bxor bnot band_not bor_not bxor_not x86_blendv'],
      [
        MEM,
        `load store symbol_value tls_value bitcast
         stack_load stack_store dynamic_stack_load dynamic_stack_store global_value`,
      ],
      [VECTOR, 'vconst vany_true vall_true scalar_to_vector vsplit vselect'],
      [LANES, 'splat insertlane extractlane'],
      [DYNAMIC_LANES, 'extract_vector'],
      [BOOL, 'breduce bextend'],
      [BOOL_OR_VECTOR, 'bconst'],
      [ANY_2022, 'copy selectif selectif_spectre_guard raw_bitcast'],
      [ADDRESS_OR_REF, 'heap_addr table_addr'],
      [REF, 'is_null is_invalid null'],
      [ANY_UP_TO_128_LANES, 'vconcat'],
    ] as const
  ).flatMap(([set, names]) => names.split(/\s+/).filter((name) => name !== '').map((name) => [name, set] as const)),
);

// ---------------------------------------------------------------------------------------------
// Opcodes

/** How an opcode finds its controlling type. */
type Typing =
  /** Not polymorphic: never takes a `.type` suffix. */
  | 'mono'
  /** Polymorphic; the controlling type is the type of the format's typevar operand. */
  | 'operand'
  /** Polymorphic; the controlling type is the first result's, always written as a suffix. */
  | 'result';

type Flag = 'terminator' | 'branch' | 'call' | 'return' | 'trap' | 'load' | 'store' | 'effects' | 'idempotent';

/** cranelift-meta's `.branches()` and `.returns()` both end the block. */
const BRANCHES: readonly Flag[] = ['branch', 'terminator'];
const RETURNS: readonly Flag[] = ['return', 'terminator'];
/** Memory-touching instructions with ordering effects (atomics, debugtrap, stack_switch). */
const LOAD_STORE_EFFECTS: readonly Flag[] = ['load', 'store', 'effects'];

const T: ResultType = { kind: 'ctrl' };
const fixed = (type: string): ResultType => ({ kind: 'fixed', type });
const derived = (fn: DerivedTypeFn): ResultType => ({ kind: 'derived', fn });
const SIGNATURE = 'signature' as const;

/** Defines every opcode in `names` (space-separated) with the same format, typing, results and flags. */
function ops(
  dialect: Dialect,
  formatName: FormatName,
  typing: Typing,
  results: readonly ResultType[] | typeof SIGNATURE,
  names: string,
  flags: readonly Flag[] = [],
): OpcodeInfo[] {
  const has = (flag: Flag) => flags.includes(flag);
  return names
    .split(/\s+/)
    .filter((name) => name !== '')
    .map((name) => ({
      ...(typing === 'mono' ? {} : { ctrlTypes: ctrlTypeSetOf(name) }),
      name,
      format: formatName,
      dialect,
      polymorphic: typing !== 'mono',
      useTypevarOperand: typing === 'operand',
      results,
      isTerminator: has('terminator'),
      isBranch: has('branch'),
      isCall: has('call'),
      isReturn: has('return'),
      canTrap: has('trap'),
      canLoad: has('load'),
      canStore: has('store'),
      otherSideEffects: has('effects'),
      sideEffectsIdempotent: has('idempotent'),
    }));
}

function ctrlTypeSetOf(name: string): TypeSet {
  const set = ctrlTypeSets.get(name);
  // A polymorphic opcode without a set is a mistake in this file, caught the moment it loads.
  if (set === undefined) throw new Error(`opcode table: polymorphic ${name} has no controlling type set`);
  return set;
}

type Define = (
  formatName: FormatName,
  typing: Typing,
  results: readonly ResultType[] | typeof SIGNATURE,
  names: string,
  flags?: readonly Flag[],
) => OpcodeInfo[];
const now: Define = (...args) => ops('current', ...args);
const old: Define = (...args) => ops('legacy', ...args);

const currentOpcodes: readonly OpcodeInfo[] = [
  // Control flow.
  ...now('Jump', 'mono', [], 'jump', BRANCHES),
  ...now('Brif', 'operand', [], 'brif', BRANCHES),
  ...now('BranchTable', 'mono', [], 'br_table', BRANCHES),
  ...now('MultiAry', 'mono', [], 'return', RETURNS),
  ...now('Call', 'mono', SIGNATURE, 'call', ['call']),
  ...now('CallIndirect', 'operand', SIGNATURE, 'call_indirect', ['call']),
  ...now('Call', 'mono', [], 'return_call', ['call', ...RETURNS]),
  ...now('CallIndirect', 'operand', [], 'return_call_indirect', ['call', ...RETURNS]),
  ...now('TryCall', 'mono', [], 'try_call', ['call', ...BRANCHES]),
  ...now('TryCallIndirect', 'operand', [], 'try_call_indirect', ['call', ...BRANCHES]),
  ...now('Ternary', 'operand', [T], 'stack_switch', ['call', ...LOAD_STORE_EFFECTS]),
  ...now('Trap', 'mono', [], 'trap', ['trap', 'terminator']),
  ...now('CondTrap', 'operand', [], 'trapz trapnz', ['trap', 'idempotent']),
  ...now('IntAddTrap', 'operand', [T], 'uadd_overflow_trap', ['trap', 'idempotent']),
  ...now('NullAry', 'mono', [], 'debugtrap', LOAD_STORE_EFFECTS),
  ...now('NullAry', 'mono', [], 'nop'),
  ...now('NullAry', 'mono', [], 'fence sequence_point', ['effects']),

  // Addresses, registers and constants.
  ...now('FuncAddr', 'result', [T], 'func_addr'),
  ...now('StackAddr', 'result', [T], 'stack_addr'),
  ...now('DynamicStackAddr', 'result', [T], 'dynamic_stack_addr'),
  ...now('UnaryGlobalValue', 'result', [T], 'symbol_value tls_value'),
  ...now('NullAry', 'result', [T], 'get_frame_pointer get_stack_pointer get_return_address'),
  ...now('NullAry', 'result', [T], 'get_pinned_reg', ['effects']),
  ...now('Unary', 'operand', [], 'set_pinned_reg', ['effects']),
  ...now('ExceptionHandlerAddress', 'result', [T], 'get_exception_handler_address'),
  ...now('UnaryImm', 'result', [T], 'iconst'),
  ...now('UnaryIeee16', 'mono', [fixed('f16')], 'f16const'),
  ...now('UnaryIeee32', 'mono', [fixed('f32')], 'f32const'),
  ...now('UnaryIeee64', 'mono', [fixed('f64')], 'f64const'),
  ...now('UnaryConst', 'mono', [fixed('f128')], 'f128const'),
  ...now('UnaryConst', 'result', [T], 'vconst'),

  // Memory.
  ...now('Load', 'result', [T], 'load uload8 sload8 uload16 sload16', ['load']),
  ...now('Load', 'operand', [fixed('i64')], 'uload32 sload32', ['load']),
  ...now('Load', 'operand', [fixed('i16x8')], 'uload8x8 sload8x8', ['load']),
  ...now('Load', 'operand', [fixed('i32x4')], 'uload16x4 sload16x4', ['load']),
  ...now('Load', 'operand', [fixed('i64x2')], 'uload32x2 sload32x2', ['load']),
  ...now('Store', 'operand', [], 'store istore8 istore16 istore32', ['store']),
  ...now('AtomicRmw', 'result', [T], 'atomic_rmw', LOAD_STORE_EFFECTS),
  ...now('AtomicCas', 'operand', [T], 'atomic_cas', LOAD_STORE_EFFECTS),
  ...now('LoadNoOffset', 'result', [T], 'atomic_load', ['load', 'effects']),
  ...now('StoreNoOffset', 'operand', [], 'atomic_store', ['store', 'effects']),

  // Integer and bitwise arithmetic.
  ...now('Unary', 'operand', [T], 'ineg iabs bnot bitrev clz cls ctz bswap popcnt'),
  ...now(
    'Binary',
    'operand',
    [T],
    `iadd isub imul umulhi smulhi smin umin smax umax avg_round uadd_sat sadd_sat usub_sat ssub_sat
     sqmul_round_sat x86_pmulhrsw iadd_pairwise band bor bxor rotl rotr ishl ushr sshr`,
  ),
  ...now(
    'Binary',
    'operand',
    [T, fixed('i8')],
    'uadd_overflow sadd_overflow usub_overflow ssub_overflow umul_overflow smul_overflow',
  ),
  ...now('Binary', 'operand', [T], 'udiv sdiv urem srem', ['trap', 'idempotent']),
  ...now('Ternary', 'operand', [T, fixed('i8')], 'sadd_overflow_cin uadd_overflow_cin ssub_overflow_bin usub_overflow_bin'),
  ...now('IntCompare', 'operand', [derived('as_truthy')], 'icmp'),
  ...now('Ternary', 'operand', [T], 'select select_spectre_guard bitselect blendv'),
  ...now('Unary', 'operand', [derived('half_width'), derived('half_width')], 'isplit'),
  ...now('Binary', 'operand', [derived('double_width')], 'iconcat'),

  // Floating point.
  ...now('Unary', 'operand', [T], 'sqrt fneg fabs ceil floor trunc nearest'),
  ...now('Binary', 'operand', [T], 'fadd fsub fmul fdiv fcopysign fmin fmax'),
  ...now('Ternary', 'operand', [T], 'fma'),
  ...now('FloatCompare', 'operand', [derived('as_truthy')], 'fcmp'),

  // Conversions; the controlling type is the result's, so they always carry a suffix.
  ...now('LoadNoOffset', 'result', [T], 'bitcast'),
  ...now(
    'Unary',
    'result',
    [T],
    `splat scalar_to_vector vhigh_bits bmask ireduce uextend sextend fpromote fdemote
     fcvt_to_uint_sat fcvt_to_sint_sat x86_cvtt2dq fcvt_from_uint fcvt_from_sint`,
  ),
  ...now('Unary', 'result', [T], 'fcvt_to_uint fcvt_to_sint', ['trap', 'idempotent']),
  ...now('Unary', 'mono', [fixed('f32x4')], 'fvdemote'),
  ...now('Unary', 'mono', [fixed('f64x2')], 'fvpromote_low'),

  // SIMD lanes and shapes.
  ...now('TernaryImm8', 'operand', [T], 'insertlane'),
  ...now('BinaryImm8', 'operand', [derived('lane_of')], 'extractlane'),
  ...now('BinaryImm8', 'operand', [derived('dynamic_to_vector')], 'extract_vector'),
  ...now('Unary', 'operand', [fixed('i8')], 'vany_true vall_true'),
  ...now('Binary', 'operand', [derived('split_lanes')], 'snarrow unarrow uunarrow'),
  ...now('Unary', 'operand', [derived('merge_lanes')], 'swiden_low swiden_high uwiden_low uwiden_high'),
  ...now('Binary', 'mono', [fixed('i8x16')], 'swizzle x86_pshufb'),
  ...now('Binary', 'mono', [fixed('i16x8')], 'x86_pmaddubsw'),
  ...now('Shuffle', 'mono', [fixed('i8x16')], 'shuffle'),
];

const legacyOpcodes: readonly OpcodeInfo[] = [
  // Removed in 2026: binary ops with an immediate, compare with an immediate, stack and
  // global-value access, and/or/xor with a complemented operand.
  ...old(
    'BinaryImm64',
    'operand',
    [T],
    `iadd_imm imul_imm sdiv_imm udiv_imm srem_imm urem_imm irsub_imm band_imm bor_imm bxor_imm
     rotl_imm rotr_imm ishl_imm ushr_imm sshr_imm`,
  ),
  ...old('IntCompareImm', 'operand', [fixed('i8')], 'icmp_imm'),
  ...old('Binary', 'operand', [T], 'band_not bor_not bxor_not'),
  ...old('StackLoad', 'result', [T], 'stack_load', ['load']),
  ...old('StackStore', 'operand', [], 'stack_store', ['store']),
  ...old('DynamicStackLoad', 'result', [T], 'dynamic_stack_load', ['load']),
  ...old('DynamicStackStore', 'operand', [], 'dynamic_stack_store', ['store']),
  ...old('UnaryGlobalValue', 'result', [T], 'global_value'),
  ...old('Ternary', 'operand', [T], 'x86_blendv'),

  // Removed in 2023-2024: carry arithmetic, reference types, resumable traps, tables.
  ...old('Ternary', 'operand', [T], 'iadd_cin isub_bin'),
  ...old('Binary', 'operand', [T, fixed('i8')], 'iadd_cout isub_bout'),
  ...old('Ternary', 'operand', [T, fixed('i8')], 'iadd_carry isub_borrow'),
  ...old('Unary', 'operand', [fixed('i8')], 'is_null is_invalid'),
  ...old('NullAry', 'result', [T], 'null'),
  ...old('Trap', 'mono', [], 'resumable_trap', ['trap']),
  ...old('CondTrap', 'operand', [], 'resumable_trapnz', ['trap']),
  ...old('TableAddr', 'result', [T], 'table_addr'),
  ...old('Unary', 'result', [T], 'fcvt_low_from_sint'),
  ...old('Binary', 'operand', [T], 'fmin_pseudo fmax_pseudo'),

  // Removed in early 2023: single-target conditional branches (they fall through, so they do not
  // end the block), CPU flags, heaps, vector splitting.
  ...old('Branch', 'operand', [], 'brz brnz', ['branch']),
  ...old('Binary', 'operand', [fixed('iflags')], 'ifcmp'),
  ...old('BinaryImm64', 'operand', [fixed('iflags')], 'ifcmp_imm'),
  ...old('Binary', 'operand', [fixed('fflags')], 'ffcmp'),
  ...old('Ternary', 'operand', [T], 'iadd_ifcin isub_ifbin'),
  ...old('Binary', 'operand', [T, fixed('iflags')], 'iadd_ifcout isub_ifbout'),
  ...old('Ternary', 'operand', [T, fixed('iflags')], 'iadd_ifcarry isub_ifborrow'),
  ...old('HeapAddr', 'result', [T], 'heap_addr'),
  ...old('Unary', 'operand', [derived('half_vector'), derived('half_vector')], 'vsplit'),
  ...old('Binary', 'operand', [derived('double_vector')], 'vconcat'),
  ...old('Ternary', 'operand', [T], 'vselect'),
  ...old('Binary', 'mono', [fixed('i32x4')], 'widening_pairwise_dot_product_s'),

  // Removed in late 2022 with the boolean types and flag-consuming instructions.
  ...old('UnaryBool', 'result', [T], 'bconst'),
  ...old('Unary', 'result', [T], 'bint breduce bextend raw_bitcast'),
  ...old('Unary', 'operand', [T], 'copy'),
  ...old('Binary', 'operand', [T], 'imin imax'),
  ...old('IntSelect', 'result', [T], 'selectif'),
  ...old('IntSelect', 'result', [T], 'selectif_spectre_guard', ['effects']),
  ...old('IntCond', 'mono', [fixed('b1')], 'trueif'),
  ...old('FloatCond', 'mono', [fixed('b1')], 'trueff'),
  ...old('IntCondTrap', 'mono', [], 'trapif', ['trap']),
  ...old('FloatCondTrap', 'mono', [], 'trapff', ['trap']),
  ...old('BranchFloat', 'mono', [], 'brff', ['branch']),
  ...old('BranchIcmp', 'operand', [], 'br_icmp', ['branch']),
];

/**
 * Legacy meanings of opcode names that current Cranelift reuses with other operand text. The
 * parser picks one by looking ahead: `brif` followed by a condition code (`brif eq v1, block2`)
 * is the flags branch; `br_table v, block, jtN` (a jump-table entity) is the pre-2023 form.
 */
export const legacyForms: ReadonlyMap<string, OpcodeInfo> = new Map(
  [
    ...old('BranchInt', 'mono', [], 'brif', ['branch']),
    ...old('LegacyBranchTable', 'mono', [], 'br_table', BRANCHES),
  ].map((info) => [info.name, info]),
);

/** Every opcode by name: all of current Cranelift, then the legacy-only names. */
export const opcodes: ReadonlyMap<string, OpcodeInfo> = new Map(
  [...currentOpcodes, ...legacyOpcodes].map((info) => [info.name, info]),
);

export function lookupOpcode(name: string): OpcodeInfo | undefined {
  return opcodes.get(name);
}
