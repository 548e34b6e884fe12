#!/usr/bin/env node
// slackfuel CLI entry: dispatches to one command per file under ./commands.
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError, type CommandIO } from './command.js';
import { commands } from './commands/index.js';
import { packageFile } from './package-file.js';

const io: CommandIO = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  async readInput(path) {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    }
    return readFile(path, 'utf8');
  },
};

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: slackfuel <command> [options] [FILE...]\n\nCommands:\n${lines.join('\n')}\n\nRun 'slackfuel <command> --help' for a command's options.\n`;
}

/** The `version` of the package.json this CLI ships in. */
function version(): string {
  const manifest = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(packageFile('package.json'), 'utf8')));
  return manifest.version;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    io.out(`slackfuel ${version()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(topHelp());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`slackfuel: unknown command '${name}'\n\n${topHelp()}`);
    return 2;
  }
  // Help is asked before any `--`: what follows it belongs to the program (run-wasm's arguments).
  const end = rest.indexOf('--');
  const own = end < 0 ? rest : rest.slice(0, end);
  if (own.includes('--help') || own.includes('-h')) {
    io.out(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`slackfuel ${command.name}: ${error.message}\nRun 'slackfuel ${command.name} --help' for usage.\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.err(`slackfuel ${command.name}: ${message}\n`);
    return 1;
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
