// A module of counted loops for the fuel-counted-loops tests: one exported function per
// (width, step) pair, `(start, bound) -> acc`, whose loop runs while `(i += step) != bound`;
// `zero32` runs while `(i += -1) != 0` (the test on the stepped value itself); `trap32` loads
// from address `i` every iteration (one page: out-of-bounds addresses trap inside the loop).
export interface LoopFn {
  readonly name: string;
  readonly width: 32 | 64;
  readonly step: bigint;
}

const STEPS: Record<32 | 64, bigint[]> = {
  32: [1n, -1n, 2n, -4n, 16n, -(1n << 31n)],
  64: [1n, -1n, 8n, -2n, 1n << 40n, -(1n << 63n)],
};

export const LOOP_FNS: readonly LoopFn[] = [
  ...([32, 64] as const).flatMap((width) => STEPS[width].map((step) => ({ name: `loop${width}_${step < 0n ? 'm' : 'p'}${step < 0n ? -step : step}`, width, step }))),
  { name: 'zero32', width: 32, step: -1n },
  { name: 'trap32', width: 32, step: 4n },
];

function loopFn(f: LoopFn): string {
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
