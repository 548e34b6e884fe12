// Converting JavaScript values to and from the 16-byte little-endian slots the JIT trampolines
// read arguments from and write results to.
import { CallError } from './errors.js';

export const SLOT_BYTES = 16;

/** The CLIF types a JavaScript caller can pass and receive (i8x16 is wasm's v128). */
export type ScalarType = 'i8' | 'i16' | 'i32' | 'i64' | 'i128' | 'f32' | 'f64' | 'i8x16';

/**
 * i8–i32, f32 and f64 are numbers; i64 and i128 are bigints (numbers are accepted as arguments).
 * An i8x16 (v128) is the bigint whose 16 little-endian bytes are the vector's bytes (byte lane 0
 * in the low 8 bits); it comes back unsigned, and a negative argument is taken modulo 2^128.
 */
export type ClifValue = number | bigint;

const integerBits: Record<string, number> = { i8: 8, i16: 16, i32: 32, i64: 64, i128: 128 };

export function isScalarType(ty: string): ty is ScalarType {
  return ty in integerBits || ty === 'f32' || ty === 'f64' || ty === 'i8x16';
}

function toBigInt(value: ClifValue, what: string, bits: number): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new CallError(`${what}: expected an integer, got ${String(value)}`);
  }
  if (bits > 32 && !Number.isSafeInteger(value)) {
    throw new CallError(`${what}: ${value} is not a safe integer; pass a bigint`);
  }
  return BigInt(value);
}

/** Writes one value into `slot` (16 bytes). Integers may be given signed or unsigned. */
export function writeValue(slot: DataView, ty: ScalarType, value: ClifValue, what: string): void {
  if (ty === 'f32' || ty === 'f64') {
    if (typeof value !== 'number') throw new CallError(`${what}: expected a number for ${ty}, got ${typeof value}`);
    if (ty === 'f32') slot.setFloat32(0, value, true);
    else slot.setFloat64(0, value, true);
    return;
  }
  const bits = ty === 'i8x16' ? 128 : (integerBits[ty] ?? 0);
  const big = toBigInt(value, what, bits);
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits)) - 1n;
  if (big < min || big > max) {
    throw new CallError(`${what}: ${big} does not fit in ${ty} (${min} to ${max})`);
  }
  const unsigned = BigInt.asUintN(bits, big);
  slot.setBigUint64(0, BigInt.asUintN(64, unsigned), true);
  slot.setBigUint64(8, bits > 64 ? unsigned >> 64n : 0n, true);
}

/** Reads one value from `slot`. Integers come back signed, like WebAssembly's JS API. */
export function readValue(slot: DataView, ty: ScalarType): ClifValue {
  switch (ty) {
    case 'i8':
      return slot.getInt8(0);
    case 'i16':
      return slot.getInt16(0, true);
    case 'i32':
      return slot.getInt32(0, true);
    case 'i64':
      return slot.getBigInt64(0, true);
    case 'i128':
      return BigInt.asIntN(128, (slot.getBigUint64(8, true) << 64n) | slot.getBigUint64(0, true));
    case 'f32':
      return slot.getFloat32(0, true);
    case 'f64':
      return slot.getFloat64(0, true);
    case 'i8x16':
      return (slot.getBigUint64(8, true) << 64n) | slot.getBigUint64(0, true);
  }
}

/** The bits of a value in a slot, zero-extended (a float's NaN payload exactly, which a
 *  JavaScript number may not keep: converting a signalling f32 NaN to a double quiets it). */
export function readBits(slot: DataView, ty: ScalarType): bigint {
  const bits = ty === 'i128' ? 128 : ty === 'i64' || ty === 'f64' ? 64 : ty === 'i16' ? 16 : ty === 'i8' ? 8 : 32;
  const low = slot.getBigUint64(0, true);
  return bits === 128 ? (slot.getBigUint64(8, true) << 64n) | low : BigInt.asUintN(bits, low);
}

export function slotView(buffer: Uint8Array, index: number): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset + index * SLOT_BYTES, SLOT_BYTES);
}
