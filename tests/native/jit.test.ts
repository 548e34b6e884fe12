import test from 'ava';
import fc from 'fast-check';
import { jit } from '../../src/native/index.js';
import { CallError, CompileError, ModuleDisposedError, SettingError, VerifierError } from '../../src/runtime/errors.js';
import { fixture } from './fixture.js';

const arithmetic = jit(fixture('arithmetic.clif'));
const control = jit(fixture('control.clif'));

test('integer arithmetic matches JavaScript\'s 32-bit semantics', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (a, b) => {
      const [result] = arithmetic.call('iadd_mul', [a, b]);
      return result === Math.imul((a + b) | 0, b);
    }),
  );
  t.deepEqual(arithmetic.call('%iadd_mul', [2 ** 31 - 1, 1]), [-(2 ** 31)]);
  t.deepEqual(arithmetic.call('iadd_mul', [0xffffffff, 1]), [0], 'unsigned spellings wrap like the bits they are');
});

test('i64 takes and returns bigints (numbers accepted), with two results', (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), (a, b) => {
      const [difference, quotient] = arithmetic.call('i64_ops', [a, b]);
      return difference === BigInt.asIntN(64, a - b) && quotient === a / b;
    }),
  );
  t.deepEqual(arithmetic.call('i64_ops', [100, 7]), [93n, 14n]);
});

test('i8/i16 arguments and f32/f64 arithmetic', (t) => {
  t.deepEqual(arithmetic.call('narrow', [-1, 10]), [9]);
  t.deepEqual(arithmetic.call('narrow', [0xff, 0]), [-1], 'i8 0xff is -1, sign-extended');
  t.deepEqual(arithmetic.call('fma_like', [1.5, 2, 0.25]), [3.25]);
  t.deepEqual(arithmetic.call('f32_ops', [2, 8]), [0.5]);
  t.deepEqual(arithmetic.call('convert', [-3]), [-2.5]);
  fc.assert(
    fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), fc.double({ noNaN: true }), (a, b, c) => {
      const [r] = arithmetic.call('fma_like', [a, b, c]);
      return Object.is(r, a * b + c);
    }),
  );
  const [nan] = arithmetic.call('f32_ops', [-1, 1]);
  t.true(Number.isNaN(nan));
});

test('stack slots, br_table and calls between functions', (t) => {
  t.deepEqual(control.call('stack_sum', [40n, 2n]), [42n]);
  const cases: Array<[number, number]> = [[0, 10], [1, 20], [2, 30], [3, -1], [-1, -1], [1000, -1]];
  for (const [input, expected] of cases) t.deepEqual(control.call('select_case', [input]), [expected], `case ${input}`);
  t.deepEqual(control.call('sum_of_squares', [3n, 4n]), [25n]);
  t.deepEqual(control.call('via_user_name', [40]), [42]);
  t.deepEqual(control.call('u0:7', [1]), [2]);
  t.deepEqual(control.call('fib', [20]), [6765]);
});

test('the module lists its functions with signatures and code sizes', (t) => {
  const names = control.functions.map((f) => f.name);
  t.deepEqual(names, ['%stack_sum', '%select_case', '%square', '%sum_of_squares', 'u0:7', '%via_user_name', '%fib']);
  t.like(control.function('fib'), { params: ['i32'], returns: ['i32'] });
  t.true(control.functions.every((f) => f.codeSize > 0));
});

test('bad calls are CallErrors, not crashes', (t) => {
  t.throws(() => control.call('nope', []), { instanceOf: CallError, message: /no function nope/ });
  t.throws(() => control.call('fib', []), { instanceOf: CallError, message: /takes 1 argument/ });
  t.throws(() => control.call('fib', [1.5]), { instanceOf: CallError, message: /expected an integer/ });
  t.throws(() => control.call('fib', [2 ** 32]), { instanceOf: CallError, message: /does not fit in i32/ });
  t.throws(() => control.call('stack_sum', [2 ** 60, 1]), { instanceOf: CallError, message: /not a safe integer/ });
  t.throws(() => arithmetic.call('fma_like', [1n, 2, 3]), { instanceOf: CallError, message: /expected a number for f64/ });
  const vectors = jit(`function %v(i32x4) -> i32x4 {
block0(v0: i32x4):
    return v0
}
`);
  // An i32x4 has no JavaScript number form; its 16 bytes still pass through callSlots.
  t.throws(() => vectors.call('v', [1]), { instanceOf: CallError, message: /type i32x4 cannot be passed from JavaScript/ });
  const lanes = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  t.deepEqual([...vectors.callSlots('v', lanes)], [...lanes]);
  t.throws(() => vectors.callSlots('v', new Uint8Array(8)), { instanceOf: CallError, message: /takes 1 argument slots/ });
  vectors.dispose();
});

