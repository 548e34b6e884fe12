// A loop-focused module generator for the differential fuzzer (`npm run fuzz -- --generator
// loops`): wasm-smith rarely makes a loop whose trip count is known on entry, so this one makes
// little else. Each exported function runs one to three loops over an induction variable of
// either width stepped by a constant (mostly ±2^t, sometimes not), from a start and to a bound
// taken from constants or (masked) parameters, with the exit tests fuel-counted-loops recognises
// (on the latch, or at the top of the loop) and one it does not; their bodies mix arithmetic, loads and stores (in and out of
// bounds), divisions by the induction variable (a trap when it reaches 0), global updates, and
// now and then what makes a loop uncountable: a call, an inner loop, an early exit, a branch, an
// `unreachable`. Most loops run an exact number of iterations (1 to 3000), the others whatever
// their start and bound give, up to 2^64 / |step| or never ending (a bound the variable skips),
// so budgets run out before, inside and after the loops.
import { parse } from '@bytecodealliance/jco';
import { stream } from './args.js';

class Choices {
  readonly #next: () => bigint;
  constructor(seed: number) {
    this.#next = stream(seed + 0x51ed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Number(this.#next() % BigInt(n));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.int(1000) < p * 1000;
  }
}

type Width = 'i32' | 'i64';

/** The local each width's induction variable, its bound and its scratch value live in. */
const IV: Record<Width, { iv: string; bound: string; start: string }> = {
  i32: { iv: '$i', bound: '$n', start: '$s' },
  i64: { iv: '$k', bound: '$m', start: '$r' },
};

const STEPS = [1n, 1n, 1n, -1n, -1n, 2n, -2n, 4n, -4n, 8n, 16n, -16n, 3n, -5n, 1n << 31n] as const;

function constant(w: Width, value: bigint): string {
  const bits = w === 'i32' ? 32 : 64;
  return `(${w}.const ${BigInt.asIntN(bits, value)})`;
}

/** A value of width `w` computed before the loop: a constant or a (masked) parameter. */
function operand(c: Choices, w: Width, small: boolean): string {
  const param = w === 'i32' ? c.pick(['$a', '$b']) : '$c';
  switch (c.int(small ? 3 : 5)) {
    case 0:
      return constant(w, BigInt(c.int(40)) - (c.chance(0.2) ? 20n : 0n));
    case 1:
      return `(${w}.and (local.get ${param}) ${constant(w, BigInt(c.pick([7, 63, 255, 1023, 4095])))})`;
    case 2:
      return constant(w, BigInt(c.pick([0, 1, 2, 100, 1000, 3000])));
    case 3:
      return `(local.get ${param})`;
    default:
      return constant(w, w === 'i32' ? BigInt(c.pick([-1, -8, 0x7ffffff0, -0x80000000])) : BigInt(c.pick([-1, -8, 0xfffffff0])));
  }
}

/** One statement of a loop body over induction variable `iv` of width `w`. */
function statement(c: Choices, w: Width, depth: number): string {
  const iv32 = w === 'i32' ? `(local.get $i)` : `(i32.wrap_i64 (local.get $k))`;
  const iv64 = w === 'i64' ? `(local.get $k)` : `(i64.extend_i32_u (local.get $i))`;
  const kind = c.int(100);
  if (kind < 25) return `(local.set $acc (i64.${c.pick(['add', 'xor', 'mul', 'rotl', 'sub'])} (local.get $acc) ${iv64}))`;
  if (kind < 35) {
    const addr = c.chance(0.8) ? `(i32.and (i32.shl ${iv32} (i32.const 2)) (i32.const 0xfffc))` : `(i32.add (i32.shl ${iv32} (i32.const 2)) (i32.const ${c.pick([0, 65000, 65532])}))`;
    return `(i32.store offset=${c.pick([0, 0, 4, 8])} ${addr} (i32.add ${iv32} (i32.wrap_i64 (local.get $acc))))`;
  }
  if (kind < 45) {
    const addr = c.chance(0.85) ? `(i32.and (i32.mul ${iv32} (i32.const 8)) (i32.const 0xfff8))` : `(i32.mul ${iv32} (i32.const 8))`;
    return `(local.set $acc (i64.add (local.get $acc) (i64.load ${addr})))`;
  }
  if (kind < 52) return `(local.set $t (i32.${c.pick(['div_u', 'rem_s', 'div_s'])} (i32.const ${c.pick([1000, -2147483648, 7])}) ${c.chance(0.5) ? iv32 : `(i32.or ${iv32} (i32.const 1))`}))`;
  if (kind < 58) return `(global.set $g (i32.add (global.get $g) ${c.chance(0.5) ? '(i32.const 1)' : iv32}))`;
  if (kind < 62) return `(local.set $f (f64.add (local.get $f) (f64.convert_i64_s ${iv64})))`;
  if (kind < 66) return `(local.set $t (i32.trunc_f64_s (f64.mul (local.get $f) (f64.const ${c.pick(['0.5', '1e9', '1e300'])}))))`;
  // What makes the loop uncountable (fuel-counted-loops must leave it alone, or run it right).
  if (kind < 72) return `(if (i32.and ${iv32} (i32.const ${c.pick([1, 3, 7])})) (then (local.set $acc (i64.add (local.get $acc) (i64.const 3)))))`;
  if (kind < 77) return `(local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (call $helper ${iv32}))))`;
  if (kind < 82) return `(br_if $exit (i32.eq ${iv32} (i32.and (local.get $b) (i32.const ${c.pick([15, 255])}))))`;
  if (kind < 86) return `(if (i32.eq ${iv32} (i32.const ${c.pick([5, 37, 1000])})) (then unreachable))`;
  if (kind < 90) return `(memory.fill (i32.and (i32.shl ${iv32} (i32.const 4)) (i32.const 0xff00)) ${iv32} (i32.and ${iv32} (i32.const ${c.pick([15, 255, 0xffff])})))`;
  if (depth === 0) return innerLoop(c);
  return `(local.set $acc (i64.add (local.get $acc) (i64.const 1)))`;
}

