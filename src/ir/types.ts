// CLIF value types. Every type is interned, so two equal types are the same object and `===`
// compares them. The rules (which names parse, what the derived-type functions return) follow
// cranelift-codegen's `ir::types` and cranelift-reader's lexer; legacy kinds (booleans `b1`..`b128`,
// references `r32`/`r64`, CPU flags `iflags`/`fflags`) are read from older dumps only.

import type { DerivedTypeFn, OpcodeInfo, ResultType, TypeSet } from './opcode-info.js';

/** What a lane holds. `bool`, `ref` and `flags` exist only in the legacy dialect. */
export type LaneKind = 'int' | 'float' | 'bool' | 'ref' | 'flags';

const LANE_PREFIX: Readonly<Record<LaneKind, string>> = { int: 'i', float: 'f', bool: 'b', ref: 'r', flags: '' };

/** Lane widths each kind allows (flags have no width). */
const LANE_WIDTHS: Readonly<Record<LaneKind, readonly number[]>> = {
  int: [8, 16, 32, 64, 128],
  float: [16, 32, 64, 128],
  bool: [1, 8, 16, 32, 64, 128],
  ref: [32, 64],
  flags: [0],
};

/** Cranelift's lexer builds `TxN` with `Type::by(N)`: a power of two whose type code fits, i.e. at most 256 lanes. */
const MAX_LANES = 256;
/** Cranelift generates dynamic vector types for minimum sizes up to 512 bits. */
const MAX_DYNAMIC_BITS = 512;
/** `vector_to_dynamic` refuses vectors wider than 256 bits. */
const MAX_VECTOR_TO_DYNAMIC_BITS = 256;

const interned = new Map<string, Type>();

export class Type {
  /**
   * The text name: `i32`, `f64x2`, `i32x4xN` (dynamic), `b1`, `iflags`. Dynamic vector types
   * never appear in CLIF text (functions name them `dtN`); the `xN` form is ours.
   */
  readonly name: string;
  readonly laneKind: LaneKind;
  /** Bits of one lane (1 for `b1`, 0 for flags). */
  readonly laneBits: number;
  /** 1 for a scalar, the lane count of a fixed vector, the minimum lane count of a dynamic one. */
  readonly minLaneCount: number;
  readonly isDynamic: boolean;
  /** The lane type (the type itself for a scalar). */
  readonly lane: Type;

  private constructor(
    laneKind: LaneKind,
    laneBits: number,
    minLaneCount: number,
    isDynamic: boolean,
    name: string,
    lane: Type | undefined,
  ) {
    this.laneKind = laneKind;
    this.laneBits = laneBits;
    this.minLaneCount = minLaneCount;
    this.isDynamic = isDynamic;
    this.name = name;
    this.lane = lane ?? this;
  }

  /** The one `Type` with these properties, or undefined if Cranelift has no such type. */
  static of(laneKind: LaneKind, laneBits: number, lanes = 1, dynamic = false): Type | undefined {
    // The two flags types have no width to tell them apart: see `IFLAGS`/`FFLAGS`.
    if (laneKind === 'flags' || !LANE_WIDTHS[laneKind].includes(laneBits)) return undefined;
    if (!Number.isInteger(lanes) || lanes < 1 || lanes > MAX_LANES || (lanes & (lanes - 1)) !== 0) return undefined;
    if (lanes > 1 || dynamic) {
      // Vectors hold ints and floats; legacy Cranelift also had vectors of b8..b128.
      const vectorLane = laneKind === 'int' || laneKind === 'float' || (laneKind === 'bool' && laneBits >= 8);
      if (!vectorLane) return undefined;
    }
    if (dynamic && (lanes < 2 || laneKind === 'bool' || laneBits * lanes > MAX_DYNAMIC_BITS)) return undefined;
    const lane = `${LANE_PREFIX[laneKind]}${laneBits}`;
    const name = lanes === 1 ? lane : `${lane}x${lanes}${dynamic ? 'xN' : ''}`;
    return Type.intern(laneKind, laneBits, lanes, dynamic, name);
  }

