// `slackfuel print`: canonical output, stdin, several files, --check, --modernize, errors.
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const fixture = (name: string) => `tests/fixtures/ir/${name}`;
const expected = (name: string) => readFileSync(fixture(name.replace(/\.clif$/, '.expected.clif')), 'utf8');

test('prints several files, one function after another', (t) => {
  const { code, stdout } = runCli(['print', fixture('arith.clif'), fixture('many.clif')]);
  t.is(code, 0);
  t.is(stdout, expected('arith.clif') + expected('many.clif'));
});

test('reads standard input for -', (t) => {
  const { code, stdout } = runCli(['print', '-'], readFileSync(fixture('control.clif'), 'utf8'));
  t.is(code, 0);
  t.is(stdout, expected('control.clif'));
});

test('--check accepts idempotent files and lists failures (parse errors included)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-print-'));
  const bad = join(dir, 'bad.clif');
  writeFileSync(bad, 'function %f() {\nblock0:\n    v1 = iadd v0, v0\n}\n');
  const files = [fixture('arith.clif'), fixture('srclocs.clif'), bad];
  const { code, stdout, stderr } = runCli(['print', '--check', ...files]);
  t.is(code, 1);
  t.regex(stdout, /checked 3 files: 1 failed\nFAIL .*bad\.clif\n$/);
  t.regex(stderr, /bad\.clif:3:10: type variable required/);
  t.regex(stderr, /\n {4} {4}v1 = iadd v0, v0\n/);
});

test('--check handles hundreds of files in one process', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-many-'));
  const source = readFileSync(fixture('wasmtime-fuel-srcloc.clif'), 'utf8');
  const files: string[] = [];
  for (let i = 0; i < 300; i++) {
    const file = join(dir, `f${i}.clif`);
    writeFileSync(file, source.replace('u0:3', `u0:${i}`));
    files.push(file);
  }
  const { code, stdout } = runCli(['print', '--check', ...files]);
  t.is(code, 0);
  t.is(stdout, 'checked 300 files: 0 failed\n');
});

test('--modernize rewrites the legacy dialect', (t) => {
  const { code, stdout } = runCli(['print', '--modernize', fixture('legacy/fuel-2022.clif')]);
  t.is(code, 0);
  t.is(stdout, readFileSync(fixture('legacy/fuel-2022.modernized.expected.clif'), 'utf8'));
});

test('a parse error names FILE:LINE:COL, shows the line, and exits 1', (t) => {
  const { code, stderr } = runCli(['print', '-'], 'function %f() {\nblock0:\n    v1 = iconst.i8 300\n    return\n}\n');
  t.is(code, 1);
  t.is(stderr, '-:3:20: expected decimal immediate\n        v1 = iconst.i8 300\n                       ^\n');
});

test('usage errors exit 2', (t) => {
  t.is(runCli(['print']).code, 2);
  t.is(runCli(['print', '--bogus', 'x.clif']).code, 2);
});

test('a missing file is reported and the others still print', (t) => {
  const { code, stdout, stderr } = runCli(['print', 'no/such/file.clif', fixture('many.clif')]);
  t.is(code, 1);
  t.is(stdout, expected('many.clif'));
  t.regex(stderr, /^slackfuel print: cannot read no\/such\/file\.clif: no such file$/m);
});
