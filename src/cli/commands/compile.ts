import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError, type Command } from '../command.js';
import { compile, isaSchema, optLevelSchema, parseSettingAssignments } from '../../native/index.js';

const optionsSchema = z.object({
  isa: isaSchema,
  opt: optLevelSchema.optional(),
  disasm: z.boolean(),
  files: z.array(z.string()).min(1, 'give at least one CLIF file (or - for standard input)'),
});

export const compileCommand: Command = {
  name: 'compile',
  summary: 'Compile CLIF functions with Cranelift and print their code size (and disassembly)',
  help: `Usage: slackfuel compile FILE... [--isa x86_64|aarch64] [--opt none|speed|speed_and_size]
                         [--set NAME=VALUE]... [--disasm]

Compiles every function of each CLIF file with the native Cranelift backend, like
clif-util's compile, and prints each function's machine-code size in bytes. aarch64 is
compiled as a cross target, so its sizes can be compared with x86_64's on any machine.
The file's own 'set' lines apply first, then --opt, then --set.

Options:
  --isa ISA        target: x86_64 (default) or aarch64
  --opt LEVEL      Cranelift opt_level: none, speed or speed_and_size
  --set NAME=VALUE a Cranelift setting, shared (enable_pinned_reg=true) or ISA-specific
                   (has_avx=true); repeatable; NAME alone means NAME=true
  --disasm         also print Cranelift's disassembly (VCode) of each function
  -h, --help       show this help

Examples:
  slackfuel compile examples/wasmtime-fuel.clif --isa aarch64 --disasm
  slackfuel compile a.clif b.clif --set enable_pinned_reg=true --opt speed`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        isa: { type: 'string', default: 'x86_64' },
        opt: { type: 'string' },
        set: { type: 'string', multiple: true, default: [] },
        disasm: { type: 'boolean', default: false },
      },
    });
    const parsed = optionsSchema.safeParse({ isa: values.isa, opt: values.opt, disasm: values.disasm, files: positionals });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
    const options = parsed.data;
    const flags = parseSettingAssignments(values.set);
    for (const file of options.files) {
      const text = await io.readInput(file);
      const functions = compile(text, { isa: options.isa, optLevel: options.opt, flags });
      io.out(`${file}: ${options.isa}\n`);
      for (const f of functions) {
        io.out(`  ${f.name}: ${f.codeSize} bytes\n`);
        if (options.disasm) {
          const listing = f.disassembly.trimEnd().split('\n').map((line) => `      ${line}`);
          io.out(`${listing.join('\n')}\n`);
        }
      }
    }
    return 0;
  },
};
