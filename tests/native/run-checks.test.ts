import test from 'ava';
import { parseRunCommands, runChecks } from '../../src/native/index.js';
import { ClifSyntaxError } from '../../src/runtime/errors.js';
import { fixture } from './fixture.js';

test('every run check of the passing fixtures passes', (t) => {
  for (const name of ['arithmetic.clif', 'control.clif', 'pinned.clif']) {
    const results = runChecks(fixture(name));
    t.true(results.length > 0, name);
    for (const r of results) t.true(r.ok, `${name}:${r.command.line}: ${r.command.text} -> ${r.actual ?? r.error}`);
  }
});

test('run commands are parsed by Cranelift with their lines, values and comparisons', (t) => {
  const commands = parseRunCommands(fixture('arithmetic.clif'));
  const first = commands[0];
  t.like(first, { function: '%iadd_mul', line: 11, kind: 'run', invoke: '%iadd_mul', comparison: '==', text: 'run: %iadd_mul(1, 2) == 6' });
  t.deepEqual(first?.args.map((a) => [a.ty, [...a.bytes]]), [['i32', [1, 0, 0, 0]], ['i32', [2, 0, 0, 0]]]);
  const multi = commands.find((c) => c.function === '%i64_ops');
  t.is(multi?.expected.length, 2);
  t.is(multi?.expected[0]?.display, '93');
});

test('wrong expectations, traps and wrong != checks fail; print reports results', (t) => {
  const results = runChecks(fixture('failing-checks.clif'));
  t.deepEqual(
    results.map((r) => [r.command.text, r.ok]),
    [
      ['run: %double(2) == 4', true],
      ['run: %double(2) == 5', false],
      ['run: %double(3) != 6', false],
      ['print: %double(21)', true],
      ['run: %always_traps(1) == 0', false],
    ],
  );
  t.is(results[1]?.actual, '4');
  t.is(results[3]?.actual, '42');
  t.regex(results[4]?.error ?? '', /^Trap: trap user2 in %always_traps/);
});

test('comparisons are bitwise, as in Cranelift: -0.0 is not 0.0', (t) => {
  const text = `test run
function %neg(f64) -> f64 {
block0(v0: f64):
    v1 = fneg v0
    return v1
}
; run: %neg(0x0.0) == -0x0.0
; run: %neg(0x0.0) == 0x0.0
`;
  t.deepEqual(runChecks(text).map((r) => r.ok), [true, false]);
});

test('a malformed run command is a ClifSyntaxError naming its line', (t) => {
  const text = `function %f(i32) -> i32 {
block0(v0: i32):
    return v0
}
; run: %f(1, 2, 3) == 1
`;
  const error = t.throws(() => runChecks(text), { instanceOf: ClifSyntaxError });
  t.is(error?.line, 5);
  t.true(runChecks('function %f() {\nblock0:\n    return\n}\n').length === 0);
});
