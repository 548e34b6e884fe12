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

test("Cranelift's text for dynamic types does not parse back", (t) => {
  const error = t.throws(() => parse(readFileSync(`${dir}dynamic.expected.clif`, 'utf8')), { instanceOf: ClifParseError });
  t.is(error.line, 6);
});
