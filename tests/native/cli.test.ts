import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { fixture, fixturePath } from './fixture.js';

test('compile prints each function\'s code size per file', (t) => {
  const { code, stdout, stderr } = runCli(['compile', fixturePath('control.clif'), fixturePath('pinned.clif'), '--isa', 'x86_64']);
  t.is(code, 0, stderr);
  t.regex(stdout, /^tests\/fixtures\/native\/control\.clif: x86_64$/m);
  t.regex(stdout, /^ {2}%fib: \d+ bytes$/m);
  t.regex(stdout, /^tests\/fixtures\/native\/pinned\.clif: x86_64$/m);
  t.regex(stdout, /^ {2}%bump: \d+ bytes$/m);
  t.notRegex(stdout, /retq/);
});

test('compile --disasm --isa aarch64 --opt speed shows Cranelift\'s disassembly', (t) => {
  const { code, stdout } = runCli(['compile', '--isa', 'aarch64', '--opt', 'speed', '--disasm', fixturePath('arithmetic.clif')]);
  t.is(code, 0);
  t.regex(stdout, /^ {2}%iadd_mul: 12 bytes\n {6}block0:\n {8}add w\d+, w0, w1$/m);
  t.regex(stdout, /^ {8}ret$/m);
});

test('compile passes --set through and reads standard input', (t) => {
  const { code, stdout } = runCli(['compile', '-', '--set', 'enable_pinned_reg=true', '--disasm'], fixture('pinned.clif'));
  t.is(code, 0);
  t.regex(stdout, /%r15/);
});

test('compile reports bad input and bad options clearly', (t) => {
  const unknown = runCli(['compile', fixturePath('control.clif'), '--set', 'bogus=1']);
  t.is(unknown.code, 1);
  t.is(unknown.stderr, "slackfuel compile: unknown setting 'bogus'\n");
  const invalid = runCli(['compile', fixturePath('invalid.clif')]);
  t.is(invalid.code, 1);
  t.regex(invalid.stderr, /%wrong_types: inst0 \(v2 = iadd\.i32 v0, v1\): arg 1 \(v1\) has type i64, expected i32/);
  const garbage = runCli(['compile', '-'], 'garbage');
  t.is(garbage.code, 1);
  t.is(garbage.stderr, "slackfuel compile: line 1: expected 'function'\n");
  const badIsa = runCli(['compile', fixturePath('control.clif'), '--isa', 'mips']);
  t.is(badIsa.code, 2);
  t.regex(badIsa.stderr, /isa/);
  t.is(runCli(['compile']).code, 2);
});

test('run executes every check and reports each one', (t) => {
  const { code, stdout } = runCli(['run', fixturePath('arithmetic.clif'), fixturePath('control.clif')]);
  t.is(code, 0);
  t.regex(stdout, /^tests\/fixtures\/native\/arithmetic\.clif:11: run: %iadd_mul\(1, 2\) == 6 ok$/m);
  t.regex(stdout, /^tests\/fixtures\/native\/control\.clif:94: run: %fib\(10\) == 55 ok$/m);
  t.regex(stdout, /^20 of 20 checks passed, 0 failed$/m);
});

test('run exits 1 and says why when checks fail', (t) => {
  const { code, stdout } = runCli(['run', fixturePath('failing-checks.clif')]);
  t.is(code, 1);
  t.regex(stdout, /:10: run: %double\(2\) == 5 FAILED \(actual: 4\)$/m);
  t.regex(stdout, /:11: run: %double\(3\) != 6 FAILED \(actual: 6\)$/m);
  t.regex(stdout, /:12: print: %double\(21\) -> 42$/m);
  t.regex(stdout, /:18: run: %always_traps\(1\) == 0 FAILED \(Trap: trap user2 in %always_traps at offset \d+ \(SIGILL\)\)$/m);
  t.regex(stdout, /^2 of 5 checks passed, 3 failed$/m);
});

test('run applies --set and files without checks are noted', (t) => {
  const text = fixture('pinned.clif').replace('set enable_pinned_reg=true\n', '');
  t.is(runCli(['run', '-'], text).code, 1);
  const withFlag = runCli(['run', '-', '--set', 'enable_pinned_reg'], text);
  t.is(withFlag.code, 0);
  t.regex(withFlag.stdout, /^3 of 3 checks passed, 0 failed$/m);
  const none = runCli(['run', fixturePath('traps.clif')]);
  t.is(none.code, 0);
  t.regex(none.stdout, /traps\.clif: no run commands/);
});
