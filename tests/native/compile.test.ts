import test from 'ava';
import { compile, canonicalPrint, timeCompile } from '../../src/native/index.js';
import { CompileError, NativePanic, SettingError, VerifierError } from '../../src/runtime/errors.js';
import { fixture } from './fixture.js';

const pinnedCounter = `function %bump(i64) {
block0(v0: i64):
    v1 = get_pinned_reg.i64
    v2 = iadd v1, v0
    set_pinned_reg v2
    return
}
`;

test('x86_64: every function gets code, its size and a disassembly', (t) => {
  const functions = compile(fixture('control.clif'), { isa: 'x86_64' });
  t.deepEqual(
    functions.map((f) => f.name),
    ['%stack_sum', '%select_case', '%square', '%sum_of_squares', 'u0:7', '%via_user_name', '%fib'],
  );
  for (const f of functions) {
    t.is(f.code.length, f.codeSize, f.name);
    t.true(f.codeSize > 0);
    t.regex(f.disassembly, /retq?\b/, f.name);
  }
  const square = functions.find((f) => f.name === '%square');
  t.regex(square?.disassembly ?? '', /imulq/);
  // x86_64 functions end in ret (0xc3) or padding after it; the prologue pushes rbp (0x55).
  t.is(square?.code[0], 0x55);
});

test('aarch64 compiles as a cross target with 4-byte instructions', (t) => {
  const functions = compile(fixture('arithmetic.clif'), { isa: 'aarch64', optLevel: 'speed' });
  t.is(functions.length, 6);
  for (const f of functions) {
    t.is(f.codeSize % 4, 0, f.name);
    t.regex(f.disassembly, /\bret\b/, f.name);
  }
  const add = functions.find((f) => f.name === '%iadd_mul');
  t.regex(add?.disassembly ?? '', /\badd w\d+, w\d+, w\d+/);
  t.regex(add?.disassembly ?? '', /\bmadd w\d+, w\d+, w\d+, wzr/);
});

test('enable_pinned_reg passes through: the counter lives in r15 / x21', (t) => {
  const [x64] = compile(pinnedCounter, { isa: 'x86_64', flags: { enable_pinned_reg: true } });
  t.regex(x64?.disassembly ?? '', /%r15/);
  const [arm] = compile(pinnedCounter, { isa: 'aarch64', flags: { enable_pinned_reg: true } });
  t.regex(arm?.disassembly ?? '', /\bx21\b/);
  const error = t.throws(() => compile(pinnedCounter, { isa: 'x86_64' }), { instanceOf: VerifierError });
  t.is(error?.errors[0]?.message, 'GetPinnedReg/SetPinnedReg cannot be used without enable_pinned_reg');
});

test('opt levels change the code: speed folds what none keeps', (t) => {
  const text = `function %k() -> i32 {
block0:
    v0 = iconst.i32 20
    v1 = iconst.i32 22
    v2 = iadd v0, v1
    return v2
}
`;
  const [none] = compile(text, { isa: 'x86_64', optLevel: 'none' });
  const [speed] = compile(text, { isa: 'x86_64', optLevel: 'speed' });
  t.regex(speed?.disassembly ?? '', /movl \$0x2a, %eax/);
  t.notRegex(none?.disassembly ?? '', /\$0x2a/);
  t.true((speed?.codeSize ?? 0) < (none?.codeSize ?? 0));
});

test('ISA-specific settings reach their ISA; unknown ones are errors', (t) => {
  const text = fixture('arithmetic.clif');
  t.notThrows(() => compile(text, { isa: 'x86_64', flags: { has_avx: true } }));
  t.notThrows(() => compile(text, { isa: 'aarch64', flags: { has_lse: true } }));
  const wrongIsa = t.throws(() => compile(text, { isa: 'aarch64', flags: { has_avx: true } }), {
    instanceOf: SettingError,
  });
  t.is(wrongIsa?.message, "unknown setting 'has_avx'");
  t.throws(() => compile(text, { isa: 'x86_64', flags: { enable_pinned_reg: 'maybe' } }), { instanceOf: SettingError });
  t.throws(() => compile(text, { isa: 'riscv64' as 'x86_64' }));
});