  private static intern(laneKind: LaneKind, laneBits: number, lanes: number, dynamic: boolean, name: string): Type {
    const found = interned.get(name);
    if (found !== undefined) return found;
    const isScalar = lanes === 1 && !dynamic;
    const lane = isScalar ? undefined : Type.intern(laneKind, laneBits, 1, false, name.slice(0, name.indexOf('x')));
    const type = new Type(laneKind, laneBits, lanes, dynamic, name, lane);
    interned.set(name, type);
    return type;
  }

  /** The legacy flags types by name. */
  static flags(name: 'iflags' | 'fflags'): Type {
    return Type.intern('flags', 0, 1, false, name);
  }

  /** What Cranelift's `Display` writes: the name, except `types::I32x4xN` style for dynamic vectors. */
  get writerName(): string {
    if (!this.isDynamic) return this.name;
    return `types::${LANE_PREFIX[this.laneKind].toUpperCase()}${this.laneBits}x${this.minLaneCount}xN`;
  }

  /** Lanes of a fixed vector (1 for a scalar); 0 for a dynamic vector, as in Cranelift. */
  get laneCount(): number {
    return this.isDynamic ? 0 : this.minLaneCount;
  }

  /** Total bits; 0 for a dynamic vector (see `minBits`) and for flags. */
  get bits(): number {
    return this.isDynamic ? 0 : this.laneBits * this.minLaneCount;
  }

  get minBits(): number {
    return this.laneBits * this.minLaneCount;
  }

  get bytes(): number {
    return Math.ceil(this.bits / 8);
  }

  get isScalar(): boolean {
    return this.minLaneCount === 1 && !this.isDynamic;
  }

  /** A scalar integer (Cranelift's `is_int`). */
  get isInt(): boolean {
    return this.isScalar && this.laneKind === 'int';
  }

  /** A scalar float (Cranelift's `is_float`). */
  get isFloat(): boolean {
    return this.isScalar && this.laneKind === 'float';
  }

  /** A legacy scalar boolean `b1`..`b128`. */
  get isBool(): boolean {
    return this.isScalar && this.laneKind === 'bool';
  }

  /** A legacy reference type `r32`/`r64`. */
  get isRef(): boolean {
    return this.laneKind === 'ref';
  }

  /** A legacy CPU flags type `iflags`/`fflags`. */
  get isFlags(): boolean {
    return this.laneKind === 'flags';
  }

  /** A fixed-size SIMD vector (Cranelift's `is_vector`: dynamic vectors are not). */
  get isVector(): boolean {
    return this.minLaneCount > 1 && !this.isDynamic;
  }

  toString(): string {
    return this.name;
  }
}

export const I8 = Type.of('int', 8) as Type;
export const I16 = Type.of('int', 16) as Type;
export const I32 = Type.of('int', 32) as Type;
export const I64 = Type.of('int', 64) as Type;
export const I128 = Type.of('int', 128) as Type;
export const F16 = Type.of('float', 16) as Type;
export const F32 = Type.of('float', 32) as Type;
export const F64 = Type.of('float', 64) as Type;
export const F128 = Type.of('float', 128) as Type;
export const IFLAGS = Type.flags('iflags');
export const FFLAGS = Type.flags('fflags');

/** The scalar types of current Cranelift, in its order. */
export const scalarTypes: readonly Type[] = [I8, I16, I32, I64, I128, F16, F32, F64, F128];

const TYPE_NAME = /^([ifbr])(\d{1,3})(?:x(\d{1,5})(xN)?)?$/;
const KIND_OF_PREFIX: Readonly<Record<string, LaneKind>> = { i: 'int', f: 'float', b: 'bool', r: 'ref' };

/**
 * Parses a type name, or returns undefined. As in Cranelift's lexer, `i32x1` is the scalar `i32`.
 * Names with leading zeros (`i032`, `i32x04`) are not types.
 */
export function parseType(text: string): Type | undefined {
  const cached = interned.get(text);
  if (cached !== undefined) return cached;
  if (text === 'iflags') return IFLAGS;
  if (text === 'fflags') return FFLAGS;
  const match = TYPE_NAME.exec(text);
  if (match === null) return undefined;
  const [, prefix, bitsText, lanesText, dynamic] = match;
  if (prefix === undefined || bitsText === undefined || hasLeadingZero(bitsText)) return undefined;
  if (lanesText !== undefined && hasLeadingZero(lanesText)) return undefined;
  const kind = KIND_OF_PREFIX[prefix];
  if (kind === undefined) return undefined;
  const lanes = lanesText === undefined ? 1 : Number(lanesText);
  return Type.of(kind, Number(bitsText), lanes, dynamic !== undefined);
}

