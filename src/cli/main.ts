#!/usr/bin/env node
// slackfuel CLI entry: dispatches to one command per file under ./commands.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GuestTrapError, UsageError, type Command, type CommandIO } from './command.js';
import { commands } from './commands/index.js';
import { readNamed, takeOutputFlag, writeNamed } from './output.js';
import { packageFile } from './package-file.js';
import { TRAP_EXIT_CODE } from '../wasi/run.js';

const stdout = (text: string) => void process.stdout.write(text);
const stderr = (text: string) => void process.stderr.write(text);

function commandIO(out: (text: string) => void): CommandIO {
  return {
    out,
    err: stderr,
    readInput: async (path) => (await readNamed(path)).toString('utf8'),
    readBinary: async (path) => new Uint8Array(await readNamed(path)),
  };
}

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: slackfuel <command> [options] [FILE...]
       slackfuel help COMMAND | --help | --version

Commands:
${lines.join('\n')}

Every command takes - for standard input or output where it names a file, and -o FILE where it
prints something. Exit status: 0 success, 1 input error (unreadable or invalid input, a check
that failed), 2 usage error (bad flags or arguments), 134 the guest trapped or ran out of fuel.
Run 'slackfuel help COMMAND' for a command's options.
`;
}

/** What every command but run-wasm (which lists its own) accepts, shown under its help. */
const COMMON_OPTIONS = `
Every command: -o FILE (--output FILE) writes the output to FILE (- is standard output), a FILE
argument of - reads standard input; exit status 2 for a usage error, 1 for an input error.
`;

function commandHelp(command: Command): string {
  const help = command.help.endsWith('\n') ? command.help : `${command.help}\n`;
  return command.passesArgsToProgram ? help : `${help}${COMMON_OPTIONS}`;
}

/** The `version` of the package.json this CLI ships in. */
function version(): string {
  const manifest = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(packageFile('package.json'), 'utf8')));
  return manifest.version;
}

/** node:util parseArgs reports unknown or malformed flags with these codes. */
function isArgumentError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** Prints an error the single way its kind is printed and returns its exit code. */
function reportError(command: Command, error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError || isArgumentError(error)) {
    stderr(`slackfuel ${command.name}: ${message}\nRun 'slackfuel help ${command.name}' for usage.\n`);
    return 2;
  }
  if (error instanceof GuestTrapError) {
    stderr(`slackfuel ${command.name}: trap: ${error.kind}: ${message}\n`);
    return TRAP_EXIT_CODE;
  }
  stderr(`slackfuel ${command.name}: ${message}\n`);
  return 1;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    stdout(`slackfuel ${version()}\n`);
    return 0;
  }
  if (name === undefined) {
    stderr(topHelp());
    return 2;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    stdout(topHelp());
    return 0;
  }
  if (name === 'help') {
    const topic = commands.find((c) => c.name === rest[0]);
    if (topic === undefined || rest.length > 1) {
      stderr(`slackfuel help: ${rest.length > 1 ? 'give one command' : `unknown command '${rest[0]}'`}\n\n${topHelp()}`);
      return 2;
    }
    stdout(commandHelp(topic));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    stderr(`slackfuel: unknown command '${name}'\n\n${topHelp()}`);
    return 2;
  }
  // Help is asked before any `--`; a command that passes arguments to a program (run-wasm)
  // finds its own --help, since after the module it belongs to the program.
  const end = rest.indexOf('--');
  const own = end < 0 ? rest : rest.slice(0, end);
  if (!command.passesArgsToProgram && (own.includes('--help') || own.includes('-h'))) {
    stdout(commandHelp(command));
    return 0;
  }
  let output: string | undefined;
  const buffered: string[] = [];
  try {
    let args: readonly string[] = rest;
    if (!command.passesArgsToProgram) ({ argv: args, output } = takeOutputFlag(rest));
    const toFile = output !== undefined && output !== '-';
    const code = await command.run(args, commandIO(toFile ? (text) => void buffered.push(text) : stdout));
    if (toFile) await writeNamed(output!, buffered.join(''), stdout);
    return code;
  } catch (error) {
    // What was produced before the error still goes where it was asked to.
    if (output !== undefined && output !== '-' && buffered.length > 0) await writeNamed(output, buffered.join(''), stdout).catch(() => undefined);
    return reportError(command, error);
  }
}

// A closed pipe (`slackfuel print x.clif | head`) ends the output, not the process with a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`slackfuel: internal error: ${String(error)}\n`);
    process.exitCode = 70;
  },
);
