import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError, type Command } from '../command.js';
import { ClifParseError, modernize, ModernizeError, parse, print, type ClifFile } from '../../ir/index.js';

const optionsSchema = z.object({
  check: z.boolean(),
  modernize: z.boolean(),
  files: z.array(z.string()).min(1, 'give at least one CLIF file (or - for standard input)'),
});

function printAll(file: ClifFile): string {
  return file.functions.map((fn) => print(fn)).join('');
}

export const printCommand: Command = {
  name: 'print',
  summary: 'Print every function of CLIF files in Cranelift canonical form',
  help: `Usage: slackfuel print [--check] [--modernize] FILE...

Parses each CLIF file (header lines plus any number of functions, current or legacy
dialect) and prints every function exactly as Cranelift's writer prints it, one after
the other. '-' reads standard input. Parse errors are reported as FILE:LINE:COL with
the offending line; the command then continues with the next file and exits 1.

Options:
  --check       print nothing but verify, per file, that printing is idempotent:
                print(parse(print(parse(x)))) === print(parse(x)). Lists the files that
                fail (or do not parse) and exits 1 if there are any.
  --modernize   rewrite legacy-dialect instructions (iadd_imm, icmp_imm, band_not,
                stack_load, global_value, brz/brnz, ...) into current Cranelift first,
                so the output is accepted by the bundled Cranelift
  -h, --help    show this help

Examples:
  slackfuel print examples/wasmtime-fuel.clif
  slackfuel print --modernize old-dump.clif > current.clif
  slackfuel print --check tests/fixtures/ir/*.clif`,
  async run(argv, io) {
    let values: { check?: boolean; modernize?: boolean };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: { check: { type: 'boolean', default: false }, modernize: { type: 'boolean', default: false } },
      }));
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const parsed = optionsSchema.safeParse({ check: values.check, modernize: values.modernize, files: positionals });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
    const options = parsed.data;

    const failed: string[] = [];
    for (const name of options.files) {
      let text: string;
      try {
        text = await io.readInput(name);
      } catch (error) {
        io.err(`slackfuel print: ${error instanceof Error ? error.message : String(error)}\n`);
        failed.push(name);
        continue;
      }
      try {
        const file = parse(text);
        if (options.modernize) for (const fn of file.functions) modernize(fn);
        const once = printAll(file);
        if (options.check) {
          if (printAll(parse(once)) !== once) {
            io.out(`${name}: printing is not idempotent\n`);
            failed.push(name);
          }
        } else {
          io.out(once);
        }
      } catch (error) {
        if (error instanceof ClifParseError) io.err(error.format(name));
        else if (error instanceof ModernizeError) io.err(`${name}: cannot modernize: ${error.message}\n`);
        else throw error;
        failed.push(name);
      }
    }
    if (options.check) {
      io.out(`checked ${options.files.length} file${options.files.length === 1 ? '' : 's'}: ${failed.length} failed\n`);
      for (const name of failed) io.out(`FAIL ${name}\n`);
    }
    return failed.length === 0 ? 0 : 1;
  },
};
