// The trip count of a counted loop, as fuel-counted-loops computes it in CLIF and check-fuel
// expects it: a loop whose induction variable starts at `start`, is stepped by `step` (±2^t) once
// per iteration, and runs again while `i + step != bound` (w-bit wrapping arithmetic) runs
//   n = ((δ − |step|) mod 2^w) / |step| + 1,   δ = (bound − start)·sign(step) mod 2^w,
// iterations when δ is a multiple of |step|, and forever otherwise (docs/results.md, "Counted loops").
// A loop that tests at its top, `while (i != bound) { ...; i += step }`, completes
//   m = (δ mod 2^w) / |step|
// iterations (its top runs m + 1 times); one that tests `i + step` at its top completes n − 1.

/** t when `step`, read as a `width`-bit signed integer, is ±2^t; undefined otherwise (0 included). */
export function stepShift(step: bigint, width: number): number | undefined {
  const s = BigInt.asIntN(width, step);
  if (s === 0n) return undefined;
  const a = BigInt.asUintN(width, s < 0n ? -s : s);
  if ((a & (a - 1n)) !== 0n) return undefined;
  return a.toString(2).length - 1;
}

/** Iterations of the loop, or null when it never exits (δ not a multiple of |step|). */
export function tripCount(width: number, start: bigint, bound: bigint, step: bigint): bigint | null {
  const t = stepShift(step, width);
  if (t === undefined) throw new RangeError(`step ${step} is not ±2^t at ${width} bits`);
  const s = BigInt.asIntN(width, step);
  const a = 1n << BigInt(t);
  const delta = BigInt.asUintN(width, s < 0n ? start - bound : bound - start);
  if (delta % a !== 0n) return null;
  return BigInt.asUintN(width, delta - a) / a + 1n;
}

/**
 * Iterations completed by a loop that tests at its top (`testsStepped`: `i + step != bound`, else
 * `i != bound`) before it leaves: its top runs one more time. Null when it never leaves.
 */
export function topExitTripCount(width: number, start: bigint, bound: bigint, step: bigint, testsStepped: boolean): bigint | null {
  if (testsStepped) {
    const n = tripCount(width, start, bound, step);
    return n === null ? null : n - 1n;
  }
  const t = stepShift(step, width);
  if (t === undefined) throw new RangeError(`step ${step} is not ±2^t at ${width} bits`);
  const s = BigInt.asIntN(width, step);
  const delta = BigInt.asUintN(width, s < 0n ? start - bound : bound - start);
  const a = 1n << BigInt(t);
  return delta % a === 0n ? delta / a : null;
}

/**
 * The largest `m = n − 1` the versioning guard accepts for a per-iteration charge `charge`: with
 * `m < limit`, `n × charge <= 2^62` so neither the prepaid amount nor the comparison overflows
 * (nor, for a loop that exits from its top, `m × charge + top` with `top <= charge`).
 */
export function prepayLimit(charge: bigint): bigint {
  if (charge <= 0n) throw new RangeError(`charge ${charge} must be positive`);
  return (1n << 62n) / charge;
}