function hasLeadingZero(digits: string): boolean {
  return digits.length > 1 && digits.startsWith('0');
}

/** Same lane count, lanes replaced (Cranelift's `replace_lanes`). */
function withLane(t: Type, lane: Type): Type | undefined {
  return Type.of(lane.laneKind, lane.laneBits, t.minLaneCount, t.isDynamic);
}

/** The integer lane of the same width as a lane (`b1` becomes `i8`, as in legacy Cranelift). */
function intLaneFor(lane: Type): Type | undefined {
  if (lane.laneKind === 'int') return lane;
  if (lane.laneKind === 'float' || lane.laneKind === 'bool') return Type.of('int', Math.max(8, lane.laneBits));
  return undefined;
}

/** `lane_of`: the lane type. */
export function laneOf(t: Type): Type {
  return t.lane;
}

/**
 * `as_truthy`: `i8` for anything that is not a fixed vector (dynamic vectors included, as in
 * Cranelift), else the integer vector of the same shape.
 */
export function asTruthy(t: Type): Type {
  if (!t.isVector) return I8;
  return withLane(t, intLaneFor(t.lane) ?? I8) ?? I8;
}

/** `as_int`: same shape with integer lanes of the same width; undefined for flags and references. */
export function asInt(t: Type): Type | undefined {
  const lane = intLaneFor(t.lane);
  return lane === undefined ? undefined : withLane(t, lane);
}

/** The same shape with lanes `factor` times as wide, if the lane kind has that width. */
function scaleWidth(t: Type, factor: number): Type | undefined {
  const lane = t.lane;
  if (lane.laneKind !== 'int' && lane.laneKind !== 'float' && lane.laneKind !== 'bool') return undefined;
  const scaled = Type.of(lane.laneKind, lane.laneBits * factor);
  return scaled === undefined ? undefined : withLane(t, scaled);
}

/** `half_width`: lanes half as wide; undefined below i8/f16. */
export function halfWidth(t: Type): Type | undefined {
  return scaleWidth(t, 1 / 2);
}

/** `double_width`: lanes twice as wide; undefined above i128/f128. */
export function doubleWidth(t: Type): Type | undefined {
  return scaleWidth(t, 2);
}

/** `by(n)`: n times as many lanes (a scalar becomes a vector); undefined for dynamic vectors. */
export function byLanes(t: Type, n: number): Type | undefined {
  if (t.isDynamic || t.laneBits === 0 || t.isFlags) return undefined;
  return Type.of(t.laneKind, t.laneBits, t.minLaneCount * n);
}

/** `half_vector` (legacy): half as many lanes of a fixed vector (`i32x2` gives `i32`). */
export function halfVector(t: Type): Type | undefined {
  if (!t.isVector) return undefined;
  return Type.of(t.laneKind, t.laneBits, t.minLaneCount / 2);
}

/** `double_vector` (legacy): twice as many lanes, i.e. `by(2)`. */
export function doubleVector(t: Type): Type | undefined {
  return byLanes(t, 2);
}

/** `split_lanes`: half-width lanes, twice as many (`i32x4` gives `i16x8`). */
export function splitLanes(t: Type): Type | undefined {
  const half = halfWidth(t);
  return half === undefined ? undefined : byLanes(half, 2);
}

/** `merge_lanes`: double-width lanes, half as many; undefined unless the result is a fixed vector. */
export function mergeLanes(t: Type): Type | undefined {
  const double = doubleWidth(t);
  if (double === undefined || !double.isVector) return undefined;
  return Type.of(double.laneKind, double.laneBits, double.minLaneCount / 2);
}

/** `dynamic_to_vector`: the fixed vector of a dynamic vector's minimum size. */
export function dynamicToVector(t: Type): Type | undefined {
  if (!t.isDynamic) return undefined;
  return Type.of(t.laneKind, t.laneBits, t.minLaneCount);
}

