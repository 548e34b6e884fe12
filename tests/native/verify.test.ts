import test from 'ava';
import { verify, type Settings } from '../../src/native/index.js';
import { ClifSyntaxError, SettingError, type VerifierProblem } from '../../src/runtime/errors.js';
import { fixture } from './fixture.js';

function problems(text: string, flags?: Settings): readonly VerifierProblem[] {
  const result = verify(text, flags);
  if (result.ok) throw new Error('expected verifier errors');
  return result.errors;
}

test('valid fixtures verify', (t) => {
  for (const name of ['arithmetic.clif', 'control.clif', 'traps.clif', 'pinned.clif']) {
    t.deepEqual(verify(fixture(name)), { ok: true }, name);
  }
});

test('the invalid batch reports Cranelift\'s message for each function', (t) => {
  const errors = problems(fixture('invalid.clif'));
  const byFunction = new Map(errors.map((e) => [e.function, e]));
  t.deepEqual([...byFunction.keys()], ['%use_before_def', '%wrong_types', '%pinned_without_flag', '%wrong_return']);
  t.like(byFunction.get('%use_before_def'), {
    location: 'inst0',
    message: 'uses value v2 from non-dominating inst1',
  });
  t.like(byFunction.get('%wrong_types'), {
    instruction: 'v2 = iadd.i32 v0, v1',
    message: 'arg 1 (v1) has type i64, expected i32',
  });
  t.is(byFunction.get('%pinned_without_flag')?.message, 'GetPinnedReg/SetPinnedReg cannot be used without enable_pinned_reg');
  t.is(byFunction.get('%wrong_return')?.message, 'result 0 has type i32, must match function signature of i64');
});

test('a branch to a missing block is reported', (t) => {
  const text = `function %f(i32) -> i32 {
block0(v0: i32):
    brif v0, block1, block9

block1:
    return v0
}
`;
  const [error] = problems(text);
  t.like(error, { function: '%f', location: 'inst0', message: 'invalid block reference block9' });
});

test('get_pinned_reg verifies once enable_pinned_reg is set, from the caller or the file', (t) => {
  const text = `function %f() -> i64 {
block0:
    v0 = get_pinned_reg.i64
    return v0
}
`;
  t.false(verify(text).ok);
  t.true(verify(text, { enable_pinned_reg: true }).ok);
  t.true(verify(`set enable_pinned_reg=true\n${text}`).ok);
  t.false(verify(`set enable_pinned_reg=true\n${text}`, { enable_pinned_reg: false }).ok);
});

test('garbage is a ClifSyntaxError with Cranelift\'s message and line', (t) => {
  const error = t.throws(() => verify('this is not CLIF'), { instanceOf: ClifSyntaxError });
  t.is(error?.line, 1);
  t.is(error?.message, "line 1: expected 'function'");

  const bad = t.throws(() => verify('function %f() {\nblock0:\n    v0 = iconst.i32\n    return\n}\n'), {
    instanceOf: ClifSyntaxError,
  });
  t.is(bad?.line, 4);
  t.regex(bad?.message ?? '', /expected immediate 32-bit integer operand/);

  t.throws(() => verify('\u0000\u0001\u0002 {{{{'), { instanceOf: ClifSyntaxError });
  t.throws(() => verify('function %f(i33) {\nblock0:\n  return\n}'), { instanceOf: ClifSyntaxError });
});

test('unknown settings and bad values are SettingErrors', (t) => {
  const text = fixture('arithmetic.clif');
  const unknown = t.throws(() => verify(text, { no_such_setting: true }), { instanceOf: SettingError });
  t.is(unknown?.setting, 'no_such_setting');
  t.is(unknown?.message, "unknown setting 'no_such_setting'");
  const badValue = t.throws(() => verify(text, { opt_level: 'fastest' }), {
    instanceOf: SettingError,
  });
  t.regex(badValue?.message ?? '', /bad value 'fastest' for setting 'opt_level'/);
  t.throws(() => verify('set no_such_flag=1\nfunction %f() {\nblock0:\n  return\n}'), { instanceOf: ClifSyntaxError });
});
