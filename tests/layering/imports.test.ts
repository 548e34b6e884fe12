// The layering of ../shared/design.md, checked on the source: every relative import of a file
// under src/ (static, type-only, re-export and dynamic) is read and each edge between top-level
// folders must be allowed by the table below. (TypeScript 7 has no JS API and esbuild's
// metafile drops type-only imports, so the specifiers are read with three patterns.) A new edge means a new dependency direction:
// change design.md and this table together, or move the code.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Which top-level folders each folder may import from (its own folder always). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  ir: [],
  analysis: ['ir'],
  abi: ['ir'],
  // The native facade sits below the runtime: its errors live in src/native/errors.ts.
  native: ['ir', 'abi'],
  passes: ['ir', 'analysis', 'abi'],
  // The CFG picture reads functions and their fuel through the public entry points only (see ENTRY_ONLY).
  'cfg-draw': ['ir', 'analysis', 'passes'],
  runtime: ['ir', 'abi', 'native', 'passes'],
  wasm: ['ir', 'abi', 'native', 'passes', 'runtime'],
  wasi: ['ir', 'abi', 'native', 'passes', 'runtime', 'wasm'],
  bench: ['ir', 'abi', 'analysis', 'native', 'passes', 'runtime', 'wasm', 'wasi'],
  // The CLI sits on top of everything.
  cli: ['ir', 'abi', 'analysis', 'native', 'passes', 'runtime', 'wasm', 'wasi', 'bench', 'cfg-draw'],
  types: [],
  // src/index.ts, the package's entry: everything but the CLI and the bench.
  '(root)': ['ir', 'abi', 'analysis', 'native', 'passes', 'runtime', 'wasm', 'wasi', 'cfg-draw'],
};

/** Folders that may reach another folder only through that folder's index.ts. */
const ENTRY_ONLY: ReadonlySet<string> = new Set(['cfg-draw']);

interface Edge {
  readonly from: string;
  readonly to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Top-level folder of a path under src/ (`(root)` for src/index.ts). */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split(sep);
  return parts.length === 1 ? '(root)' : parts[0]!;
}

/** `import … from './x'`, `export … from './x'`, `import './x'` and `import('./x')`. */
const SPECIFIER_PATTERNS: readonly RegExp[] = [
  /^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"](\.[^'"]*)['"]/gm,
  /^\s*import\s*['"](\.[^'"]*)['"]/gm,
  /\bimport\(\s*['"](\.[^'"]*)['"]\s*\)/g,
];

function relativeSpecifiers(source: string): string[] {
  return SPECIFIER_PATTERNS.flatMap((re) => [...source.matchAll(re)].map((m) => m[1]!));
}

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const spec of relativeSpecifiers(readFileSync(file, 'utf8'))) {
      out.push({ from: relative(SRC, file), to: relative(SRC, resolve(dirname(file), spec)) });
    }
  }
  return out;
}

function violations(all: readonly Edge[]): string[] {
  const bad: string[] = [];
  for (const e of all) {
    const a = folderOf(join(SRC, e.from));
    const b = folderOf(join(SRC, e.to));
    if (a === b) continue;
    const allowed = ALLOWED[a];
    if (allowed === undefined) bad.push(`${e.from}: folder src/${a} is not in the layering table`);
    else if (!allowed.includes(b)) bad.push(`${e.from} imports ${e.to}: src/${a} may not depend on src/${b}`);
    else if (ENTRY_ONLY.has(a) && e.to !== `${b}/index.js`) bad.push(`${e.from} imports ${e.to}: src/${a} uses only src/${b}/index.ts`);
  }
  return bad;
}

test('every import between src/ folders follows the layering', (t) => {
  const all = edges();
  t.true(all.length > 100, 'the scan found the imports');
  t.deepEqual(violations(all), []);
});

test('the patterns read every form of import, on several lines too', (t) => {
  const source = [
    "import { a } from './a.js';",
    "import type { B } from '../b/index.js';",
    'export {',
    '  c,',
    "  type D,",
    "} from './c.js';",
    "export * from './e.js';",
    "import './side-effect.js';",
    "const m = await import('./lazy.js');",
    "import { z } from 'zod';",
  ].join('\n');
  t.deepEqual(relativeSpecifiers(source).sort(), ['../b/index.js', './a.js', './c.js', './e.js', './lazy.js', './side-effect.js']);
});

test('the scan catches a forbidden edge and an internal import', (t) => {
  t.deepEqual(violations([{ from: 'native/jit.ts', to: 'runtime/errors.js' }]), ['native/jit.ts imports runtime/errors.js: src/native may not depend on src/runtime']);
  t.deepEqual(violations([{ from: 'cfg-draw/dot.ts', to: 'passes/fuel/check/index.js' }]), [
    'cfg-draw/dot.ts imports passes/fuel/check/index.js: src/cfg-draw uses only src/passes/index.ts',
  ]);
  t.deepEqual(violations([{ from: 'ir/parser.ts', to: 'passes/index.js' }]), ['ir/parser.ts imports passes/index.js: src/ir may not depend on src/passes']);
});
