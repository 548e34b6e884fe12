// The fuzz corpus (tests/fixtures/fuzz-corpus/): modules the fuzzer found bugs with, and some
// that cover traps and out-of-fuel, each with Wasmtime's answers to the calls the differential
// check makes, so tests/fuzz/corpus.test.ts replays the check without the Wasmtime runner.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { numericTypeSchema, outcomeSchema } from './outcome.js';
import type { WasmtimeSide } from './differential.js';

export const CORPUS_DIR = fileURLToPath(new URL('../../tests/fixtures/fuzz-corpus/', import.meta.url));
export const CORPUS_FILE = `${CORPUS_DIR}corpus.json`;

const answerSchema = z.object({ outcome: outcomeSchema, instantiateFuel: z.number().int().nonnegative() }).strict();

export const corpusCallSchema = z
  .object({
    name: z.string(),
    params: z.array(numericTypeSchema),
    results: z.array(numericTypeSchema),
    args: z.array(z.string()),
    budget: z.number().int().positive(),
    /** Wasmtime's answer by budget ("none": unmetered). */
    wasmtime: z.record(z.string(), answerSchema),
  })
  .strict();
export type CorpusCall = z.infer<typeof corpusCallSchema>;

export const corpusSchema = z
  .object({
    wasmtime: z.string(),
    recordedBy: z.string(),
    modules: z.array(z.object({ seed: z.number().int().nonnegative(), file: z.string(), why: z.string(), calls: z.array(corpusCallSchema) }).strict()),
  })
  .strict();
export type Corpus = z.infer<typeof corpusSchema>;

export const answerKey = (fuel: number | null): string => (fuel === null ? 'none' : String(fuel));

/** Wasmtime's side from recorded answers; a call that was not recorded is an error outcome. */
export function replay(call: CorpusCall): WasmtimeSide {
  return {
    call: (fuel) =>
      Promise.resolve(
        call.wasmtime[answerKey(fuel)] ?? { outcome: { kind: 'error', message: `no recorded Wasmtime answer for budget ${answerKey(fuel)} (did our fuel change? re-record the corpus)` }, instantiateFuel: 0 },
      ),
  };
}
