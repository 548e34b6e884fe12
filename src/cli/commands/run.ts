import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError, type Command } from '../command.js';
import { parseSettingAssignments, runChecks, type RunCheckResult } from '../../native/index.js';

const optionsSchema = z.object({
  files: z.array(z.string()).min(1, 'give at least one CLIF file (or - for standard input)'),
});

function describe(file: string, result: RunCheckResult): string {
  const { command } = result;
  const where = `${file}:${command.line}: ${command.text}`;
  if (result.error !== undefined) return `${where} FAILED (${result.error})`;
  if (command.kind === 'print') return `${where} -> ${result.actual ?? ''}`;
  return result.ok ? `${where} ok` : `${where} FAILED (actual: ${result.actual ?? '?'})`;
}

export const runCommand: Command = {
  name: 'run',
  summary: "Execute the '; run:' checks written in CLIF files on the JIT",
  help: `Usage: slackfuel run FILE... [--set NAME=VALUE]...

Compiles each CLIF file for this machine with the native Cranelift JIT and executes the
checks written after its functions, as Cranelift's runtests do:

  ; run: %f(1, 2) == 3          call %f, compare the result bit for bit
  ; run: %f(7) == [1, 2]        several results
  ; run: %f(0) != 5             the result must differ
  ; print: %f(4)                call %f and print its results

Every check is reported ('FILE:LINE: run: %f(1, 2) == 3 ok' or '... FAILED (...)'),
followed by a summary. A trap is a failed check. Exit status: 0 if every check passed,
1 if any failed, 2 for bad usage. The file's 'set' lines apply, then --set.

Options:
  --set NAME=VALUE a Cranelift setting (enable_pinned_reg=true, opt_level=speed, ...);
                   repeatable; NAME alone means NAME=true
  -h, --help       show this help

Example:
  slackfuel run tests/fixtures/native/arithmetic.clif tests/fixtures/native/control.clif`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { set: { type: 'string', multiple: true, default: [] } },
    });
    const parsed = optionsSchema.safeParse({ files: positionals });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
    const flags = parseSettingAssignments(values.set);
    let passed = 0;
    let failed = 0;
    for (const file of parsed.data.files) {
      const text = await io.readInput(file);
      const results = runChecks(text, { flags });
      if (results.length === 0) io.out(`${file}: no run commands\n`);
      for (const result of results) {
        io.out(`${describe(file, result)}\n`);
        if (result.ok) passed += 1;
        else failed += 1;
      }
    }
    io.out(`${passed} of ${passed + failed} checks passed, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
  },
};
