// Runs the slackfuel CLI in a child process (through tsx), as a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
// Resolved here, so the CLI also runs from a working directory outside the repository.
const tsx = import.meta.resolve('tsx');
// The compile cache of the commands run here (run-wasm uses one by default): one per test
// process, not the user's.
const cacheHome = mkdtempSync(join(tmpdir(), 'slackfuel-test-cache-'));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Working directory (default: the repository root). */
  readonly cwd?: string;
  /** Standard input as bytes (instead of text). */
  readonly stdin?: Uint8Array;
}

export function runCli(args: readonly string[], input?: string, options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [`--import=${tsx}`, main, ...args], {
    cwd: options.cwd ?? root,
    input: options.stdin ?? input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, XDG_CACHE_HOME: cacheHome },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
