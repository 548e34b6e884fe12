// The trip-count formula of fuel-counted-loops and check-fuel (src/passes/fuel/counted/trip-count.ts)
// against simulation of the loop `do { i += step } while (i != bound)` in w-bit arithmetic:
// exhaustively at 8 bits (every start, bound and step ±2^t), and at 16 bits for every bound and
// step from starts at 0, the sign boundary, the top and a few others (the count depends on
// bound − start only, but the formula is checked as written, on the start as given). The count
// of a loop that exits from its top, `while (i != bound) { ...; i += step }` (or the test on
// `i + step`), is checked the same way, exhaustively at 8 bits.
import test from 'ava';
import { prepayLimit, stepShift, topExitTripCount, tripCount } from '../../../src/passes/fuel/counted/trip-count.js';

/** First k >= 1 with start + k·step == bound (mod 2^w), for every bound: one walk round the orbit. */
function simulate(width: number, start: bigint, step: bigint): Map<bigint, bigint> {
  const first = new Map<bigint, bigint>();
  let i = BigInt.asUintN(width, start);
  for (let k = 1n; k <= 1n << BigInt(width); k++) {
    i = BigInt.asUintN(width, i + step);
    if (!first.has(i)) first.set(i, k);
  }
  return first;
}

function steps(width: number): bigint[] {
  const out: bigint[] = [];
  for (let t = 0; t < width; t++) out.push(1n << BigInt(t), -(1n << BigInt(t)));
  return out;
}

function agree(width: number, starts: readonly bigint[]): { cases: number; bad: string[] } {
  const bad: string[] = [];
  let cases = 0;
  for (const step of steps(width)) {
    for (const start of starts) {
      const sim = simulate(width, start, step);
      for (let bound = 0n; bound < 1n << BigInt(width); bound++) {
        cases++;
        const expected = sim.get(bound) ?? null;
        const got = tripCount(width, start, bound, step);
        if (got !== expected && bad.length < 5) bad.push(`w=${width} start=${start} bound=${bound} step=${step}: ${got} != ${expected}`);
      }
    }
  }
  return { cases, bad };
}

test('8 bits, exhaustive: the formula gives the simulated trip count, and null exactly when the loop never ends', (t) => {
  const starts = Array.from({ length: 256 }, (_, i) => BigInt(i));
  const { cases, bad } = agree(8, starts);
  t.is(cases, 16 * 256 * 256);
  t.deepEqual(bad, []);
});

test('16 bits, every bound and step from chosen starts', (t) => {
  const { cases, bad } = agree(16, [0n, 1n, 0x7fffn, 0x8000n, 0xfffen, 0xffffn, 12345n]);
  t.is(cases, 32 * 7 * 65536);
  t.deepEqual(bad, []);
});

/** Iterations completed before the top test leaves: the first k >= 0 with the tested value at bound. */
function simulateTop(width: number, start: bigint, step: bigint, testsStepped: boolean): Map<bigint, bigint> {
  const first = new Map<bigint, bigint>();
  let i = BigInt.asUintN(width, start);
  for (let k = 0n; k < 1n << BigInt(width); k++) {
    const tested = testsStepped ? BigInt.asUintN(width, i + step) : i;
    if (!first.has(tested)) first.set(tested, k);
    i = BigInt.asUintN(width, i + step);
  }
  return first;
}

test('8 bits, exhaustive: a loop that exits from its top completes the simulated number of iterations, or never leaves', (t) => {
  const bad: string[] = [];
  let cases = 0;
  for (const testsStepped of [false, true]) {
    for (const step of steps(8)) {
      for (let start = 0n; start < 256n; start++) {
        const sim = simulateTop(8, start, step, testsStepped);
        for (let bound = 0n; bound < 256n; bound++) {
          cases++;
          const expected = sim.get(bound) ?? null;
          const got = topExitTripCount(8, start, bound, step, testsStepped);
          if (got !== expected && bad.length < 5) bad.push(`start=${start} bound=${bound} step=${step} stepped=${testsStepped}: ${got} != ${expected}`);
        }
      }
    }
  }
  t.is(cases, 2 * 16 * 256 * 256);
  t.deepEqual(bad, []);
});

test('stepShift: powers of two of either sign, at the width given', (t) => {
  t.is(stepShift(1n, 32), 0);
  t.is(stepShift(-8n, 32), 3);
  t.is(stepShift(-(1n << 31n), 32), 31);
  t.is(stepShift(0xfffffffen, 32), 1);
  t.is(stepShift(3n, 32), undefined);
  t.is(stepShift(0n, 32), undefined);
  t.is(stepShift(1n << 32n, 32), undefined);
});

test('prepayLimit: m below it keeps (m + 1) × c within 2^62', (t) => {
  for (const c of [1n, 3n, 13n, 45n, 1000n, (1n << 40n) + 7n]) {
    const limit = prepayLimit(c);
    t.true(limit * c <= 1n << 62n);
    t.true((limit + 1n) * c > 1n << 62n);
  }
  t.throws(() => prepayLimit(0n), { instanceOf: RangeError });
});
