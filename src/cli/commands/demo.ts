import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { parse, print } from '../../ir/index.js';

const exampleUrl = new URL('../../../examples/wasmtime-fuel.clif', import.meta.url);

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Run the main job on the bundled Wasmtime-shaped example',
  help: `Usage: slackfuel demo

Runs the main job on a built-in example: the bundled Wasmtime-shaped CLIF
(examples/wasmtime-fuel.clif) is parsed and printed canonically, exactly as
Cranelift's writer prints it.`,
  async run(argv, io) {
    if (argv.length > 0) {
      io.err(`demo takes no arguments\n`);
      return 2;
    }
    const text = await readFile(fileURLToPath(exampleUrl), 'utf8');
    for (const fn of parse(text).functions) io.out(print(fn));
    return 0;
  },
};
