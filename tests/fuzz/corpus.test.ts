// Replays the fuzz corpus (tests/fixtures/fuzz-corpus/, written by scripts/fuzz/record-corpus.ts)
// without the Wasmtime runner: each module's calls go through the same differential check as
// `npm run fuzz` (scripts/fuzz/differential.ts), against the answers Wasmtime 48 gave when the
// corpus was recorded. The modules are the ones the fuzzer found bugs with, and some that cover
// each trap kind and out-of-fuel, and modules of the loop generator whose counted loops
// fuel-counted-loops versions (slacked and count charge them in bulk).
import { readFileSync } from 'node:fs';
import test from 'ava';
import { CORPUS_DIR, CORPUS_FILE, corpusSchema, replay } from '../../scripts/fuzz/corpus.js';
import { checkCall } from '../../scripts/fuzz/differential.js';
import { compileAll } from '../../scripts/fuzz/ours.js';
import { show } from '../../scripts/fuzz/outcome.js';
import { findVersionedLoops } from '../../src/passes/fuel/check/versioned-loops.js';

const corpus = corpusSchema.parse(JSON.parse(readFileSync(CORPUS_FILE, 'utf8')));

test('the corpus holds bug-finding modules and covers traps and out-of-fuel', (t) => {
  t.regex(corpus.wasmtime, /^48\./);
  t.true(corpus.modules.filter((m) => m.why.startsWith('found')).length >= 5);
  const kinds = new Set(corpus.modules.flatMap((m) => m.calls.flatMap((c) => Object.values(c.wasmtime).map((a) => (a.outcome.kind === 'trap' ? a.outcome.trap : a.outcome.kind)))));
  for (const kind of ['ok', 'oof', 'unreachable', 'memory_out_of_bounds', 'table_out_of_bounds', 'integer_overflow', 'division_by_zero', 'invalid_conversion', 'stack_exhaustion']) {
    t.true(kinds.has(kind), kind);
  }
});

for (const m of corpus.modules) {
  test(`seed ${m.seed} (${m.why}): our modes agree with Wasmtime`, async (t) => {
    t.timeout(120_000);
    let versioned = 0;
    const compiled = await compileAll(readFileSync(`${CORPUS_DIR}${m.file}`), undefined, { slacked: (fns) => fns.forEach((fn) => (versioned += findVersionedLoops(fn, false).length)) });
    if (!('modules' in compiled)) return t.fail(`cannot compile: ${JSON.stringify(compiled)}`);
    // The loop generator's modules are there for fuel-counted-loops: slacked must version some.
    if (m.why.includes('loop generator')) t.true(versioned > 0, 'slacked versions counted loops');
    let compared = 0;
    for (const call of m.calls) {
      const result = await checkCall(compiled.modules, call, call.args, call.budget, replay(call));
      t.is(result.runnerError, null);
      for (const c of result.comparisons) {
        compared++;
        const ok = c.difference === null || c.difference === 'known:stack-depth';
        t.true(ok, `${call.name}(${call.args.join(', ')}) ${c.mode} budget ${c.budget}: ${c.difference}: ours ${show(c.ours)} | wasmtime ${show(c.theirs)}`);
      }
    }
    t.true(compared >= m.calls.length);
  });
}
