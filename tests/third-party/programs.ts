// Third-party C programs built for WASI by scripts/build-third-party.sh (sources from PyPI sdists
// and an npm package); tests/third-party/third-party.test.ts runs them against what real Wasmtime
// 48 printed and charged (tests/fixtures/third-party/wasmtime.json, scripts/record-third-party.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { meteringModeSchema } from '../../src/runtime/metering.js';

export interface ThirdPartyProgram {
  readonly name: string;
  /** The file of tests/fixtures/third-party/ it runs (default: NAME.wasm). */
  readonly wasm?: string;
  /** Where its C sources come from. */
  readonly source: string;
  readonly args: readonly string[];
  /** A directory of tests/fixtures/third-party/ preopened read-only (null: none)... */
  readonly dir: string | null;
  /**
   * ...under this name (default "."). Go resolves a relative path against its working
   * directory, the first preopen's name, and never finds it under ".": Go gets "/data".
   */
  readonly guestDir?: string;
  /**
   * Our modes the test runs. SQLite (1,387 functions) takes 40–100 s per mode to compile here,
   * so the test runs it in vanilla only; the other modes were run by hand (docs/frontend.md).
   */
  readonly modes: readonly z.infer<typeof meteringModeSchema>[];
  /** Environment variables (default: none). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Run with --deterministic random_get and clocks (src/wasi/deterministic.ts) on both sides:
   * Go's runtime reads both, and its fuel differs from run to run without them.
   */
  readonly deterministic?: boolean;
  /** A module whose compile takes gigabytes: the test runs it alone. */
  readonly large?: boolean;
}

const ALL = ['none', 'vanilla', 'slacked', 'count'] as const;

export const THIRD_PARTY: readonly ThirdPartyProgram[] = [
  { name: 'lz4', source: 'PyPI lz4 4.4.5 (lz4libs/: lz4, lz4hc, xxhash)', args: [], dir: null, modes: ALL },
  { name: 'brotli', source: 'PyPI brotli 1.2.1 (c/: encoder, decoder)', args: [], dir: null, modes: ALL },
  { name: 'zstd', source: 'PyPI zstandard 0.25.0 (zstd/zstd.c single-file library)', args: [], dir: null, modes: ALL },
  { name: 'lua', source: 'PyPI lupa 2.8 (third-party/lua54: Lua 5.4 interpreter)', args: [], dir: null, modes: ALL },
  { name: 'lua-file', wasm: 'lua.wasm', source: 'the same Lua, running lua-scripts/wordfreq.lua read through a WASI preopen', args: ['wordfreq.lua'], dir: 'lua-scripts', modes: ALL },
  { name: 'cmark', source: 'PyPI cmarkgfm 2025.10.22 (third_party/cmark: cmark-gfm and its command line)', args: ['-e', 'table', '-e', 'strikethrough', '-e', 'autolink', '-e', 'tasklist', '--smart', 'doc.md'], dir: 'markdown', modes: ALL },
  { name: 'sqlite', source: 'npm better-sqlite3 12.11.1 (deps/sqlite3: SQLite amalgamation)', args: [], dir: null, modes: ['vanilla'], large: true },
  { name: 'rapidjson', source: 'PyPI python-rapidjson 1.25 (rapidjson/include: RapidJSON, C++ headers), with libc++', args: [], dir: null, modes: ALL },
  {
    name: 'go',
    wasm: 'gowork.wasm.gz',
    source: "Go 1.26's runtime and standard library (drivers/go: goroutines, json, sha256, regexp, gzip, math/big, files)",
    args: ['all', '/data/wordfreq.lua'],
    dir: 'lua-scripts',
    guestDir: '/data',
    env: { GREETING: 'hi' },
    deterministic: true,
    // 4.7 MB, 2,780 functions: 50 s to compile per mode here under load, 3 min for the
    // slacked modes (issue 16); the others were run by hand (docs/frontend.md).
    modes: ['vanilla'],
    large: true,
  },
];

export const thirdPartyWasm = (p: ThirdPartyProgram): string => fileURLToPath(new URL(`../fixtures/third-party/${p.wasm ?? `${p.name}.wasm`}`, import.meta.url));

/** argv[0] as the program sees it: the module's file name (without `.gz`). */
export const thirdPartyProgramName = (p: ThirdPartyProgram): string => (p.wasm ?? `${p.name}.wasm`).replace(/\.gz$/, '');

/** The module's bytes; a `.gz` fixture (the large Go module) is stored compressed. */
export function readThirdPartyWasm(p: ThirdPartyProgram): Buffer {
  const bytes = readFileSync(thirdPartyWasm(p));
  return thirdPartyWasm(p).endsWith('.gz') ? gunzipSync(bytes) : bytes;
}
export const thirdPartyDir = (p: ThirdPartyProgram): string | null => (p.dir === null ? null : fileURLToPath(new URL(`../fixtures/third-party/${p.dir}`, import.meta.url)));
/** The preopens runWasi gets: the directory under its guest name, or none. */
export const thirdPartyDirs = (p: ThirdPartyProgram): { host: string; guest: string }[] => {
  const host = thirdPartyDir(p);
  return host === null ? [] : [{ host, guest: p.guestDir ?? '.' }];
};
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
