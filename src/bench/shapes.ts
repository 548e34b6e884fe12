// One-function modules of shapes a guest controls (many loops in a row, plain or counted, loops
// nested deep, a wide br_table, if/else nested deep, calls each followed by a branch), in WAT:
// `npm run bench:shapes` times the fuel passes on them, and tests build the sizes where a pass's
// work limit binds.

/** The body of `(func (param i32) (result i32) (local i32 i32) BODY (local.get 1))` for size n. */
export const SHAPES = {
  'loops-in-a-row': (n: number) =>
    Array.from({ length: n }, (_, i) => `(local.set 1 (i32.const 3)) (loop $l${i} (local.set 1 (i32.sub (local.get 1) (i32.const 1))) (br_if $l${i} (local.get 1)))`).join('\n'),
  'counted-loops-in-a-row': (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `(local.set 1 (i32.const 0)) (loop $l${i} (local.set 2 (i32.add (local.get 2) (i32.const 3))) (br_if $l${i} (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))`,
    ).join('\n'),
  'nested-loops': (n: number) =>
    Array.from({ length: n }, (_, i) => `(loop $l${i} (local.set 1 (i32.sub (local.get 1) (i32.const 1)))`).join('\n') +
    Array.from({ length: n }, (_, i) => `(br_if $l${n - 1 - i} (local.get 1)))`).join('\n'),
  'wide-br-table': (n: number) => {
    let inner = `(br_table ${Array.from({ length: n }, (_, i) => `$b${i}`).join(' ')} (local.get 0))`;
    for (let i = 0; i < n; i++) inner = `(block $b${i} ${inner}) (local.set 1 (i32.add (local.get 1) (i32.const ${i}))) (br $exit)`;
    return `(block $exit ${inner})`;
  },
  'nested-ifs': (n: number) =>
    Array.from({ length: n }, (_, i) => `(if (local.get 0) (then (local.set 1 (i32.add (local.get 1) (i32.const ${i})))`).join('\n') +
    Array.from({ length: n }, (_, i) => `) (else (local.set 1 (i32.const ${i}))))`).join('\n'),
  'calls-and-branches': (n: number) =>
    Array.from({ length: n }, (_, i) => `(local.set 1 (call 0 (local.get 1))) (if (local.get 1) (then (local.set 1 (i32.const ${i}))))`).join('\n'),
} as const;
export type Shape = keyof typeof SHAPES;
export const SIZES: Record<Shape, number[]> = {
  'loops-in-a-row': [2000, 4000, 8000, 16000],
  'counted-loops-in-a-row': [250, 500, 1000, 2000],
  'nested-loops': [250, 500, 1000, 2000],
  'wide-br-table': [2000, 4000, 8000, 16000],
  'nested-ifs': [1000, 2000, 4000, 8000],
  'calls-and-branches': [2000, 4000, 8000, 16000],
};
export const SHAPE_NAMES = Object.keys(SHAPES) as Shape[];

/** The module whose one function (`(param i32) (result i32)`, two i32 locals) is `shape` at size `n`. */
export function shapeModule(shape: Shape, n: number): string {
  return `(module (func (param i32) (result i32) (local i32 i32) ${SHAPES[shape](n)} (local.get 1)))`;
}
