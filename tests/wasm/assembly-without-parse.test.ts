// Without a fuel pipeline, compileWasm compiles the translation's text as the front end printed
// it (Cranelift's writer) instead of parsing and printing it again: the assembled text must be
// byte for byte what the parse-and-print path assembles, and the parsed functions are still
// there for whoever asks.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { print } from '../../src/ir/index.js';
import { compileWasm } from '../../src/wasm/index.js';
import { watFixtureUrl } from '../peers/fuel-cases.js';
import { wat } from './wat.js';

const MODULES: readonly [string, () => Promise<Uint8Array>][] = [
  ['lz4', async () => readFileSync(new URL('../fixtures/third-party/lz4.wasm', import.meta.url))],
  ['simd.wat', async () => wat(readFileSync(watFixtureUrl('simd'), 'utf8'))],
  ['funcref.wat', async () => wat(readFileSync(watFixtureUrl('funcref'), 'utf8'))],
  ['multimem.wat', async () => wat(readFileSync(watFixtureUrl('multimem'), 'utf8'))],
];

for (const [name, load] of MODULES) {
  for (const mode of ['none', 'vanilla', 'epoch'] as const) {
    test(`${name}, ${mode}: the translation's own text assembles exactly as the parsed and printed functions`, async (t) => {
      const bytes = await load();
      const direct = await compileWasm(bytes, mode);
      // A transform forces the parse-and-print path (it needs the functions).
      const parsed = await compileWasm(bytes, mode, undefined, { transform: () => ({ profileCounters: 0 }) });
      t.false(direct.module.functionsParsed, 'compiled without parsing');
      t.true(parsed.module.functionsParsed);
      t.is(direct.module.text, parsed.module.text);
      t.deepEqual(direct.module.exports, parsed.module.exports);
      t.deepEqual(direct.module.assembled.wasmFunctions, parsed.module.assembled.wasmFunctions);
      // Parsed on demand: the same functions.
      t.false(direct.module.functionsParsed);
      t.is(direct.module.functions.map((f) => print(f)).join('\n'), parsed.module.functions.map((f) => print(f)).join('\n'));
      t.true(direct.module.functions.length > 0);
    });
  }
}
