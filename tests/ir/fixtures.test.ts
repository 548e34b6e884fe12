// Every fixture prints exactly as Cranelift 0.135.8's writer prints it (expected files were
// produced by that writer; legacy-dialect ones were checked by hand), and printing is idempotent.
// Files with a `test run` line are read with the x86_64 Linux host's default calling convention.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from '../../src/ir/parser.js';
import { print } from '../../src/ir/printer.js';

const dir = fileURLToPath(new URL('../fixtures/ir/', import.meta.url));

function fixtures(sub: string): string[] {
  return readdirSync(dir + sub)
    .filter((f) => f.endsWith('.clif') && !f.endsWith('.expected.clif'))
    .map((f) => sub + f);
}

const all = [...fixtures(''), ...fixtures('legacy/')];

test('there are fixtures for both dialects', (t) => {
  t.true(fixtures('').length >= 10);
  t.true(fixtures('legacy/').length >= 1);
});

for (const name of all) {
  test(`prints ${name} like Cranelift`, (t) => {
    const source = readFileSync(dir + name, 'utf8');
    const expected = readFileSync(dir + name.replace(/\.clif$/, '.expected.clif'), 'utf8');
    const printed = parse(source, { hostCallConv: 'system_v' }).functions.map((fn) => print(fn)).join('');
    t.is(printed, expected);
  });

  test(`printing ${name} is idempotent`, (t) => {
    const expected = readFileSync(dir + name.replace(/\.clif$/, '.expected.clif'), 'utf8');
    t.is(parse(expected).functions.map((fn) => print(fn)).join(''), expected);
  });
}
