// The cases of the Wasmtime fuel oracle: what scripts/record-wasmtime-fuel.ts runs under real
// Wasmtime and tests/peers/wasmtime-fuel.test.ts runs under our modes.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { benchWasmPath, loadBenchManifest, loadWasiFixtureManifest, wasiFixtureDataDir, wasiFixtureWasmPath } from '../workloads/workloads.js';

export const WASMTIME_FUEL_FIXTURE = fileURLToPath(new URL('../fixtures/wasmtime/fuel.json', import.meta.url));
/** A non-default operator-cost table (Wasmtime's Config::operator_cost), for the `costs/` cases. */
export const FUEL_COSTS_FIXTURE = fileURLToPath(new URL('../fixtures/wasmtime/fuel-costs.json', import.meta.url));

export type FuelCase =
  | { readonly kind: 'wasi'; readonly name: string; readonly wasm: string; readonly args: readonly string[]; readonly env: Readonly<Record<string, string>>; readonly dir: string | null }
  | { readonly kind: 'bench'; readonly name: string; readonly wasm: string; readonly args: readonly string[]; readonly costs?: boolean }
  | { readonly kind: 'wat'; readonly name: string; readonly file: WatFile; readonly invoke: string; readonly invokeArgs: readonly number[]; readonly costs?: boolean; readonly preload?: WatFile }
  /** A WASI program in WAT with a WAT library preloaded as `lib` (the wasmtime CLI's --preload). */
  | { readonly kind: 'wasi-linked'; readonly name: string; readonly file: WatFile; readonly preload: WatFile; readonly args: readonly string[] };

/** The WAT fixtures of tests/fixtures/wasmtime/ whose exports are cases. */
export const WAT_FILES = ['ops', 'simd', 'multimem', 'mem64', 'table64', 'funcref', 'startup-globals', 'startup-elem', 'startup-data', 'startup-image', 'linked-lib', 'linked-app', 'wasi-lib', 'wasi-app', 'linked-start'] as const;
export type WatFile = (typeof WAT_FILES)[number];
export const watFixtureUrl = (file: WatFile): URL => new URL(`../fixtures/wasmtime/${file}.wat`, import.meta.url);

/** Exports of tests/fixtures/wasmtime/ops.wat and their arguments. */
const OPS: readonly (readonly [string, ...number[]])[] = [
  ['fillc'], ['fillbig'], ['filld', 10], ['filld', 1000], ['copyd', 10], ['copyd', 1000], ['copyc'], ['ci'], ['bt', 0], ['bt', 1], ['bt', 5],
  ['sel', 1], ['gl'], ['grow'], ['growd', 2], ['size'], ['tgrow'], ['ld'], ['call'], ['loop', 10], ['ifelse', 0], ['ifelse', 1], ['ret', 0], ['ret', 1], ['trap', 0],
  ['tsum', 1000, 0], ['tci'],
];

/** Exports of tests/fixtures/wasmtime/simd.wat and their arguments. */
const SIMD: readonly (readonly [string, ...number[]])[] = [
  ['relaxed_int', 0], ['relaxed_int', 0x7f7f7f7f], ['relaxed_float', 0], ['relaxed_float', -3], ['nan_lanes', 0], ['nan_lanes', 5],
  ['vsum', 0], ['vsum', 400], ['oob', 65512], ['oob', 65513],
];

/** Exports of tests/fixtures/wasmtime/multimem.wat (multi-memory) and their arguments. */
const MULTIMEM: readonly (readonly [string, ...number[]])[] = [
  ['ls1', 0], ['ls2', 8], ['hello1'], ['sizes'], ['grow1', 1], ['grow1', 4], ['grow1_use'], ['fill2', 10, 1000], ['copy21', 50, 8], ['copy12c'],
  ['init2', 40], ['oob2', 131068], ['oob2', 131069], ['oob1', 0], ['copyoob', 65520], ['copyoob', 65521], ['simd12', 0],
];