/** A counted inner loop over its own variable ($j), a few iterations per outer one. */
function innerLoop(c: Choices): string {
  const step = c.pick([1, 2, -1]);
  const trips = 1 + c.int(6);
  const [start, end] = step > 0 ? [0, trips * step] : [trips, 0];
  return `(local.set $j (i32.const ${start}))
      (loop $inner
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $j))))
        (br_if $inner (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const ${step}))) (i32.const ${end}))))`;
}

/** One loop of width `w`: start and bound set before it, the body, the step and the exit test. */
function loop(c: Choices, depth: number): string {
  const w: Width = c.chance(0.65) ? 'i32' : 'i64';
  const { iv, bound, start } = IV[w];
  const step = c.pick(STEPS);
  const statements = Array.from({ length: 1 + c.int(4) }, () => statement(c, w, depth));
  let body = statements.join('\n        ');
  const stepped = `(local.tee ${iv} (${w}.add (local.get ${iv}) ${constant(w, step)}))`;
  const test = c.int(10);
  // `x != bound` continuing (the common shape), `x` itself continuing while non-zero, `x == bound`
  // leaving through an outer br_if, or `x < bound` (not counted: the pass leaves it alone).
  let latch =
    test < 6
      ? `(br_if $loop (${w}.ne ${stepped} (local.get ${bound})))`
      : test < 8
        ? `(br_if $loop ${w === 'i32' ? stepped : `(i64.ne ${stepped} (i64.const 0))`})`
        : test < 9
          ? `(br_if $exit (${w}.eq ${stepped} (local.get ${bound})))\n        (br $loop)`
          : `(br_if $loop (${w}.lt_u ${stepped} (local.get ${bound})))`;
  // Half of the `x == bound` loops exit from their top instead: `i == bound` tested between the
  // two halves of the body, `i += step` after them (a loop with a peeled round, as clang makes).
  if (test === 8 && c.chance(0.5)) {
    const half = c.int(statements.length + 1);
    body = [...statements.slice(0, half), `(br_if $exit (${w}.eq (local.get ${iv}) (local.get ${bound})))`, ...statements.slice(half)].join('\n        ');
    latch = `(local.set ${iv} (${w}.add (local.get ${iv}) ${constant(w, step)}))\n        (br $loop)`;
  }
  // Most loops get an exact trip count (the bound is the start plus trips × step), the others
  // whatever start and bound the operands give: huge trip counts, or none (a skipped bound).
  const zeroTest = test >= 6 && test < 8;
  const trips = BigInt(1 + c.int(c.chance(0.5) ? 20 : 3000));
  const exact = c.chance(0.6);
  const startValue = exact && zeroTest ? constant(w, -trips * step) : operand(c, w, false);
  const boundValue = zeroTest ? constant(w, 0n) : exact ? `(${w}.add (local.get ${start}) ${constant(w, trips * step)})` : operand(c, w, true);
  return `(local.set ${start} ${startValue})
    (local.set ${bound} ${boundValue})
    (local.set ${iv} (local.get ${start}))
    (block $exit
      (loop $loop
        ${body}
        ${latch}))`;
}

/** An exported function: one to three loops, then the accumulated value (and the variables). */
function exported(c: Choices, index: number): string {
  const loops = Array.from({ length: 1 + c.int(3) }, () => loop(c, 0)).join('\n    ');
  const result = c.chance(0.5)
    ? '(result i64)\n    (local.get $acc)'
    : '(result i64 i32)\n    (i64.add (local.get $acc) (local.get $k))\n    (i32.add (local.get $i) (local.get $t))';
  const [sig, ...tail] = result.split('\n');
  return `  (func (export "f${index}") (param $a i32) (param $b i32) (param $c i64) ${sig}
    (local $i i32) (local $n i32) (local $s i32) (local $j i32) (local $t i32)
    (local $k i64) (local $m i64) (local $r i64) (local $acc i64) (local $f f64)
    ${loops}
${tail.join('\n')})`;
}

/** The helper exported functions call: a counted loop of its own, `x & 31` iterations. */
const HELPER = `  (func $helper (param $x i32) (result i32) (local $i i32) (local $sum i32)
    (local.set $i (i32.and (local.get $x) (i32.const 31)))
    (if (i32.eqz (local.get $i)) (then (return (i32.const 0))))
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (i32.mul (local.get $i) (local.get $i))))
      (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (local.get $sum))`;

/** The WAT text of module `seed`. */
export function loopModuleText(seed: number): string {
  const c = new Choices(seed);
  const functions = Array.from({ length: 1 + c.int(4) }, (_, i) => exported(c, i));
  return `(module
  (memory ${c.pick([1, 1, 2])})
  (global $g (mut i32) (i32.const 0))
${HELPER}
${functions.join('\n')})
`;
}

/** The binary of module `seed`. */
export async function loopModule(seed: number): Promise<Uint8Array> {
  return parse(loopModuleText(seed));
}
