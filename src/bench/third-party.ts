// The third-party suite of `bench --suite third-party`: real programs built for WASI from their
// published sources (tests/fixtures/third-party/, scripts/build-third-party.sh), at inputs that
// run 0.3–0.45 s under wasmtime-none (SQLite 0.24 s) so a few percent is measurable. The tests run the same
// modules at their small default inputs against what Wasmtime printed and charged.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchProgram } from './suite.js';

interface ThirdPartyBench {
  readonly name: string;
  /** The module under tests/fixtures/third-party/. */
  readonly wasm: string;
  /** Program arguments at the full and at the --quick sizes (the tests' defaults: none). */
  readonly args: readonly string[];
  readonly quickArgs: readonly string[];
  /** A generated input file, preopened as ".": `copies` copies of a fixture file under `name`. */
  readonly input?: { readonly from: string; readonly copies: number; readonly quickCopies: number; readonly name: string };
}

const CMARK_FLAGS = ['-e', 'table', '-e', 'strikethrough', '-e', 'autolink', '-e', 'tasklist', '--smart', 'doc.md'];

/**
 * Left out: RapidJSON (its driver takes no size, 17 ms) and the Go program (fixed workloads,
 * 64 ms; 50 s to 3 min of our compile per mode and instance), both far too short to measure.
 */
export const THIRD_PARTY_BENCH: readonly ThirdPartyBench[] = [
  { name: 'lz4', wasm: 'lz4.wasm', args: ['2500000'], quickArgs: [] },
  { name: 'brotli', wasm: 'brotli.wasm', args: ['2500000'], quickArgs: [] },
  { name: 'zstd', wasm: 'zstd.wasm', args: ['7000000'], quickArgs: [] },
  // The interpreter on its built-in script; the argument sizes the sieve, the longest part.
  { name: 'lua', wasm: 'lua.wasm', args: ['2500000'], quickArgs: [] },
  { name: 'cmark', wasm: 'cmark.wasm', args: CMARK_FLAGS, quickArgs: CMARK_FLAGS, input: { from: 'markdown/doc.md', copies: 4000, quickCopies: 100, name: 'doc.md' } },
  // Rows of its table: 0.24 s, the most it takes; from 130,000 on, the in-memory database
  // answers "disk I/O error" (it outgrows its memory), under Wasmtime as under slackfuel.
  { name: 'sqlite', wasm: 'sqlite.wasm', args: ['125000'], quickArgs: [] },
];

export const THIRD_PARTY_BENCH_NAMES: readonly string[] = THIRD_PARTY_BENCH.map((p) => p.name);

/** The programs and a function that removes their generated inputs. */
export interface ThirdPartySuite {
  readonly programs: BenchProgram[];
  readonly dispose: () => Promise<void>;
}

/** The third-party suite read from `fixtures` (tests/fixtures/third-party of the repository). */
export async function thirdPartyPrograms(fixtures: string, quick: boolean, only?: ReadonlySet<string>): Promise<ThirdPartySuite> {
  const picked = THIRD_PARTY_BENCH.filter((p) => only === undefined || only.has(p.name));
  const scratch: string[] = [];
  const dispose = async () => {
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  };
  try {
    const programs: BenchProgram[] = [];
    for (const p of picked) {
      let dir: string | null = null;
      if (p.input !== undefined) {
        dir = await mkdtemp(join(tmpdir(), `slackfuel-bench-${p.name}-`));
        scratch.push(dir);
        const text = await readFile(join(fixtures, p.input.from), 'utf8');
        await writeFile(join(dir, p.input.name), `${text}\n`.repeat(quick ? p.input.quickCopies : p.input.copies));
      }
      programs.push({ name: p.name, wasm: new Uint8Array(await readFile(join(fixtures, p.wasm))), args: quick ? p.quickArgs : p.args, expected: undefined, dir });
    }
    return { programs, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