/** Exports of tests/fixtures/wasmtime/mem64.wat (memory64 beside a 32-bit memory) and their arguments. */
export const MEM64: readonly (readonly [string, ...number[]])[] = [
  ['ls', 0], ['ls', 100], ['hello'], ['sizes'], ['grow', 1], ['grow', 3], ['grow', 4], ['growhuge'], ['grow_use'], ['fill', 10, 1000], ['copy', 50, 8],
  ['init', 40], ['oob', 65528], ['oob', 65529], ['wrap', 0], ['wrap', 1], ['minus1'], ['bigoff'], ['filloob', 65520], ['filloob', 65521],
  ['copyoob', 65520], ['copyoob', 65521], ['simd', 0], ['big'],
];

/** Exports of tests/fixtures/wasmtime/table64.wat (64-bit tables beside a 32-bit one) and their arguments. */
export const TABLE64: readonly (readonly [string, ...number[]])[] = [
  ['call', 1, 5], ['call', 2, 5], ['call', 0, 5], ['call', 4, 5], ['callneg'], ['size'], ['grow', 2], ['grow', 5], ['growbig', 1], ['getset', 3], ['getset', 4],
  ['fill', 4], ['fill', 5], ['copy'], ['copyoob', 2], ['copyoob', 3], ['init', 0], ['init', 3], ['ext', 1], ['ext', 2],
];

/** Exports of tests/fixtures/wasmtime/funcref.wat (typed function references) and their arguments. */
export const FUNCREF: readonly (readonly [string, ...number[]])[] = [
  ['apply', 0, 5], ['apply', 2, 5], ['apply', 4, 5], ['viag', 1], ['call_g', 0, 3], ['call_g', 1, 3], ['as_non_null', 0], ['as_non_null', 1],
  ['or_default', 0, 4], ['or_default', 1, 4], ['non_null', 1, 4], ['non_null', 2, 4], ['pick', 0, 0], ['pick', 1, 1], ['compose', 1, 2, 3],
  ['loop', 100], ['tsum', 1000], ['even', 1001], ['fact', 10], ['tail_null', 1], ['ci', 2, 6], ['init', 0], ['init', 2], ['grow', 1],
];

/** Instantiation fuel (Wasmtime's startup function): one module per case, then one call. */
const STARTUP: readonly (readonly [WatFile, string, ...number[]])[] = [
  ['startup-globals', 'get'], ['startup-elem', 'call', 3], ['startup-elem', 'init'], ['startup-data', 'get'], ['startup-image', 'get'],
];

/** Two instances in one store: linked-app.wat calls linked-lib.wat's functions directly
 *  (preloaded as `lib`, as the wasmtime CLI's `--preload lib=...` does). */
const LINKED: readonly (readonly [string, ...number[]])[] = [
  ['run', 10], ['run', 1000], ['own_table', 0, 100], ['own_table', 1, 21], ['lib_table', 1, 50], ['lib_table', 0, 7],
  ['grow_store'], ['divide', 84, 2], ['divide', 1, 0], ['recurse', 500],
  ['shared_table', 1, 20], ['shared_table', 2, 21], ['lib_table', 2, 8], ['wrong_signature'], ['shared_table', 5, 1], ['grow_table'],
];

/**
 * Benchmark programs auto-vectorised: bench/programs/NAME.c built with
 * `zig cc --target=wasm32-wasi -O3 -msimd128 -s` (ziglang 0.17.1 from PyPI), at small sizes.
 */
const SIMD_C: readonly (readonly [string, string])[] = [['matmul', '64'], ['sha256', '1'], ['crc32', '1'], ['memcpy', '5000']];

// clock_random's fuel depends on the clock and the random bytes: not a fixture.
const NONDETERMINISTIC = new Set(['clock_random']);

