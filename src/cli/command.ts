// The shape every CLI command has. Commands parse their own flags (node:util parseArgs),
// validate them with zod, and call into the library: no logic lives in the CLI.
//
// Errors have one exit code and one message format per kind (printed by main.ts):
//   usage error (bad flags or arguments)        exit 2    slackfuel CMD: MESSAGE + help hint
//   input error (unreadable or invalid input)   exit 1    slackfuel CMD: MESSAGE
//   the guest trapped or ran out of fuel        exit 134  slackfuel CMD: trap: KIND: MESSAGE

export interface CommandIO {
  /** Write to standard output. */
  out(text: string): void;
  /** Write to standard error. */
  err(text: string): void;
  /** Read a file argument as text; `-` means standard input. Failures are InputErrors. */
  readInput(path: string): Promise<string>;
  /** Read a file argument as bytes; `-` means standard input. Failures are InputErrors. */
  readBinary(path: string): Promise<Uint8Array>;
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
  /**
   * The command hands the arguments after its input file to a program (run-wasm), so it parses
   * `-o` itself, before that file; for every other command main.ts takes `-o FILE` off argv.
   */
  readonly passesArgsToProgram?: boolean;
}

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An input the command cannot use (missing file, unreadable directory, bad format): exit 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The guest trapped or ran out of fuel (`kind` is `OutOfFuel` or the trap kind): exit 134, as wasmtime. */
export class GuestTrapError extends Error {
  override readonly name = 'GuestTrapError';
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}
