// `npx tsx scripts/fuzz/record-corpus.ts SEED:WHY | FILE/seed-N.wasm:WHY ...`: (re)writes
// tests/fixtures/fuzz-corpus/ with the given modules — generated from a fuzzer seed, or a module
// the fuzzer saved (its seed-N name gives the seed its arguments come from) — and the Wasmtime
// runner's answers to every call the differential check makes (needs the runner: npm run
// peer:build). Modules already in the corpus are kept, and re-recorded.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argsFor } from './args.js';
import { answerKey, CORPUS_DIR, CORPUS_FILE, corpusSchema, type Corpus, type CorpusCall } from './corpus.js';
import { checkCall } from './differential.js';
import { compileAll } from './ours.js';
import { WasmtimeBatch } from './runner.js';

const BUDGET = 100_000;
const MAX_EXPORTS = 4;
/** Where each module comes from: a seed to generate, or a file; and why it is in the corpus. */
const given = new Map<number, { why: string; from: string | null }>();
for (const a of process.argv.slice(2)) {
  const at = a.indexOf('.wasm:');
  const source = at >= 0 ? a.slice(0, at + 5) : a.slice(0, a.indexOf(':'));
  const why = at >= 0 ? a.slice(at + 6) : a.slice(a.indexOf(':') + 1);
  const seed = Number(/(\d+)(?:\.wasm)?$/.exec(source)?.[1]);
  if (!Number.isSafeInteger(seed)) throw new Error(`${a}: give SEED:WHY or PATH/seed-N.wasm:WHY`);
  given.set(seed, { why, from: at >= 0 ? source : null });
}
const old: Corpus | null = existsSync(CORPUS_FILE) ? corpusSchema.parse(JSON.parse(readFileSync(CORPUS_FILE, 'utf8'))) : null;
for (const m of old?.modules ?? []) if (!given.has(m.seed)) given.set(m.seed, { why: m.why, from: join(CORPUS_DIR, m.file) });

const frontendDir = new URL('../../native/frontend/', import.meta.url).pathname;
execFileSync('cargo', ['build', '--release', '--example', 'fuzz_modules'], { cwd: frontendDir, stdio: ['ignore', 'ignore', 'inherit'] });
const generator = join(frontendDir, 'target/release/examples/fuzz_modules');
mkdirSync(CORPUS_DIR, { recursive: true });
const runner = new WasmtimeBatch();
const corpus: Corpus = { wasmtime: '48.0.9', recordedBy: 'scripts/fuzz/record-corpus.ts', modules: [] };
const scratch = mkdtempSync(join(tmpdir(), 'slackfuel-corpus-'));
try {
  for (const [seed, { why, from }] of [...given].sort((a, b) => a[0] - b[0])) {
    const file = `seed-${seed}.wasm`;
    if (from === null) execFileSync(generator, [scratch, String(seed), '1'], { stdio: 'ignore' });
    const source = from ?? join(scratch, file);
    if (source !== join(CORPUS_DIR, file)) copyFileSync(source, join(CORPUS_DIR, file));
    const path = join(CORPUS_DIR, file);
    const exported = await runner.exports(path);
    if ('error' in exported) throw new Error(`seed ${seed}: Wasmtime refuses it: ${exported.error}`);
    const compiled = await compileAll(readFileSync(path));
    if (!('modules' in compiled)) throw new Error(`seed ${seed}: we cannot compile it: ${JSON.stringify(compiled)}`);
    const calls: CorpusCall[] = [];
    for (const [i, f] of exported.functions.slice(0, MAX_EXPORTS).entries()) {
      const args = argsFor(seed * 64 + i, f.params);
      const answers: CorpusCall['wasmtime'] = {};
      await checkCall(compiled.modules, f, args, BUDGET, {
        call: async (fuel) => (answers[answerKey(fuel)] = await runner.callWithInstantiation(path, f.name, args, fuel)),
      });
      calls.push({ name: f.name, params: [...f.params], results: [...f.results], args, budget: BUDGET, wasmtime: answers });
    }
    corpus.modules.push({ seed, file, why, calls });
    console.log(`seed ${seed}: ${calls.length} call(s)`);
  }
} finally {
  runner.close();
  rmSync(scratch, { recursive: true, force: true });
}
writeFileSync(CORPUS_FILE, `${JSON.stringify(corpus, null, 1)}\n`);
console.log(`wrote ${corpus.modules.length} modules to ${CORPUS_FILE}`);
