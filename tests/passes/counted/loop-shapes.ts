// The loop shapes fuel-counted-loops' tests share (find.test.ts, and the Rust port's comparison
// in tests/native/fuel-counted-loops-native.test.ts): a module of a helper `g` and one exported
// function `f(i, n)` whose body is a loop over the locals $i, $n, $acc and $j.

/** The module around `body`. */
export const moduleOf = (body: string): string => `(module
  (func $g (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "f") (param $i i32) (param $n i32) (result i32) (local $acc i32) (local $j i32)
    ${body}
    (local.get $acc)))`;

/** A counted loop: i steps by 1 up to the invariant n, tested on the latch. */
export const COUNT = `(loop $l
  (local.set $acc (i32.add (local.get $acc) (local.get $i)))
  (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))`;

/** A loop that exits from its top (clang's loops with a peeled round): the test on a block
 *  before the latch, which only jumps back; i steps by 4. */
export const TOP = `(block $out (loop $l
  (local.set $acc (i32.add (local.get $acc) (local.get $i)))
  (br_if $out (i32.eq (local.get $i) (local.get $n)))
  (local.set $acc (i32.xor (local.get $acc) (i32.const 5)))
  (local.set $i (i32.add (local.get $i) (i32.const 4)))
  (br $l)))`;

/** A nest of two loops that are not counted (each tests a value it computes): hotter than any loop beside it. */
export const NEST = `(loop $outer
  (loop $inner
    (local.set $acc (i32.add (local.get $acc) (i32.const 3)))
    (br_if $inner (i32.lt_u (local.get $acc) (local.get $n))))
  (local.set $j (i32.add (local.get $j) (local.get $acc)))
  (br_if $outer (i32.lt_u (local.get $j) (local.get $n))))`;
