// Every rewritten fixture passes Cranelift's verifier with enable_pinned_reg=true (legacy
// fixtures after `modernize`), and is rejected without it: the pinned register is really used.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { modernize, parse, print } from '../../src/ir/index.js';
import { verify } from '../../src/native/index.js';
import { loadOptionalPasses, PassManager } from '../../src/passes/index.js';

const dir = fileURLToPath(new URL('../fixtures/fuel/', import.meta.url));
// folded/: fixtures with optimizer-folded increments (kept out of the checker's fixture set).
const fixtures = [...readdirSync(dir), ...readdirSync(`${dir}folded/`).map((f) => `folded/${f}`)].filter(
  (f) => f.endsWith('.clif') && !f.endsWith('.expected.clif') && !f.endsWith('.reference.clif'),
);

for (const name of fixtures) {
  // A kept check in CPU-flags form (`ifcmp`) has no current-dialect spelling, so the bundled
  // Cranelift can only verify that fixture once the checks are gone.
  const flags = readFileSync(dir + name, 'utf8').includes('ifcmp');
  const pipelines = ['fuel-pinned,fuel-drop-checks', 'fuel-pinned,fuel-drop-checks,fuel-place', ...(flags ? [] : ['fuel-pinned'])];
  for (const pipeline of pipelines) {
    test(`${name}: ${pipeline} output passes Cranelift's verifier with enable_pinned_reg`, async (t) => {
      await loadOptionalPasses();
      const fn = parse(readFileSync(dir + name, 'utf8')).functions[0]!;
      PassManager.build(pipeline).run(fn);
      modernize(fn);
      const text = print(fn);
      t.deepEqual(verify(text, { enable_pinned_reg: true }), { ok: true });
      const without = verify(text);
      t.false(without.ok);
    });
  }
}
