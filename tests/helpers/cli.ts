// Runs the slackfuel CLI in a child process (through tsx), as a user would.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
// Resolved here, so the CLI also runs from a working directory outside the repository.
const tsx = import.meta.resolve('tsx');

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
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
