// Calls made on each WAT fixture, in order, in V8 and in slackfuel (state carries over).
import type { WatFixture } from './wat.js';

export type Arg = number | bigint;
export interface Case {
  readonly fn: string;
  readonly args: readonly Arg[];
}

const c = (fn: string, ...args: Arg[]): Case => ({ fn, args });
const I32_MIN = -2147483648;

export const CASES: Readonly<Record<WatFixture, readonly Case[]>> = {
  integer: [
    c('i32_ops', 7, -3), c('i32_ops', 0x7fffffff, 0x12345), c('i32_div', 100, 7), c('i32_div', -100, 7), c('i32_div', -1, 3),
    c('i32_bits', 0), c('i32_bits', 0x00f0_0000), c('i32_bits', -1), c('i32_shifts', -12345678, 5), c('i32_shifts', 0x1234_5678, 37),
    c('i32_cmp', -1, 1), c('i32_cmp', 5, 5), c('i32_cmp', 0, -7), c('i32_ext', 0x80), c('i32_ext', 0x7fff), c('i32_ext', 0x1_8001),
    c('i64_ops', 123456789012345n, -98765n), c('i64_ops', -1n, 63n), c('i64_div', 1n << 62n, 12345n), c('i64_div', -(1n << 40n), -7n),
    c('i64_bits', 0n), c('i64_bits', 0xf0n << 40n), c('i64_bits', -2n), c('i64_mix', -5, -1n), c('i64_mix', 77, 0x1234_5678_9abcn),
    c('i64_cmp', -1n, 1n), c('i64_cmp', 0n, 0n), c('i64_cmp', 9n, -9n),
  ],
  float: [
    c('f64_ops', 1.5, -2.25), c('f64_ops', 1e300, 1e10), c('f64_ops', 0, 0), c('f64_round', 2.5), c('f64_round', -3.5), c('f64_round', 0.49999999999999994),
    c('f64_round', -0.2), c('f64_misc', -4, 9), c('f64_misc', NaN, 1), c('f64_min', -0, 0), c('f64_min', 0, -0), c('f64_min', NaN, 1),
    c('f32_ops', 1.25, 3.5), c('f32_ops', -7.5, 0.1), c('f32_ops', 16777217, 2), c('f_cmp', 1, 2), c('f_cmp', NaN, NaN), c('f_cmp', 3, 3),
    c('convert', -1, -1n), c('convert', 2147483647, 9007199254740993n), c('convert', 0, -(1n << 63n)),
    c('trunc_s', -2147483648.9), c('trunc_s', 2147483647.5), c('trunc_s', -0.9), c('trunc_s', 2147483648), c('trunc_s', NaN),
    c('trunc_u64', 1.5e19), c('trunc_u64', -0.5), c('trunc_u64', -1), c('trunc_u64', Infinity),
    c('trunc_sat', NaN), c('trunc_sat', 1e20), c('trunc_sat', -1e20), c('trunc_sat', -3.7), c('trunc_sat', 4294967295.5),
    c('reinterpret', -0, 0x7fc0_0000), c('reinterpret', 1.5, -1),
  ],
  control: [
    c('fib', 0), c('fib', 1), c('fib', 50), c('classify', 0), c('classify', 1), c('classify', 2), c('classify', 3), c('classify', -1),
    c('table_values', 0), c('table_values', 1), c('table_values', 2), c('table_values', 99), c('ifs', 3), c('ifs', 12), c('ifs', 11),
    c('sel', 1n, 2n, 0), c('sel', 1n, 2n, 5), c('multi', 3, 4), c('multi_loop', 100), c('nested', 40), c('nested', 0), c('fact', 20n), c('nop_drop', 9),
  ],
  globals: [c('bump', 2n), c('bump', -50n), c('mix', 1.5), c('bump', 1n << 40n)],
  memory: [
    c('size'), c('store_load', 0, 0x0102_0304_0506_0708n), c('store_load', 1000, -2n), c('narrow', 64, -12345), c('narrow', 200, 0x1234_5678),
    c('unaligned', 301), c('sum', 16, 12), c('bulk', 400, 32), c('load', 400), c('grow', 1), c('size'), c('store', 131068, -1), c('load', 131068),
    c('grow', 5), c('grow', 0), c('size'), c('fill', 65530, 0x55, 12), c('copy', 500, 16, 11), c('copy', 503, 500, 11), c('init_passive', 600),
    c('drop_passive'), c('init_passive', 700), c('init_passive', 700 /* zero-length after drop is fine only for len 0 */),
    c('load', 131069), c('load_far', 65528), c('load_far', 65529), c('fill', 131070, 1, 3), c('copy', 131000, 0, 1000),
  ],
  tables: [
    c('apply', 0, 5, 3), c('apply', 1, 5, 3), c('apply1', 2, 9), c('apply', 2, 5, 3), c('apply1', 0, 1), c('apply', 7, 1, 1), c('apply', 8, 1, 1),
    c('size'), c('is_null', 0), c('is_null', 5), c('grow', 3), c('size'), c('apply', 9, 10, 4), c('grow', 100), c('set_null', 0), c('apply', 0, 1, 1),
    c('set_sub', 3), c('apply', 3, 10, 1), c('fill', 4, 3), c('apply', 6, 2, 2), c('fill', 10, 2), c('copy', 0, 4, 2), c('apply', 0, 7, 7),
    c('copy', 9, 0, 5), c('init', 0, 0, 2), c('apply1', 0, 4), c('apply', 1, 4, 4), c('init', 0, 1, 2), c('drop'), c('init', 0, 0, 0), c('init', 0, 0, 1),
    c('ext_null'), c('is_null', 20),
  ],
  calls: [c('started'), c('is_even', 10), c('is_even', 7), c('host', 5), c('deep', 1000)],
  traps: [
    c('unreachable'), c('oob_load', 65532), c('oob_load', 65533), c('oob_load', -1), c('oob_store', 65528), c('oob_store', 65520),
    c('oob_fill', 65000, 536), c('oob_fill', 65000, 537), c('oob_table', 3), c('oob_table', 4), c('div_zero', 1, 0), c('rem_zero', 5n, 0n),
    c('int_overflow', I32_MIN, -1), c('int_overflow', I32_MIN, 1), c('bad_conversion', 3e10), c('bad_conversion', -2147483649),
    c('nan_conversion', NaN), c('indirect_null', 1), c('indirect_null', 0), c('indirect_mismatch', 0), c('indirect_oob', 4), c('stack_exhaustion', 0),
  ],
  // Each group stores its vectors in memory (compared whole); last bytes of memory and one past.
  simd: [
    c('int_lanes', 0, 0), c('int_lanes', 0x7f80ff01, -2), c('saturating', 0x7f7f7f7f, 0x7f7f), c('saturating', -1, -32768),
    c('compares', 5, -3), c('compares', 0, 0x0101), c('shifts', 0x0123_4567_89ab_cdefn, 3), c('shifts', -2n, 67), c('shifts', 0x7f00_8001n, 15),
    c('bitwise', 0x00ff_00ff_f0f0_0f0fn, -6n), c('shuffles', 0), c('shuffles', 9), c('shuffles', 240),
    c('lanes', -5n, 0x1_2345, 2.5, -1e10), c('lanes', 1n << 62n, -1, -0.75, 3.5),
    c('floats', 1.25, -3.5), c('floats', -0, 1e300), c('floats', 3.5, -0.5),
    c('conversions', 2.5e9, 5e9, -7), c('conversions', -1.5, -1e20, 0x1_0000), c('conversions', 65504, 4294967295.5, 0x7fff),
    c('dots', 0x12345678, -9), c('dots', -1, 0x7fff),
    c('load16', 0), c('load16', 65504), c('load16', 65505), c('load16', -1), c('store16', 65520, -1n), c('store16', 65521, 1n),
    c('load_ext', 0), c('load_ext', 65520), c('load_ext', 65521), c('load_splat', 7), c('load_splat', 65526), c('load_splat', 65527),
    c('lane_mem', 3), c('lane_mem', 65528), c('lane_mem', 65529),
    c('flow', 0), c('flow', 1), c('flow', 6), c('flow', -1), c('acc'),
  ],
};

/** Host functions both engines get; `log` records its arguments in `calls`. */
export function hostImports(log: Arg[][]) {
  return {
    env: {
      add3: (a: Arg, b: Arg, c: Arg) => Number(a) + Number(b) / 1e6 + Number(c),
      log: (x: Arg) => {
        log.push([x]);
      },
    },
  };
}

export const IMPORTED_GLOBALS = { 'env.base': 5 };
