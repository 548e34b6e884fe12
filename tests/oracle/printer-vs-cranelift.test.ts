// Differential test: our printer against Cranelift's own writer (through the native addon), byte
// for byte, on every current-dialect CLIF file in the repository and on random functions.
import test from 'ava';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalPrint, parse, print } from '../../src/index.js';
import { buildRandomFunction } from '../ir/arbitrary-function.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every .clif under the given folders, except expectations and the legacy dialect (Cranelift 0.135 cannot read it). */
function clifFiles(...dirs: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== 'legacy' && entry !== 'invalid') walk(path);
      } else if (entry.endsWith('.clif') && !entry.endsWith('.expected.clif')) {
        found.push(path);
      }
    }
  };
  for (const dir of dirs) walk(join(root, dir));
  return found;
}

const files = clifFiles('tests/fixtures/ir', 'tests/fixtures/native', 'tests/fixtures/runtests', 'examples');

test('there are fixtures to compare', (t) => {
  t.true(files.length >= 20, `only ${files.length} files`);
});

for (const file of files) {
  const name = file.slice(root.length);
  test(`our printer matches Cranelift's writer: ${name}`, (t) => {
    const text = readFileSync(file, 'utf8');
    const ours = parse(text).functions.map((fn) => print(fn));
    const theirs = canonicalPrint(text);
    t.is(ours.length, theirs.length);
    ours.forEach((printed, i) => t.is(printed, theirs[i] ?? "<missing>", `function #${i}`));
  });
}

test("random functions print exactly as Cranelift's writer prints them", (t) => {
  fc.assert(
    fc.property(fc.array(fc.nat(), { minLength: 8, maxLength: 400 }), (choices) => {
      const ours = print(buildRandomFunction(choices));
      const theirs = canonicalPrint(ours);
      return theirs.length === 1 && theirs[0] === ours;
    }),
    { numRuns: 300, seed: 20261123 },
  );
  t.pass();
});