/** `vector_to_dynamic`: the dynamic vector with this minimum size; undefined past 256 bits. */
export function vectorToDynamic(t: Type): Type | undefined {
  if (!t.isVector || t.bits > MAX_VECTOR_TO_DYNAMIC_BITS) return undefined;
  return Type.of(t.laneKind, t.laneBits, t.minLaneCount, true);
}

/** Through the fixed vector of the same size and back, as Cranelift resolves lane-reshaping constraints. */
function viaFixedVector(t: Type, reshape: (fixed: Type) => Type | undefined): Type | undefined {
  if (!t.isDynamic) return reshape(t);
  const fixed = dynamicToVector(t);
  const reshaped = fixed === undefined ? undefined : reshape(fixed);
  return reshaped === undefined ? undefined : vectorToDynamic(reshaped);
}

/** Derivations as Cranelift's operand constraints resolve them. */
const derivations: Readonly<Record<DerivedTypeFn, (t: Type) => Type | undefined>> = {
  lane_of: laneOf,
  as_truthy: asTruthy,
  as_int: asInt,
  half_width: halfWidth,
  double_width: doubleWidth,
  half_vector: halfVector,
  double_vector: doubleVector,
  // Lane reshaping of a dynamic vector goes through its fixed-size counterpart.
  split_lanes: (t) => viaFixedVector(t, splitLanes),
  merge_lanes: (t) => viaFixedVector(t, mergeLanes),
  dynamic_to_vector: dynamicToVector,
};

/** A result type derived from the controlling type, or undefined where Cranelift has none. */
export function deriveType(fn: DerivedTypeFn, ctrl: Type): Type | undefined {
  return derivations[fn](ctrl);
}

function resultType(result: ResultType, ctrl: Type | undefined): Type | undefined {
  switch (result.kind) {
    case 'fixed':
      return parseType(result.type);
    case 'ctrl':
      return ctrl;
    case 'derived':
      return ctrl === undefined ? undefined : deriveType(result.fn, ctrl);
  }
}

/**
 * An instruction's result types given its controlling type (`ctrl`; ignored, and may be
 * undefined, for non-polymorphic opcodes). Undefined when a result cannot be typed: a call (its
 * results come from the signature), a missing controlling type, or a derivation Cranelift rejects.
 */
export function resultTypes(info: OpcodeInfo, ctrl: Type | undefined): Type[] | undefined {
  if (info.results === 'signature') return undefined;
  const types: Type[] = [];
  for (const result of info.results) {
    const type = resultType(result, ctrl);
    if (type === undefined) return undefined;
    types.push(type);
  }
  return types;
}

/** Lane widths a type set allows for a lane kind. */
function widthsFor(set: TypeSet, kind: LaneKind): readonly number[] {
  switch (kind) {
    case 'int':
      return set.ints;
    case 'float':
      return set.floats;
    case 'bool':
      return set.bools;
    case 'ref':
      return set.refs;
    default:
      return NO_WIDTHS;
  }
}

const NO_WIDTHS: readonly number[] = [];

/** Whether `t` belongs to `set` (Cranelift's `ValueTypeSet::contains`). */
export function typeSetContains(set: TypeSet, t: Type): boolean {
  const lanes = t.isDynamic ? set.dynamicLanes : set.lanes;
  return lanes.includes(t.minLaneCount) && widthsFor(set, t.laneKind).includes(t.laneBits);
}

/**
 * The example type Cranelift's reader names in "type variable required" errors: `i32` when the
 * set has 64-bit or wider integers, else `f32` when it has 64-bit or wider floats, else `i8`, at
 * the set's smallest lane count. (It need not belong to the set.) Sets holding only legacy kinds
 * use their narrowest member lane instead.
 */
export function typeSetExample(set: TypeSet): Type {
  const widest = (widths: readonly number[]) => widths[widths.length - 1] ?? 0;
  let lane = widest(set.ints) >= 64 ? I32 : widest(set.floats) >= 64 ? F32 : I8;
  if (set.ints.length === 0 && set.floats.length === 0) {
    const bool = set.bools[0] === undefined ? undefined : Type.of('bool', set.bools[0]);
    const ref = set.refs[0] === undefined ? undefined : Type.of('ref', set.refs[0]);
    lane = bool ?? ref ?? I8;
  }
  return byLanes(lane, set.lanes[0] ?? 1) ?? lane;
}
