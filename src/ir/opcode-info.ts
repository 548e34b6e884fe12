// The shape of the opcode/format table (data in ./opcodes.ts). Parser, printer, verifier-lite
// and the analyses read instruction facts only through these types.

/**
 * Instruction formats: how an instruction's operands are written. The names are Cranelift's
 * (`InstructionFormat` in cranelift-codegen's meta), including formats of the older dialect
 * (`BinaryImm64`, `IntCompareImm`, `StackLoad`, `StackStore`, `UnaryGlobalValue`, ...).
 */
export type FormatName = string;

export interface FormatInfo {
  readonly name: FormatName;
  /**
   * Index, among the instruction's value operands, of the operand whose type is the controlling
   * type when the opcode uses it (Cranelift's `typevar_operand`); null when the format has none.
   */
  readonly typevarOperand: number | null;
}

/**
 * How one result's type follows from the controlling type `T` (or is fixed). Derived-type
 * functions are Cranelift's: `as_truthy` (i8 for a scalar, the same-shape integer vector for a
 * vector), `half_width`, `double_width`, `half_vector`, `double_vector`, `split_lanes`,
 * `merge_lanes`, `lane_of`, `as_int`, `dynamic_to_vector`.
 */
export type ResultType =
  | { readonly kind: 'ctrl' }
  | { readonly kind: 'fixed'; readonly type: string }
  | { readonly kind: 'derived'; readonly fn: DerivedTypeFn };

export type DerivedTypeFn =
  | 'as_truthy'
  | 'half_width'
  | 'double_width'
  | 'half_vector'
  | 'double_vector'
  | 'split_lanes'
  | 'merge_lanes'
  | 'lane_of'
  | 'as_int'
  | 'dynamic_to_vector';

/** Which CLIF dialect an opcode belongs to: `current` Cranelift, `legacy` (removed in 2026 main), or both. */
export type Dialect = 'current' | 'legacy';

export interface OpcodeInfo {
  readonly name: string;
  readonly format: FormatName;
  readonly dialect: Dialect;
  /** Has a controlling type variable (so a `.type` suffix may be needed). */
  readonly polymorphic: boolean;
  /** The controlling type is inferred from the format's typevar operand. */
  readonly useTypevarOperand: boolean;
  /** Result types; `signature` for calls, whose results come from the callee's signature. */
  readonly results: readonly ResultType[] | 'signature';
  readonly isTerminator: boolean;
  readonly isBranch: boolean;
  readonly isCall: boolean;
  readonly isReturn: boolean;
  readonly canTrap: boolean;
  readonly canLoad: boolean;
  readonly canStore: boolean;
  readonly otherSideEffects: boolean;
  /**
   * Two identical instances, one dominating the other, may be merged although they have effects
   * (`trapz`, `udiv`, `fcvt_to_sint`...: cranelift-meta's `side_effects_idempotent`).
   */
  readonly sideEffectsIdempotent?: boolean;
  /**
   * The types the controlling type may take (cranelift-meta's ctrl typeset); present exactly when
   * the opcode is polymorphic. Cranelift's reader rejects any other controlling type.
   */
  readonly ctrlTypes?: TypeSet;
}

/**
 * A set of types in cranelift-meta's terms: a type belongs when its lane count (or a dynamic
 * vector's minimum lane count) and its lane width are both allowed. Lists are ascending.
 */
export interface TypeSet {
  /** Lane counts of scalars (1) and fixed vectors. */
  readonly lanes: readonly number[];
  /** Minimum lane counts of dynamic vectors. */
  readonly dynamicLanes: readonly number[];
  readonly ints: readonly number[];
  readonly floats: readonly number[];
  /** Legacy boolean lane widths (`b1`..`b128`). */
  readonly bools: readonly number[];
  /** Legacy reference widths (`r32`, `r64`). */
  readonly refs: readonly number[];
}