export const FUEL_CASES: readonly FuelCase[] = [
  ...loadWasiFixtureManifest()
    .filter((p) => !NONDETERMINISTIC.has(p.name))
    .map((p) => ({ kind: 'wasi' as const, name: `wasi/${p.name}`, wasm: wasiFixtureWasmPath(p.name), args: p.args, env: p.env, dir: p.name === 'read_file' ? wasiFixtureDataDir : null })),
  ...loadBenchManifest().map((p) => ({ kind: 'bench' as const, name: `bench/${p.name}`, wasm: benchWasmPath(p.name), args: [String(p.quickSize)] })),
  ...SIMD_C.map(([name, size]) => ({
    kind: 'wasi' as const,
    name: `simd-c/${name}`,
    wasm: fileURLToPath(new URL(`../fixtures/wasmtime/simd-c/${name}.wasm`, import.meta.url)),
    args: [size],
    env: {},
    dir: null,
  })),
  ...OPS.map(([invoke, ...invokeArgs]) => ({ kind: 'wat' as const, name: `ops/${invoke}(${invokeArgs.join(',')})`, file: 'ops' as const, invoke, invokeArgs })),
  ...SIMD.map(([invoke, ...invokeArgs]) => ({ kind: 'wat' as const, name: `simd/${invoke}(${invokeArgs.join(',')})`, file: 'simd' as const, invoke, invokeArgs })),
  ...STARTUP.map(([file, invoke, ...invokeArgs]) => ({ kind: 'wat' as const, name: `startup/${file.slice('startup-'.length)}/${invoke}(${invokeArgs.join(',')})`, file, invoke, invokeArgs })),
  ...MULTIMEM.map(([invoke, ...invokeArgs]) => ({ kind: 'wat' as const, name: `multimem/${invoke}(${invokeArgs.join(',')})`, file: 'multimem' as const, invoke, invokeArgs })),
  ...TABLE64.map(([invoke, ...invokeArgs]) => ({ kind: 'wat' as const, name: `table64/${invoke}(${invokeArgs.join(',')})`, file: 'table64' as const, invoke, invokeArgs })),
  ...MEM64.map(([invoke, ...invokeArgs]) => ({ kind: 'wat' as const, name: `mem64/${invoke}(${invokeArgs.join(',')})`, file: 'mem64' as const, invoke, invokeArgs })),
  ...FUNCREF.map(([invoke, ...invokeArgs]) => ({ kind: 'wat' as const, name: `fref/${invoke}(${invokeArgs.join(',')})`, file: 'funcref' as const, invoke, invokeArgs })),
  ...LINKED.map(([invoke, ...invokeArgs]) => ({ kind: 'wat' as const, name: `linked/${invoke}(${invokeArgs.join(',')})`, file: 'linked-app' as const, invoke, invokeArgs, preload: 'linked-lib' as const })),
  { kind: 'wat' as const, name: 'linked-start/starts()', file: 'linked-start' as const, invoke: 'starts', invokeArgs: [], preload: 'linked-lib' as const },
  { kind: 'wasi-linked' as const, name: 'wasi-linked/app', file: 'wasi-app' as const, preload: 'wasi-lib' as const, args: [] },
  // The same operators, and two whole programs, under FUEL_COSTS_FIXTURE's table.
  ...OPS.map(([invoke, ...invokeArgs]) => ({ kind: 'wat' as const, name: `costs/ops/${invoke}(${invokeArgs.join(',')})`, file: 'ops' as const, invoke, invokeArgs, costs: true })),
  ...loadBenchManifest()
    .slice(0, 2)
    .map((p) => ({ kind: 'bench' as const, name: `costs/bench/${p.name}`, wasm: benchWasmPath(p.name), args: [String(p.quickSize)], costs: true })),
];

export const recordedCaseSchema = z
  .object({
    name: z.string(),
    /** Everything the store consumed: instantiation (Wasmtime's startup function) and the call. */
    fuel: z.number().int().nonnegative(),
    /** The part of `fuel` instantiation consumed (recorded since multi-memory; older cases: 0). */
    instantiateFuel: z.number().int().nonnegative().default(0),
    exitCode: z.number().int(),
    trap: z.string().nullable(),
    stdoutSha256: z.string(),
    results: z.array(z.string()),
  })
  .strict();
export type RecordedCase = z.infer<typeof recordedCaseSchema>;
export const fuelFixtureSchema = z.object({ wasmtime: z.string(), recordedBy: z.string(), cases: z.array(recordedCaseSchema) }).strict();
