import test from 'ava';
import { readFileSync } from 'node:fs';
import { ClifParseError, parse, parseEach, print } from '../../src/ir/index.js';

const text = readFileSync(new URL('../fixtures/native/pinned-increment.clif', import.meta.url), 'utf8');

test('parseEach gives the headers at once and the same functions as parse, one at a time', (t) => {
  const whole = parse(text);
  const lazy = parseEach(text);
  t.deepEqual(lazy.headers, whole.headers);
  const printed: string[] = [];
  for (const fn of lazy.functions) printed.push(print(fn));
  t.deepEqual(printed, whole.functions.map((fn) => print(fn)));
  t.true(printed.length >= 10);
});

test('parseEach parses nothing before it is asked, and a syntax error surfaces when reached', (t) => {
  const broken = `${text}\nfunction %late() {\nblock0:\n    v0 = bogus_opcode\n}\n`;
  const lazy = parseEach(broken);
  const first = lazy.functions.next();
  t.false(first.done);
  t.is(first.done ? undefined : print(first.value), print(parse(text).functions[0]!));
  const error = t.throws(() => [...lazy.functions], { instanceOf: ClifParseError });
  t.regex(error?.message ?? '', /bogus_opcode/);
  t.throws(() => parse(broken), { instanceOf: ClifParseError });
});
