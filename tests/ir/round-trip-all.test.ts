// Every CLIF file in the repository round-trips, and prints byte for byte as the printer did
// before it was rewritten for speed (issue 16): `printed-sha256.json` holds the SHA-256 of
// `printFile(parse(file))` made by the earlier string-building printer. A large module from
// the front end (sqlite, ~27 MB of CLIF) prints back to exactly the text it was parsed from.
// After a deliberate change of a fixture or of the printer, regenerate the hashes with
// `UPDATE_PRINT_HASHES=1 npx ava tests/ir/round-trip-all.test.ts`.
import test from 'ava';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parse, parseEach, print, printFile } from '../../src/ir/index.js';
import { clifText, translate } from '../../src/wasm/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const hashesFile = join(root, 'tests/fixtures/ir/printed-sha256.json');

function clifFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...clifFiles(path));
    else if (e.name.endsWith('.clif')) out.push(relative(root, path));
  }
  return out;
}

const files = ['bench', 'docs', 'examples', 'tests'].flatMap((d) => clifFiles(join(root, d))).sort();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const printed = (text: string) => printFile(parse(text, { hostCallConv: 'system_v' }));

test('every CLIF file in the repository parses, prints as before, and reprints to itself', (t) => {
  const hashes = z.record(z.string(), z.string()).parse(JSON.parse(readFileSync(hashesFile, 'utf8')));
  t.true(files.length >= 150, `found only ${files.length} CLIF files`);
  const now: Record<string, string> = {};
  let checked = 0;
  for (const file of files) {
    const once = printed(readFileSync(join(root, file), 'utf8'));
    t.is(printed(once), once, `${file}: printing is not idempotent`);
    now[file] = sha256(once);
    const expected = hashes[file];
    if (expected === undefined || process.env.UPDATE_PRINT_HASHES === '1') continue;
    t.is(now[file], expected, `${file}: printed differently from the recorded printer output`);
    checked++;
  }
  if (process.env.UPDATE_PRINT_HASHES === '1') writeFileSync(hashesFile, `${JSON.stringify(now, null, 1)}\n`);
  else t.true(checked >= 150, `only ${checked} files have a recorded hash`);
});

test('a large module from the front end prints back to its own text, one function at a time', (t) => {
  t.timeout(300_000);
  const module = translate(readFileSync(join(root, 'tests/fixtures/third-party/sqlite.wasm')), { metering: 'vanilla' });
  const text = clifText(module);
  t.true(text.length > 10_000_000);
  const out: string[] = [];
  for (const fn of parseEach(text).functions) out.push(print(fn));
  t.is(out.length, module.functions.length);
  // Compare per function first, so a difference names its function.
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== module.functions[i]!.clif) t.fail(`function ${i} prints differently:\n${firstDifference(out[i]!, module.functions[i]!.clif)}`);
  }
  t.is(out.join('\n'), text);
});

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const from = a.lastIndexOf('\n', i - 1) + 1;
  return `printed: ${a.slice(from, a.indexOf('\n', i))}\nsource:  ${b.slice(from, b.indexOf('\n', i))}`;
}
