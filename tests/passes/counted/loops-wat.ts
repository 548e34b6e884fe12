// A module of counted loops for the fuel-counted-loops tests: one exported function per
// (width, step) pair, `(start, bound) -> acc`, whose loop runs while `(i += step) != bound`;
// `zero32` runs while `(i += -1) != 0` (the test on the stepped value itself); `trap32` loads
// from address `i` every iteration (one page: out-of-bounds addresses trap inside the loop).
// The `top*` functions exit from the top of the loop, as clang's loops with a peeled round do:
// the first half of the body, then `br_if` out when `i == bound` (`top`) or when
// `i + step == bound` (`topstep`, that sum carried round), then the second half and `i += step`;
// `toptrap32` loads from `i` in the first half.
export interface LoopFn {
  readonly name: string;
  readonly width: 32 | 64;
  readonly step: bigint;
  /** Whether the loop exits from its top ('top': tests i; 'topstep': tests i + step). */
  readonly exit?: 'top' | 'topstep';
}

const STEPS: Record<32 | 64, bigint[]> = {
  32: [1n, -1n, 2n, -4n, 16n, -(1n << 31n)],
  64: [1n, -1n, 8n, -2n, 1n << 40n, -(1n << 63n)],
};

export const LOOP_FNS: readonly LoopFn[] = [
  ...([32, 64] as const).flatMap((width) => STEPS[width].map((step) => ({ name: `loop${width}_${step < 0n ? 'm' : 'p'}${step < 0n ? -step : step}`, width, step }))),
  { name: 'zero32', width: 32, step: -1n },
  { name: 'trap32', width: 32, step: 4n },
  { name: 'top32_p4', width: 32, step: 4n, exit: 'top' },
  { name: 'top32_m1', width: 32, step: -1n, exit: 'top' },
  { name: 'top64_p1', width: 64, step: 1n, exit: 'top' },
  { name: 'top64_m8', width: 64, step: -8n, exit: 'top' },
  { name: 'topstep32_m2', width: 32, step: -2n, exit: 'topstep' },
  { name: 'topstep64_p16', width: 64, step: 16n, exit: 'topstep' },
  { name: 'toptrap32', width: 32, step: 4n, exit: 'top' },
];

function topLoopFn(f: LoopFn): string {
  const t = `i${f.width}`;
  const s = BigInt.asIntN(f.width, f.step).toString();
  const first =
    f.name === 'toptrap32'
      ? `(local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $i))))`
      : `(local.set $acc (${t}.add (${t}.mul (local.get $acc) (${t}.const 31)) (local.get $i)))`;
  const test = f.exit === 'topstep' ? `(local.tee $next (${t}.add (local.get $i) (${t}.const ${s})))` : `(local.get $i)`;
  const next = f.exit === 'topstep' ? `(local.get $next)` : `(${t}.add (local.get $i) (${t}.const ${s}))`;
  return `(func (export "${f.name}") (param $i ${t}) (param $bound ${t}) (result ${t}) (local $acc ${t}) (local $next ${t})
    (block $out
      (loop $l
        ${first}
        (br_if $out (${t}.eq ${test} (local.get $bound)))
        (local.set $acc (${t}.xor (local.get $acc) (${t}.const 5)))
        (local.set $i ${next})
        (br $l)))
    (local.get $acc))`;
}

function loopFn(f: LoopFn): string {
  if (f.exit !== undefined) return topLoopFn(f);
  const t = `i${f.width}`;
  const s = BigInt.asIntN(f.width, f.step).toString();
  if (f.name === 'zero32') {
    return `(func (export "${f.name}") (param $i i32) (param $bound i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
      (br_if $l (local.tee $i (i32.add (local.get $i) (i32.const ${s})))))
    (local.get $acc))`;
  }
  const body =
    f.name === 'trap32'
      ? `(local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $i))))`
      : `(local.set $acc (${t}.add (${t}.mul (local.get $acc) (${t}.const 31)) (local.get $i)))`;
  return `(func (export "${f.name}") (param $i ${t}) (param $bound ${t}) (result ${t}) (local $acc ${t})
    (loop $l
      ${body}
      (br_if $l (${t}.ne (local.tee $i (${t}.add (local.get $i) (${t}.const ${s}))) (local.get $bound))))
    (local.get $acc))`;
}

export const LOOPS_WAT = `(module
  (memory 1)
  (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08")
  ${LOOP_FNS.map(loopFn).join('\n  ')})`;
