// Registry of CLI commands: one import and one entry per command file.
import type { Command } from '../command.js';
import { demoCommand } from './demo.js';

export const commands: readonly Command[] = [demoCommand];
