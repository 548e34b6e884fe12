// Third-party C programs built for WASI by scripts/build-third-party.sh (sources from PyPI sdists
// and an npm package); tests/third-party/third-party.test.ts runs them against what real Wasmtime
// 48 printed and charged (tests/fixtures/third-party/wasmtime.json, scripts/record-third-party.ts).
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { meteringModeSchema } from '../../src/runtime/metering.js';

export interface ThirdPartyProgram {
  readonly name: string;
  /** The .wasm it runs (default: NAME.wasm). */
  readonly wasm?: string;
  /** Where its C sources come from. */
  readonly source: string;
  readonly args: readonly string[];
  /** A directory of tests/fixtures/third-party/ preopened as `.` (null: none). */
  readonly dir: string | null;
  /**
   * Our modes the test runs. SQLite (2,000 functions) takes 40–100 s per mode to compile here,
   * so the test runs it in vanilla only; the other modes were run by hand (docs/frontend.md).
   */
  readonly modes: readonly z.infer<typeof meteringModeSchema>[];
}

const ALL = ['none', 'vanilla', 'slacked', 'count'] as const;

export const THIRD_PARTY: readonly ThirdPartyProgram[] = [
  { name: 'lz4', source: 'PyPI lz4 4.4.5 (lz4libs/: lz4, lz4hc, xxhash)', args: [], dir: null, modes: ALL },
  { name: 'brotli', source: 'PyPI brotli 1.2.1 (c/: encoder, decoder)', args: [], dir: null, modes: ALL },
  { name: 'zstd', source: 'PyPI zstandard 0.25.0 (zstd/zstd.c single-file library)', args: [], dir: null, modes: ALL },
  { name: 'lua', source: 'PyPI lupa 2.8 (third-party/lua54: Lua 5.4 interpreter)', args: [], dir: null, modes: ALL },
  { name: 'lua-file', wasm: 'lua', source: 'the same Lua, running lua-scripts/wordfreq.lua read through a WASI preopen', args: ['wordfreq.lua'], dir: 'lua-scripts', modes: ALL },
  { name: 'cmark', source: 'PyPI cmarkgfm 2025.10.22 (third_party/cmark: cmark-gfm and its command line)', args: ['-e', 'table', '-e', 'strikethrough', '-e', 'autolink', '-e', 'tasklist', '--smart', 'doc.md'], dir: 'markdown', modes: ALL },
  { name: 'sqlite', source: 'npm better-sqlite3 12.11.1 (deps/sqlite3: SQLite amalgamation)', args: [], dir: null, modes: ['vanilla'] },
];

export const thirdPartyWasm = (p: ThirdPartyProgram): string => fileURLToPath(new URL(`../fixtures/third-party/${p.wasm ?? p.name}.wasm`, import.meta.url));
export const thirdPartyDir = (p: ThirdPartyProgram): string | null => (p.dir === null ? null : fileURLToPath(new URL(`../fixtures/third-party/${p.dir}`, import.meta.url)));
export const THIRD_PARTY_FIXTURE = fileURLToPath(new URL('../fixtures/third-party/wasmtime.json', import.meta.url));

export const thirdPartyFixtureSchema = z
  .object({
    wasmtime: z.string(),
    recordedBy: z.string(),
    programs: z.array(
      z
        .object({
          name: z.string(),
          args: z.array(z.string()),
          fuel: z.number().int().nonnegative(),
          instantiateFuel: z.number().int().nonnegative(),
          exitCode: z.number().int(),
          stdout: z.string(),
        })
        .strict(),
    ),
  })
  .strict();
