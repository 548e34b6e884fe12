// The committed wasm32-wasi workloads (bench/ and tests/fixtures/wasi/): their manifests,
// validated with zod, their file paths, and a way to run one under node:wasi. Later work runs
// the same programs through slackfuel and compares with the same expectations.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const benchDir = join(repoRoot, 'bench');
export const wasiFixturesDir = join(repoRoot, 'tests', 'fixtures', 'wasi');
/** Preopened as "." for every front-end fixture. */
export const wasiFixtureDataDir = join(wasiFixturesDir, 'data');
const runnerScript = join(repoRoot, 'scripts', 'run-node-wasi.mjs');

const programName = z.string().regex(/^[a-z0-9_]+$/);

const benchProgramSchema = z.object({
  name: programName,
  /** What the program stresses in fuel metering (its source's first-line comment). */
  stresses: z.string().min(1),
  /** The default size argument: the one the program uses without argv[1], and the measured one. */
  size: z.number().int().positive(),
  /** A size that runs in about 50 ms under V8 (`--quick`, tests). */
  quickSize: z.number().int().positive(),
});
export type BenchProgram = z.infer<typeof benchProgramSchema>;

const wasiFixtureSchema = z.object({
  name: programName,
  /** The WASI calls and wasm features the program exercises. */
  exercises: z.string().min(1),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()),
});
export type WasiFixture = z.infer<typeof wasiFixtureSchema>;

function loadManifest<T>(file: string, schema: z.ZodType<T>): T[] {
  const parsed = z.object({ programs: z.array(schema).min(1) }).parse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.programs;
}

export function loadBenchManifest(): BenchProgram[] {
  return loadManifest(join(benchDir, 'manifest.json'), benchProgramSchema);
}

export function loadWasiFixtureManifest(): WasiFixture[] {
  return loadManifest(join(wasiFixturesDir, 'manifest.json'), wasiFixtureSchema);
}

export const benchSourcePath = (name: string): string => join(benchDir, 'programs', `${name}.c`);
export const benchWasmPath = (name: string): string => join(benchDir, 'wasm', `${name}.wasm`);
/** Expected stdout at the default size, or at the quick size. */
export const benchExpectedPath = (name: string, size: 'default' | 'quick'): string =>
  join(benchDir, 'expected', size === 'quick' ? `${name}.quick.out` : `${name}.out`);
export const wasiFixtureSourcePath = (name: string): string => join(wasiFixturesDir, 'src', `${name}.c`);
export const wasiFixtureWasmPath = (name: string): string => join(wasiFixturesDir, 'wasm', `${name}.wasm`);
/** Expected stdout (`out`), stderr (`err`) and exit code (`code`, one line). */
export const wasiFixtureExpectedPath = (name: string, kind: 'out' | 'err' | 'code'): string =>
  join(wasiFixturesDir, 'expected', `${name}.${kind}`);

export interface WasiRunOptions {
  /** argv[1..]; argv[0] is the file's base name. */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Directory preopened as "."; null preopens nothing. */
  readonly dir?: string | null;
}

const reportSchema = z.object({
  exitCode: z.number().int(),
  compileMs: z.number(),
  runMs: z.number(),
  regionMs: z.number().nullable(),
});
export type NodeWasiReport = z.infer<typeof reportSchema>;

export interface NodeWasiResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** The runner's timing report; null if it died before writing one. */
  readonly report: NodeWasiReport | null;
}

/** Runs a wasm32-wasi module under V8 with node:wasi (scripts/run-node-wasi.mjs) in a child process. */
export function runUnderNodeWasi(wasm: string, options: WasiRunOptions = {}): NodeWasiResult {
  const scratch = mkdtempSync(join(tmpdir(), 'slackfuel-wasi-'));
  const reportPath = join(scratch, 'report.json');
  try {
    const dir = options.dir ?? null;
    const flags = ['--report', reportPath, ...(dir === null ? ['--no-dir'] : ['--dir', dir])];
    for (const [name, value] of Object.entries(options.env ?? {})) flags.push('--env', `${name}=${value}`);
    const child = spawnSync(process.execPath, [runnerScript, ...flags, wasm, ...(options.args ?? [])], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    let report: NodeWasiReport | null = null;
    try {
      report = reportSchema.parse(JSON.parse(readFileSync(reportPath, 'utf8')));
    } catch {
      report = null;
    }
    return { stdout: child.stdout, stderr: child.stderr, exitCode: child.status ?? -1, report };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface WasmImportEntry {
  readonly module: string;
  readonly name: string;
  readonly kind: string;
}
export interface WasmExportEntry {
  readonly name: string;
  readonly kind: string;
}

// The compiler's lib settings do not declare the WebAssembly global; this is the slice we use.
interface WebAssemblyModuleApi {
  readonly Module: {
    new (bytes: Uint8Array): object;
    imports(module: object): WasmImportEntry[];
    exports(module: object): WasmExportEntry[];
  };
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyModuleApi }).WebAssembly;

/** The imports and exports of a .wasm file, as V8 decodes them. */
export function wasmInterface(file: string): { imports: WasmImportEntry[]; exports: WasmExportEntry[] } {
  const module = new webAssembly.Module(readFileSync(file));
  return { imports: webAssembly.Module.imports(module), exports: webAssembly.Module.exports(module) };
}
