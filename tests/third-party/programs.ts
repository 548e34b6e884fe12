// Third-party C programs built for WASI by scripts/build-third-party.sh (sources from PyPI sdists
// and an npm package); tests/third-party/third-party.test.ts runs them against what real Wasmtime
// 48 printed and charged (tests/fixtures/third-party/wasmtime.json, scripts/record-third-party.ts).
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { meteringModeSchema } from '../../src/runtime/metering.js';

export interface ThirdPartyProgram {
  readonly name: string;
  /** Where its C sources come from. */
  readonly source: string;
  readonly args: readonly string[];
  /**
   * Our modes the test runs. SQLite (2,000 functions) takes 40–100 s per mode to compile here,
   * so the test runs it in vanilla only; the other modes were run by hand (docs/frontend.md).
   */
  readonly modes: readonly z.infer<typeof meteringModeSchema>[];
}

const ALL = ['none', 'vanilla', 'slacked', 'count'] as const;

export const THIRD_PARTY: readonly ThirdPartyProgram[] = [
  { name: 'lz4', source: 'PyPI lz4 4.4.5 (lz4libs/: lz4, lz4hc, xxhash)', args: [], modes: ALL },
  { name: 'brotli', source: 'PyPI brotli 1.2.1 (c/: encoder, decoder)', args: [], modes: ALL },
  { name: 'zstd', source: 'PyPI zstandard 0.25.0 (zstd/zstd.c single-file library)', args: [], modes: ALL },
  { name: 'lua', source: 'PyPI lupa 2.8 (third-party/lua54: Lua 5.4 interpreter)', args: [], modes: ALL },
  { name: 'sqlite', source: 'npm better-sqlite3 12.11.1 (deps/sqlite3: SQLite amalgamation)', args: [], modes: ['vanilla'] },
];

export const thirdPartyWasm = (name: string): string => fileURLToPath(new URL(`../fixtures/third-party/${name}.wasm`, import.meta.url));
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
