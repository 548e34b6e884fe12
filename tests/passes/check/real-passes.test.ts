// The checker against the real fuel passes: every Wasmtime-shaped fixture of tests/fixtures/fuel
// rewritten by `fuel-pinned,fuel-drop-checks` (and `fuel-place` when that pass is present) is
// proven equivalent to the original, and so is each committed `.expected.clif` output.
import { readdirSync, readFileSync } from 'node:fs';
import test from 'ava';
import { parse } from '../../../src/ir/index.js';
import { checkFuel, formatFuelCheck } from '../../../src/passes/fuel/check/index.js';
import { PassManager } from '../../../src/passes/pass-manager.js';
import { defaultRegistry, loadOptionalPasses } from '../../../src/passes/registry.js';

const dir = new URL('../../fixtures/fuel/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.clif') && !f.endsWith('.expected.clif'))
  .sort();

test('there are Wasmtime-shaped fixtures to check', (t) => {
  t.true(fixtures.length >= 5);
});

for (const name of fixtures) {
  test(`fuel-pinned,fuel-drop-checks (+fuel-place) on ${name} is proven`, async (t) => {
    await loadOptionalPasses();
    const pipeline = ['fuel-pinned', 'fuel-drop-checks', ...(defaultRegistry.has('fuel-place') ? ['fuel-place'] : [])].join(',');
    const text = readFileSync(new URL(name, dir), 'utf8');
    const originals = parse(text).functions;
    const rewritten = parse(text).functions;
    const manager = PassManager.build(pipeline);
    rewritten.forEach((fn, i) => {
      manager.run(fn);
      const r = checkFuel(originals[i]!, fn);
      t.true(r.ok, `${pipeline}: ${formatFuelCheck(name, r)}`);
    });
  });

  test(`${name}: the committed expected output is proven`, (t) => {
    const expected = new URL(name.replace(/\.clif$/, '.expected.clif'), dir);
    let after: string;
    try {
      after = readFileSync(expected, 'utf8');
    } catch {
      return t.pass('no expected output for this fixture');
    }
    const originals = parse(readFileSync(new URL(name, dir), 'utf8')).functions;
    const outputs = parse(after).functions;
    t.is(outputs.length, originals.length);
    originals.forEach((fn, i) => {
      const r = checkFuel(fn, outputs[i]!);
      t.true(r.ok, formatFuelCheck(name, r));
    });
  });
}
