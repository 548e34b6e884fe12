// Immediate operands: integer parsing and Cranelift's display rules (decimal below 10000, else
// hexadecimal in groups of four digits), IEEE floats in hexadecimal notation, constant bytes.

const U64_MASK = (1n << 64n) - 1n;

/** Parses a u64 like Cranelift's `parse_u64`: decimal or `0x` hex, `_` separators allowed. */
export function parseU64(text: string): bigint | string {
  if (text.startsWith('-0x')) return 'Invalid character in hexadecimal number';
  let value = 0n;
  let digits = 0;
  if (text.startsWith('0x')) {
    for (let i = 2; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '_') continue;
      const d = parseInt(ch, 16);
      if (Number.isNaN(d)) return 'Invalid character in hexadecimal number';
      if (++digits > 16) return 'Too many hexadecimal digits';
      value = (value << 4n) | BigInt(d);
    }
  } else {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 95) continue;
      if (ch < 48 || ch > 57) return 'Invalid character in decimal number';
      digits++;
      value = value * 10n + BigInt(ch - 48);
      if (value > U64_MASK) return 'Too large decimal number';
    }
  }
  if (digits === 0) return 'No digits in number';
  return value;
}

/** Parses an i64 like Cranelift's `parse_i64` (range -2^63 .. 2^64-1, wrapped to i64). */
export function parseI64(text: string): bigint | string {
  const negative = text.startsWith('-');
  const body = negative || text.startsWith('+') ? text.slice(1) : text;
  const parsed = parseU64(body);
  if (typeof parsed === 'string') return parsed;
  let value = parsed;
  if (negative) {
    value = (-value) & U64_MASK;
    if (BigInt.asIntN(64, value) > 0n) return 'Negative number too small';
  }
  return BigInt.asIntN(64, value);
}

/** Fast path for the common small decimal immediates; falls back to `parseI64`. */
export function parseI64Fast(text: string): bigint | string {
  if (text.length < 16 && /^-?[0-9]+$/.test(text)) return BigInt(text);
  return parseI64(text);
}

/** Cranelift's grouped hex: `0x0001_ffff`, `0xffff_ffff_fff8_4400`. */
export function writeHex(x: bigint): string {
  const hex = x.toString(16);
  const width = Math.ceil(hex.length / 4) * 4;
  const padded = hex.padStart(width, '0');
  let out = '0x';
  for (let i = 0; i < width; i += 4) out += (i === 0 ? '' : '_') + padded.slice(i, i + 4);
  return out;
}

/** Display of a signed 64-bit immediate (`Imm64`). */
export function formatImm64(x: bigint): string {
  if (x < 10000n) return x.toString();
  return writeHex(x);
}

/** Display of an unsigned immediate (`Uimm64`, `Uimm32`). */
export function formatUimm(x: bigint | number): string {
  if (x < 10000) return x.toString();
  return writeHex(BigInt(x));
}

/** Display of an `Offset32`: empty for 0, otherwise always signed. */
export function formatOffset32(x: number): string {
  if (x === 0) return '';
  const abs = Math.abs(x);
  return (x < 0 ? '-' : '+') + (abs < 10000 ? abs.toString() : writeHex(BigInt(abs)));
}

/** Parses an `Offset32` (must carry a sign); returns an error string when out of range. */
export function parseOffset32(text: string): number | string {
  if (!(text.startsWith('-') || text.startsWith('+'))) return 'Offset must begin with sign';
  const v = parseI64(text);
  if (typeof v === 'string') return v;
  if (v < -0x8000_0000n || v > 0x7fff_ffffn) return 'Offset out of range';
  return Number(v);
}

/** Parses a `Uimm32`. */
export function parseUimm32(text: string): number | string {
  const v = parseI64(text);
  if (typeof v === 'string') return v;
  if (v < 0n || v > 0xffff_ffffn) return 'Uimm32 out of range';
  return Number(v);
}

/** Sign-extends the low `bits` of an Imm64 (no-op for 64 and above). */
export function signExtendFromWidth(x: bigint, bits: number): bigint {
  if (bits >= 64 || bits <= 0) return x;
  return BigInt.asIntN(bits, x);
}

/** IEEE format parameters: exponent width and trailing-significand width. */
export interface FloatFormat {
  readonly w: number;
  readonly t: number;
}
export const IEEE16: FloatFormat = { w: 5, t: 10 };
export const IEEE32: FloatFormat = { w: 8, t: 23 };
export const IEEE64: FloatFormat = { w: 11, t: 52 };
export const IEEE128: FloatFormat = { w: 15, t: 112 };

/** Formats float bits like Cranelift's `format_float` (C99 `%a`-compatible hex, special NaN/Inf forms). */
export function formatFloat(bits: bigint, { w, t }: FloatFormat): string {
  const W = BigInt(w);
  const T = BigInt(t);
  const maxE = (1n << W) - 1n;
  const tBits = bits & ((1n << T) - 1n);
  const eBits = (bits >> T) & maxE;
  const sign = (bits >> (W + T)) & 1n;
  const bias = (1 << (w - 1)) - 1;
  const digits = Math.floor((t + 3) / 4);
  const left = tBits << BigInt(4 * digits - t);
  let out = sign !== 0n ? '-' : '';
  if (eBits === 0n) {
    if (tBits === 0n) return `${out}0.0`;
    return `${out}0x0.${left.toString(16).padStart(digits, '0')}p${1 - bias}`;
  }
  if (eBits === maxE) {
    if (sign === 0n) out += '+';
    if (tBits === 0n) return `${out}Inf`;
    const quiet = 1n << (T - 1n);
    const payload = tBits & (quiet - 1n);
    if ((tBits & quiet) !== 0n) return payload !== 0n ? `${out}NaN:0x${payload.toString(16)}` : `${out}NaN`;
    return `${out}sNaN:0x${payload.toString(16)}`;
  }
  return `${out}0x1.${left.toString(16).padStart(digits, '0')}p${Number(eBits) - bias}`;
}

