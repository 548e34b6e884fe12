// Real Wasmtime as a peer in the benchmark: the reference runner (peers/wasmtime-runner, the
// `wasmtime` crate 48.x with Wasmtime's defaults, built on demand by `npm run peer:build`) runs
// a program under Wasmtime's none, fuel and epoch and reports the same region, stdout and fuel.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SlackfuelError } from '../runtime/errors.js';

export const PEER_MODES = ['wasmtime-none', 'wasmtime-fuel', 'wasmtime-epoch'] as const;
export type PeerMode = (typeof PEER_MODES)[number];

/** The runner is missing or failed: says how to build it. */
export class PeerRunnerError extends SlackfuelError {
  override readonly name = 'PeerRunnerError';
}

export const peerReportSchema = z
  .object({
    wasmtimeVersion: z.string(),
    mode: z.enum(['none', 'fuel', 'epoch']),
    exitCode: z.number().int(),
    trap: z.string().nullable(),
    message: z.string().nullable(),
    fuelConsumed: z.number().int().nonnegative().nullable(),
    /** Fuel the instantiation (segments, start function) consumed; part of fuelConsumed. */
    instantiateFuel: z.number().int().nonnegative().nullable(),
    regionMs: z.number().nonnegative(),
    compileMs: z.number().nonnegative(),
    totalMs: z.number().nonnegative(),
    stdout: z.string(),
    results: z.array(z.string()),
  })
  .strict();
export type PeerReport = z.infer<typeof peerReportSchema>;

/** Where the runner is: $SLACKFUEL_WASMTIME_RUNNER, else the crate's release build. */
export function peerRunnerPath(): string {
  return process.env['SLACKFUEL_WASMTIME_RUNNER'] ?? fileURLToPath(new URL('../../peers/wasmtime-runner/target/release/wasmtime-runner', import.meta.url));
}

export function ensurePeerRunner(): string {
  const path = peerRunnerPath();
  if (!existsSync(path)) throw new PeerRunnerError(`the Wasmtime reference runner is not built (${path}): run \`npm run peer:build\` (about 7 minutes on 2 cores), or set SLACKFUEL_WASMTIME_RUNNER`);
  return path;
}

export interface PeerRun {
  readonly mode: 'none' | 'fuel' | 'epoch';
  readonly wasmFile: string;
  readonly args: readonly string[];
  readonly dir: string | null;
  /** The name the program sees `dir` under (default "."). */
  readonly guestDir?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly fuel?: number;
  readonly invoke?: { readonly name: string; readonly args: readonly string[] };
  /** A fuel-cost table file (Wasmtime's Config::operator_cost; see src/wasm/fuel-costs.ts). */
  readonly fuelCosts?: string;
  /** random_get and the clocks as fixed sequences (the runner's and run-wasm's --deterministic). */
  readonly deterministic?: boolean;
  /** Modules instantiated first in the same store, their exports importable under `name`. */
  readonly preload?: readonly { readonly name: string; readonly wasmFile: string }[];
  /** Stop after Wasmtime's `Module::from_file` (its time is `compileMs`): nothing runs. */
  readonly compileOnly?: boolean;
  /** Wasmtime's compile threads (RAYON_NUM_THREADS); its default is one per core. */
  readonly compileThreads?: number;
}

/** Runs one program under real Wasmtime and returns its validated report. */
export async function runPeer(run: PeerRun): Promise<PeerReport> {
  const runner = ensurePeerRunner();
  const argv = ['run', '--mode', run.mode];
  if (run.fuel !== undefined) argv.push('--fuel', String(run.fuel));
  if (run.fuelCosts !== undefined) argv.push('--fuel-costs', run.fuelCosts);
  if (run.dir !== null) argv.push('--dir', `${run.dir}::${run.guestDir ?? '.'}`);
  for (const [k, v] of Object.entries(run.env ?? {})) argv.push('--env', `${k}=${v}`);
  if (run.deterministic === true) argv.push('--deterministic');
  if (run.compileOnly === true) argv.push('--compile-only');
  for (const p of run.preload ?? []) argv.push('--preload', `${p.name}=${p.wasmFile}`);
  if (run.invoke !== undefined) argv.push('--invoke', run.invoke.name, ...run.invoke.args, '--');
  argv.push(run.wasmFile, ...run.args);
  return new Promise((resolve, reject) => {
    const env = run.compileThreads === undefined ? process.env : { ...process.env, RAYON_NUM_THREADS: String(run.compileThreads) };
    const child = spawn(runner, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e) => reject(new PeerRunnerError(`cannot start ${runner}: ${e.message}`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new PeerRunnerError(`the Wasmtime runner failed (exit ${code}): ${stderr.trim()}`));
      try {
        resolve(peerReportSchema.parse(JSON.parse(stdout)));
      } catch (e) {
        reject(new PeerRunnerError(`the Wasmtime runner printed an unreadable report: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
}

/** The runner mode of a peer benchmark mode. */
export function peerRunnerMode(mode: PeerMode): 'none' | 'fuel' | 'epoch' {
  return mode === 'wasmtime-none' ? 'none' : mode === 'wasmtime-fuel' ? 'fuel' : 'epoch';
}