test('dispose frees the module; later calls are ModuleDisposedErrors; dispose is idempotent', (t) => {
  const module = jit(fixture('control.clif'));
  t.deepEqual(module.call('square', [9n]), [81n]);
  t.false(module.disposed);
  module.dispose();
  t.true(module.disposed);
  t.throws(() => module.call('square', [9n]), { instanceOf: ModuleDisposedError });
  t.notThrows(() => module.dispose());
});

test('linking problems are CompileErrors; verifier and setting problems are typed too', (t) => {
  const missing = `function %f() -> i32 {
    fn0 = %elsewhere() -> i32
block0:
    v0 = call fn0()
    return v0
}
`;
  t.throws(() => jit(missing), { instanceOf: CompileError, message: /fn0 refers to %elsewhere, which is not a function of this file/ });
  const mismatch = `function %g(i64) -> i64 {
block0(v0: i64):
    return v0
}

function %f() -> i32 {
    fn0 = %g() -> i32
block0:
    v0 = call fn0()
    return v0
}
`;
  t.throws(() => jit(mismatch), { instanceOf: CompileError, message: /does not match its definition/ });
  const twice = 'function %h() {\nblock0:\n    return\n}\n';
  t.throws(() => jit(`${twice}\n${twice}`), { instanceOf: CompileError, message: /%h is defined twice/ });
  t.throws(() => jit(fixture('invalid.clif')), { instanceOf: VerifierError });
  t.throws(() => jit(fixture('control.clif'), { flags: { is_pic: true } }), { instanceOf: SettingError, message: /is_pic/ });
  t.throws(() => jit(fixture('control.clif'), { flags: { not_a_setting: 1 } }), { instanceOf: SettingError });
});

test('values of every scalar type round-trip through JIT code unchanged', (t) => {
  const identity = (ty: string): string => `function %id_${ty}(${ty}) -> ${ty} {\nblock0(v0: ${ty}):\n    return v0\n}\n`;
  const types = ['i8', 'i16', 'i32', 'i64', 'i128', 'f32', 'f64'];
  // i128 parameters on x86_64 need Cranelift's LLVM ABI extensions.
  const module = jit(types.map(identity).join('\n'), { flags: { enable_llvm_abi_extensions: true } });
  const int = (bits: number) => fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 });
  const big = (bits: bigint) => fc.bigInt({ min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n });
  const roundTrips = (name: string, value: number | bigint) => Object.is(module.call(name, [value])[0], value);
  fc.assert(fc.property(int(8), (v) => roundTrips('id_i8', v)));
  fc.assert(fc.property(int(16), (v) => roundTrips('id_i16', v)));
  fc.assert(fc.property(int(32), (v) => roundTrips('id_i32', v)));
  fc.assert(fc.property(big(64n), (v) => roundTrips('id_i64', v)));
  fc.assert(fc.property(big(128n), (v) => roundTrips('id_i128', v)));
  fc.assert(fc.property(fc.double(), (v) => Number.isNaN(v) ? Number.isNaN(module.call('id_f64', [v])[0]) : roundTrips('id_f64', v)));
  fc.assert(fc.property(fc.float(), (v) => Number.isNaN(v) ? Number.isNaN(module.call('id_f32', [v])[0]) : roundTrips('id_f32', v)));
  t.deepEqual(module.call('id_i128', [2n ** 127n - 1n]), [2n ** 127n - 1n]);
  t.deepEqual(module.call('id_i128', [2n ** 128n - 1n]), [-1n], 'unsigned spelling of -1');
  module.dispose();
});