test('verifier failures during compile are VerifierErrors listing every problem', (t) => {
  const error = t.throws(() => compile(fixture('invalid.clif'), { isa: 'x86_64' }), { instanceOf: VerifierError });
  t.is(error?.errors[0]?.function, '%use_before_def');
  t.regex(error?.message ?? '', /non-dominating/);
});

test('unsupported instructions are CompileErrors carrying Cranelift\'s message', (t) => {
  const text = `function %f(i64) -> i64 {
    gv0 = symbol tls %x
block0(v0: i64):
    v1 = tls_value.i64 gv0
    return v1
}
`;
  const error = t.throws(() => compile(text, { isa: 'x86_64' }), { instanceOf: CompileError });
  t.is(error?.functionName, '%f');
  t.regex(error?.message ?? '', /Unsupported feature: should be implemented in ISLE: inst = `v1 = tls_value.i64 gv0`/);
});

test('a panic inside Cranelift becomes NativePanic and the process carries on', (t) => {
  // i128 arguments on x86_64 without enable_llvm_abi_extensions make Cranelift's ABI code panic.
  const text = `function %f(i128, i128) -> i128 {
block0(v0: i128, v1: i128):
    v2 = sdiv v0, v1
    return v2
}
`;
  const error = t.throws(() => compile(text, { isa: 'x86_64' }), { instanceOf: NativePanic });
  t.regex(error?.message ?? '', /^Cranelift panicked: i128 args\/return values not supported unless LLVM ABI extensions are enabled/);
  // Again, and then ordinary work: nothing was left in a broken state.
  t.throws(() => compile(text, { isa: 'x86_64' }), { instanceOf: NativePanic });
  t.is(compile(fixture('arithmetic.clif'), { isa: 'x86_64' }).length, 6);
  const add = text.replace('sdiv', 'iadd');
  t.throws(() => compile(add, { isa: 'x86_64' }), { instanceOf: NativePanic });
  t.notThrows(() => compile(add, { isa: 'x86_64', flags: { enable_llvm_abi_extensions: true } }));
});

test('canonicalPrint gives Cranelift\'s own text, one string per function, and is a fixed point', (t) => {
  // Without a `test run` line, functions without a calling convention are `fast`...
  t.deepEqual(canonicalPrint('function %f() {\nblock0:\n    return\n}'), ['function %f() fast {\nblock0:\n    return\n}\n']);
  // ...with one, they get the host's convention, as in Cranelift's runtests.
  const printed = canonicalPrint(fixture('control.clif'));
  t.is(printed.length, 7);
  t.true(printed[0]?.startsWith('function %stack_sum(i64, i64) -> i64 system_v {\n'));
  t.regex(printed[3] ?? '', /^ {4}sig0 = \(i64\) -> i64 system_v\n {4}fn0 = %square sig0$/m);
  t.regex(printed[5] ?? '', /fn0 = colocated u0:7 sig0/);
  const again = canonicalPrint(printed.join('\n'));
  t.deepEqual(again, printed);
  t.throws(() => canonicalPrint('function'), { instanceOf: Error, message: /line 1/ });
});

test('timeCompile times Cranelift alone and compiles the same code size as compile', (t) => {
  const text = fixture('control.clif');
  const timing = timeCompile(text, { isa: 'x86_64', optLevel: 'speed' });
  t.is(timing.functions, 7);
  const sizes = compile(text, { isa: 'x86_64', optLevel: 'speed' }).reduce((n, f) => n + f.codeSize, 0);
  // Same code: the verifier and the disassembly change nothing in what is emitted.
  t.is(timing.codeSize, sizes);
  t.true(timing.compileMs > 0);
  if (timing.compileCpuMs !== undefined) t.true(timing.compileCpuMs >= 0);
});

test('timeCompile still verifies first: bad input is the same typed error as for compile', (t) => {
  const error = t.throws(() => timeCompile(fixture('invalid.clif'), { isa: 'x86_64' }), { instanceOf: VerifierError });
  t.true((error?.message ?? '').length > 0);
  t.throws(() => timeCompile(pinnedCounter, { isa: 'x86_64' }), { instanceOf: VerifierError });
  t.throws(() => timeCompile('function %f( {', { isa: 'x86_64' }));
  t.throws(() => timeCompile(pinnedCounter, { isa: 'x86_64', flags: { enable_pinned_reg: 'maybe' } }), { instanceOf: SettingError });
});
