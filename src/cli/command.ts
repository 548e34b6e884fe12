// The shape every CLI command has. Commands parse their own flags (node:util parseArgs),
// validate them with zod, and call into the library: no logic lives in the CLI.

export interface CommandIO {
  /** Write to standard output. */
  out(text: string): void;
  /** Write to standard error. */
  err(text: string): void;
  /** Read a file argument; `-` means standard input. */
  readInput(path: string): Promise<string>;
}

export interface Command {
  /** The word after `slackfuel`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full `--help` text: usage, flags, examples. */
  readonly help: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: readonly string[], io: CommandIO): Promise<number>;
}

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
