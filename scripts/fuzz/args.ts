// Arguments for a fuzzed call, derived from a number so a seed reproduces them: edge values
// (0, ±1, the extremes, ±0.0, infinities, the canonical NaN) and random bit patterns. Floats
// are given by their bits; only canonical NaNs, which survive a trip through a JavaScript number.
import type { NumericType } from './outcome.js';

const EDGES: Record<NumericType, readonly bigint[]> = {
  i32: [0n, 1n, -1n, 2n, 7n, 31n, 32n, 255n, 65536n, 2147483647n, -2147483648n],
  i64: [0n, 1n, -1n, 63n, 64n, 4294967295n, 9223372036854775807n, -9223372036854775808n],
  f32: [0n, 0x80000000n, 0x3f800000n, 0xbf800000n, 0x7f800000n, 0xff800000n, 0x7fc00000n, 0x4f000000n, 0x00000001n],
  f64: [0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff0000000000000n, 0x7ff8000000000000n, 0x41e0000000000000n],
};

/** xorshift64*: a small deterministic stream. */
export function stream(seed: number): () => bigint {
  let x = (BigInt(seed) * 0x9e3779b97f4a7c15n) | 1n;
  const mask = (1n << 64n) - 1n;
  return () => {
    x ^= x >> 12n;
    x ^= (x << 25n) & mask;
    x ^= x >> 27n;
    return (x * 0x2545f4914f6cdd1dn) & mask;
  };
}

function isNonCanonicalNaN(type: NumericType, bits: bigint): boolean {
  if (type === 'f32') return (bits & 0x7f800000n) === 0x7f800000n && (bits & 0x7fffffn) !== 0n && bits !== 0x7fc00000n;
  if (type === 'f64') return (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0xfffffffffffffn) !== 0n && bits !== 0x7ff8000000000000n;
  return false;
}

export function argsFor(seed: number, params: readonly NumericType[]): string[] {
  const next = stream(seed);
  return params.map((type) => {
    const r = next();
    const width = type === 'i32' || type === 'f32' ? 32n : 64n;
    let bits = r % 3n === 0n ? EDGES[type][Number((r >> 8n) % BigInt(EDGES[type].length))]! : (r >> 2n) & ((1n << width) - 1n);
    if (r % 7n === 1n && (type === 'i32' || type === 'i64')) bits = (r >> 5n) % 64n; // small counts and indices
    if (isNonCanonicalNaN(type, bits)) bits = type === 'f32' ? 0x7fc00000n : 0x7ff8000000000000n;
    if (type === 'i32') return BigInt.asIntN(32, bits).toString();
    if (type === 'i64') return BigInt.asIntN(64, bits).toString();
    return BigInt.asUintN(Number(width), bits).toString();
  });
}