/** Parses a float like Cranelift's `parse_float`; returns the bits or an error string. */
export function parseFloat(text: string, { w, t }: FloatFormat): bigint | string {
  const W = BigInt(w);
  const T = BigInt(t);
  let signBit = 0n;
  let s = text;
  if (s.startsWith('-')) {
    signBit = 1n << (T + W);
    s = s.slice(1);
  } else if (s.startsWith('+')) {
    s = s.slice(1);
  }
  if (!s.startsWith('0x')) {
    const maxEBits = ((1n << W) - 1n) << T;
    const quiet = 1n << (T - 1n);
    if (s === '0.0') return signBit;
    if (s === 'Inf') return signBit | maxEBits;
    if (s === 'NaN') return signBit | maxEBits | quiet;
    if (s.startsWith('NaN:0x')) {
      const payload = parseHexU128(s.slice(6));
      if (payload === null || payload >= quiet) return 'Invalid NaN payload';
      return signBit | maxEBits | quiet | payload;
    }
    if (s.startsWith('sNaN:0x')) {
      const payload = parseHexU128(s.slice(7));
      if (payload === null || payload === 0n || payload >= quiet) return 'Invalid sNaN payload';
      return signBit | maxEBits | payload;
    }
    return 'Float must be hexadecimal';
  }
  const body = s.slice(2);
  let digits = 0;
  let digitsBeforePeriod: number | null = null;
  let significand = 0n;
  let exponent = 0;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '.') {
      if (digitsBeforePeriod !== null) return 'Multiple radix points';
      digitsBeforePeriod = digits;
    } else if (ch === 'p') {
      const e = parseRustI16(body.slice(i + 1));
      if (e === null) return 'Bad exponent';
      exponent = e;
      break;
    } else {
      const d = parseInt(ch, 16);
      if (Number.isNaN(d)) return 'Invalid character';
      if (++digits > 32) return 'Too many digits';
      significand = (significand << 4n) | BigInt(d);
    }
  }
  if (digits === 0) return 'No digits';
  if (significand === 0n) return signBit;
  if (digitsBeforePeriod !== null) exponent -= 4 * (digits - digitsBeforePeriod);
  const significantBits = significand.toString(2).length;
  if (significantBits > t + 1) {
    const adjust = BigInt(significantBits - (t + 1));
    if ((significand & ((1n << adjust) - 1n)) !== 0n) return 'Too many significant bits';
    significand >>= adjust;
    exponent += Number(adjust);
  } else {
    const adjust = t + 1 - significantBits;
    significand <<= BigInt(adjust);
    exponent -= adjust;
  }
  const tBits = significand & ((1n << T) - 1n);
  const maxExp = (1 << w) - 2;
  const bias = (1 << (w - 1)) - 1;
  exponent += bias + t;
  if (exponent > maxExp) return 'Magnitude too large';
  if (exponent > 0) return signBit | (BigInt(exponent) << T) | tBits;
  if (1 - exponent <= t) {
    const adjust = BigInt(1 - exponent);
    if ((significand & ((1n << adjust) - 1n)) !== 0n) return 'Subnormal underflow';
    return signBit | (significand >> adjust);
  }
  return 'Magnitude too small';
}

function parseHexU128(text: string): bigint | null {
  if (!/^\+?[0-9a-fA-F]+$/.test(text)) return null;
  const v = BigInt(`0x${text.replace('+', '')}`);
  return v < 1n << 128n ? v : null;
}

/** Rust's `str::parse::<i16>`: optional sign, decimal digits, in range. */
function parseRustI16(text: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(text)) return null;
  const v = Number(text);
  return v >= -32768 && v <= 32767 ? v : null;
}

/** Constant bytes (little-endian, as Cranelift's `ConstantData`). */
export type ConstantBytes = readonly number[];

/** Displays constant bytes as one big-endian hex number: `0x000102...`; empty for no bytes. */
export function formatConstantData(bytes: ConstantBytes): string {
  if (bytes.length === 0) return '';
  let out = '0x';
  for (let i = bytes.length - 1; i >= 0; i--) out += bytes[i]!.toString(16).padStart(2, '0');
  return out;
}

/** Parses `0x...` hex into little-endian bytes, like `ConstantData::from_str`. */
export function parseConstantData(text: string): number[] | string {
  if (text.length <= 2 || !text.startsWith('0x')) return 'Expected a hexadecimal string, e.g. 0x1234';
  const cleaned = text.slice(2).replaceAll('_', '');
  if (cleaned.length === 0) return 'Hexadecimal string must have some digits';
  if (cleaned.length % 2 !== 0) return 'Hexadecimal string must have an even number of digits';
  if (cleaned.length > 32) return 'Hexadecimal string has too many digits to fit in a 128-bit vector';
  const bytes: number[] = [];
  for (let i = 0; i < cleaned.length; i += 2) {
    const pair = cleaned.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) return 'Unable to parse as hexadecimal';
    bytes.unshift(parseInt(pair, 16));
  }
  return bytes;
}

/** Little-endian bytes of the low `size` bytes of `x`. */
export function bigintToBytes(x: bigint, size: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(size * 8, x);
  for (let i = 0; i < size; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

/** Reads little-endian bytes as an unsigned bigint. */
export function bytesToBigint(bytes: ConstantBytes): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}
