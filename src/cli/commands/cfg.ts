import { parseArgs } from 'node:util';
import { z } from 'zod';
import { InputError, UsageError, type Command } from '../command.js';
import { ClifParseError, formatFunctionName, parse, type Function } from '../../ir/index.js';
import { cfgToDot, dotToSvg } from '../../cfg-draw/index.js';

const optionsSchema = z.object({
  fn: z.string().min(1).optional(),
  format: z.enum(['dot', 'svg'], { message: "--format must be 'dot' or 'svg'" }),
  file: z.string({ message: 'give one CLIF file (or - for standard input)' }),
});

export const cfgCommand: Command = {
  name: 'cfg',
  summary: "Draw a function's control-flow graph with fuel marked (DOT or SVG)",
  help: `Usage: slackfuel cfg FILE [--fn NAME] [--format dot|svg] [-o OUT]

Draws the control-flow graph of one function of FILE as Graphviz DOT (default) or as SVG
(rendered by Graphviz compiled to WebAssembly; nothing to install). Each block is a box with
its parameters and its fuel: the constant fuel its increments charge ('fuel +N', in either
fuel form: Wasmtime's counter in memory or the pinned register), run-time-valued charges,
and fuel checks. Observation points have a double border: the entry block, blocks with
calls, returns. Loop headers are bold, back edges bold red, edges taken when a check finds
the fuel exhausted dashed. Unreachable blocks are grey. The output depends only on the input.

Options:
  --fn NAME          the function to draw (u0:3 or %name; the % may be left out); may be
                     omitted when FILE holds a single function
  --format dot|svg   output format (default dot)
  -o, --output OUT   write to OUT instead of standard output (- standard output)
  -h, --help         show this help

Examples:
  slackfuel cfg loop.clif
  slackfuel cfg dump.clif --fn u0:3 --format svg -o u0_3.svg`,
  async run(argv, io) {
    let values: { fn?: string; format?: string };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: { fn: { type: 'string' }, format: { type: 'string', default: 'dot' } },
      }));
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    if (positionals.length > 1) throw new UsageError(`give one CLIF file, got ${positionals.length}`);
    const parsed = optionsSchema.safeParse({ fn: values.fn, format: values.format, file: positionals[0] });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
    const options = parsed.data;

    let functions: Function[];
    try {
      functions = parse(await io.readInput(options.file)).functions;
    } catch (error) {
      if (error instanceof ClifParseError) io.err(error.format(options.file));
      else io.err(`slackfuel cfg: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    const names = functions.map((f) => formatFunctionName(f.name));
    let fn: Function | undefined;
    if (options.fn === undefined) {
      if (functions.length !== 1) {
        throw new InputError(`${options.file} holds ${functions.length} functions; choose one with --fn (${names.join(', ') || 'none'})`);
      }
      fn = functions[0];
    } else {
      const wanted = options.fn.startsWith('%') || /^u\d+:\d+$/.test(options.fn) ? options.fn : `%${options.fn}`;
      fn = functions.find((f) => formatFunctionName(f.name) === wanted);
      if (fn === undefined) {
        throw new InputError(`${options.file} has no function ${wanted} (functions: ${names.join(', ') || 'none'})`);
      }
    }
    const dot = cfgToDot(fn!);
    const text = options.format === 'svg' ? await dotToSvg(dot) : dot;
    io.out(text);
    return 0;
  },
};
