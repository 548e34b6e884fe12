// End-to-end: every Wasmtime-shaped fixture rewritten by `fuel-pinned,fuel-drop-checks` gives
// exactly its expected file, the independent checker proves the fuel equivalent, and the result
// has no counter in memory, no check and no counter block parameter left. A fixture with a
// `.reference.clif` sibling (an optimizer-folded increment, which the checker does not model)
// is compared against that reference: the same function written the unoptimized way.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parse, print, type Function } from '../../src/ir/index.js';
import { checkFuel } from '../../src/passes/fuel/check/index.js';
import { findFuelWeb, findPinnedChecks, fuelCharges, PassManager } from '../../src/passes/index.js';

const dir = fileURLToPath(new URL('../fixtures/fuel/', import.meta.url));
// folded/: optimizer-folded increments, kept apart because the checker compares them against a
// `.reference.clif` (see below) rather than against the fixture itself.
const fixtures = [...readdirSync(dir), ...readdirSync(`${dir}folded/`).map((f) => `folded/${f}`)].filter(
  (f) => f.endsWith('.clif') && !f.endsWith('.expected.clif') && !f.endsWith('.reference.clif'),
);
const referenceOf = (name: string): string => {
  const reference = name.replace(/\.clif$/, '.reference.clif');
  return existsSync(dir + reference) ? reference : name;
};

function load(name: string): Function {
  const fns = parse(readFileSync(dir + name, 'utf8')).functions;
  if (fns.length !== 1) throw new Error(`${name}: expected one function`);
  return fns[0]!;
}

test('there are fixtures in both dialects, optimized and not', (t) => {
  t.true(fixtures.length >= 10);
  t.true(fixtures.some((f) => f.includes('2022')));
  t.true(fixtures.some((f) => f.includes('2026') && f.includes('opt')));
  t.true(fixtures.some((f) => f.includes('2022') && f.includes('opt')));
});

for (const name of fixtures) {
  test(`${name}: fuel-pinned,fuel-drop-checks gives the expected output`, (t) => {
    const fn = load(name);
    PassManager.build('fuel-pinned,fuel-drop-checks').run(fn);
    const expected = readFileSync(dir + name.replace(/\.clif$/, '.expected.clif'), 'utf8');
    t.is(print(fn), expected);
  });

  test(`${name}: the rewrite is proven fuel-equivalent and leaves no memory counter`, (t) => {
    const before = load(referenceOf(name));
    const after = load(name);
    const original = findFuelWeb(before);
    t.not(original, null);
    PassManager.build('fuel-pinned,fuel-drop-checks').run(after);
    const result = checkFuel(before, after);
    t.true(result.ok, JSON.stringify(result));
    t.is(findFuelWeb(after), null, 'no counter access is left in memory');
    t.is(findPinnedChecks(after).length, 0);
    const charges = fuelCharges(after);
    t.is(charges.form, 'pinned');
    t.is(charges.staticIncrements, original!.increments.length);
    for (const block of after.layout.blocks()) {
      for (const p of after.dfg.blockParams(block)) t.false(original!.values.has(p), `block${block} still has counter parameter v${p}`);
    }
  });

  test(`${name}: fuel-pinned alone is proven equivalent too (checks kept, builtin flushed)`, (t) => {
    const before = load(referenceOf(name));
    const after = load(name);
    PassManager.build('fuel-pinned').run(after);
    t.true(checkFuel(before, after).ok);
    t.is(findPinnedChecks(after).length, findFuelWeb(before)!.checks.length);
  });

  test(`${name}: fuel-drop-checks on the memory form, then fuel-pinned`, (t) => {
    const before = load(referenceOf(name));
    const after = load(name);
    PassManager.build('fuel-drop-checks').run(after);
    const web = findFuelWeb(after);
    t.is(web?.checks.length, 0);
    PassManager.build('fuel-pinned').run(after);
    t.true(checkFuel(before, after).ok);
    const reference = load(name);
    PassManager.build('fuel-pinned,fuel-drop-checks').run(reference);
    // An increment read only by a dropped check may go with it (a folded one may then unfold),
    // so compare what is charged, not how many increments charge it.
    const total = (fn: Function): bigint => [...fuelCharges(fn).blocks.values()].reduce((sum, c) => sum + c.constant, 0n);
    t.is(total(after), total(reference));
  });

  test(`${name}: the expected output is canonical and the passes are idempotent on it`, (t) => {
    const text = readFileSync(dir + name.replace(/\.clif$/, '.expected.clif'), 'utf8');
    const fn = parse(text).functions[0]!;
    t.is(print(fn), text);
    const result = PassManager.build('fuel-pinned,fuel-drop-checks').run(fn);
    t.false(result.changed);
    t.is(print(fn), text);
  });
}
