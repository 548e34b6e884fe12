// Registry of CLI commands: one import and one entry per command file.
import type { Command } from '../command.js';
import { demoCommand } from './demo.js';
import { compileCommand } from './compile.js';
import { runCommand } from './run.js';
import { printCommand } from './print.js';
import { checkFuelCommand } from './check-fuel.js';
import { cfgCommand } from './cfg.js';
import { optCommand } from './opt.js';
import { wasm2clifCommand } from './wasm2clif.js';
import { runWasmCommand } from './run-wasm.js';
import { benchCommand } from './bench.js';

export const commands: readonly Command[] = [demoCommand, compileCommand, runCommand, printCommand, checkFuelCommand, cfgCommand, optCommand, wasm2clifCommand, runWasmCommand, benchCommand];
