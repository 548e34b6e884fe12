// Dynamic vector types print the way Cranelift 0.135.8's writer prints them (`types::I32x4xN`),
// which its own reader cannot read back; slackfuel matches the writer and reports the text as
// not parseable, exactly like Cranelift would.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ClifParseError, parse, print } from '../../src/index.js';

const dir = fileURLToPath(new URL('../fixtures/ir/dynamic/', import.meta.url));

test('dynamic types print like Cranelift', (t) => {
  const printed = parse(readFileSync(`${dir}dynamic.clif`, 'utf8')).functions.map((fn) => print(fn)).join('');
  t.is(printed, readFileSync(`${dir}dynamic.expected.clif`, 'utf8'));
});

test("Cranelift's writer text for dynamic types reads back, so printing is idempotent", (t) => {
  const expected = readFileSync(`${dir}dynamic.expected.clif`, 'utf8');
  t.is(parse(expected).functions.map((fn) => print(fn)).join(''), expected);
});

test('a malformed writer-style dynamic type is a ClifParseError with its position', (t) => {
  const text = 'function %f(i32) fast {\nblock0(v0: i32):\n    v1 = splat.types::I32x4 v0\n    return\n}\n';
  const error = t.throws(() => parse(text), { instanceOf: ClifParseError });
  t.is(error.line, 3);
  t.regex(error.message, /expected a dynamic vector type like types::I32x4xN/);
});
