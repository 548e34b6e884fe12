import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError, type Command } from '../command.js';
import { DEFAULT_METERING, METERING_MODES_HELP } from '../metering-option.js';
import { parseSettingAssignments, runChecks, runtestTargets, type RunCheckResult } from '../../native/index.js';
import { NativeAddonError, SettingError, SlackfuelError } from '../../native/errors.js';
import { runFunction } from './run-function.js';

const optionsSchema = z.object({
  files: z.array(z.string()).min(1, 'give at least one CLIF file (or - for standard input)'),
});

function describe(file: string, result: RunCheckResult, tagged: boolean): string {
  const { command } = result;
  const where = `${file}:${command.line}: ${tagged ? `[${result.target}] ` : ''}${command.text}`;
  if (result.error !== undefined) return `${where} FAILED (${result.error})`;
  if (command.kind === 'print') return `${where} -> ${result.actual ?? ''}`;
  return result.ok ? `${where} ok` : `${where} FAILED (actual: ${result.actual ?? '?'})`;
}

export const runCommand: Command = {
  name: 'run',
  summary: "Execute the '; run:' checks of CLIF files, or run one function under a metering mode",
  help: `Usage: slackfuel run FILE... [--set NAME=VALUE]...
       slackfuel run FILE --fn NAME [--args A,B,...] [--fuel N]
                     [--metering MODE] [--passes LIST]
                     [--check-interval MS] [--check-max-interval MS] [--json]
                     [--set NAME=VALUE]...

Compiles each CLIF file for this machine with the native Cranelift JIT and executes the
checks written after its functions, as Cranelift's runtests do:

  ; run: %f(1, 2) == 3          call %f, compare the result bit for bit
  ; run: %f(7) == [1, 2]        several results
  ; run: %f(0) != 5             the result must differ
  ; print: %f(4)                call %f and print its results

Values are written as Cranelift writes them: integers up to i128 (decimal or 0x...),
floats f16 to f128 (0x1.8p1, -0.0, +Inf, +NaN, ...), vectors as [1 2 3 4].

Each 'target' line of the file runs every check once, with every 'set' line written
above it (a later one wins); without target lines the checks run once, on this host. A target this host cannot run (another architecture, or an ISA feature such as
has_avx512vl that the CPU lacks) is skipped and reported as skipped.

Every check is reported ('FILE:LINE: run: %f(1, 2) == 3 ok' or '... FAILED (...)'; with
several targets, 'FILE:LINE: [x86_64 has_avx] run: ...'), followed by a summary. A trap
is a failed check. Exit status: 0 if every check passed, 1 if any failed, 2 for bad usage.
The file's 'set' lines apply, then --set.

Second form (--fn): runs one Wasmtime-shaped function ((i64 vmctx, i64, params...) tail)
of FILE on the slackfuel runtime, on a wasm thread of its own, and prints its results and
the fuel it consumed. Out of fuel or a trap prints 'slackfuel run: trap: KIND: MESSAGE'.
Exit status: 0 when the function returned, 134 for OutOfFuel or a trap, 2 for bad usage.

${METERING_MODES_HELP}

Options:
  --fn NAME        the function to run (u0:0, %sum or sum)
  --args LIST      its arguments, comma-separated (repeatable): integers (decimal or 0x..)
                   or, for f32/f64, numbers
  --fuel N         the budget (the counter starts at -N); without it, effectively unlimited
  --metering MODE  the metering mode (above)
  --passes LIST    a pipeline replacing the mode's default, e.g. fuel-pinned,fuel-drop-checks
  --check-interval MS
                   slacked: the asynchronous checker's shortest period (default 1 ms)
  --check-max-interval MS
                   slacked: its longest period, used while the fuel rate it observes says
                   the budget cannot run out sooner (default 20 ms; equal to
                   --check-interval: a fixed period)
  --json           print one JSON object: {"results": [...], "fuelConsumed": N} or
                   {"error": "OutOfFuel" | "Trap", "message": ..., ...}
  --set NAME=VALUE a Cranelift setting (enable_pinned_reg=true, opt_level=speed, ...);
                   repeatable; NAME alone means NAME=true
  -h, --help       show this help

Examples:
  slackfuel run tests/fixtures/native/arithmetic.clif tests/fixtures/native/control.clif
  slackfuel run examples/wasmtime-fuel.clif --fn u0:0 --args 1000 --fuel 100000 --metering slacked --json`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        set: { type: 'string', multiple: true, default: [] },
        fn: { type: 'string' },
        args: { type: 'string', multiple: true, default: [] },
        fuel: { type: 'string' },
        metering: { type: 'string', default: DEFAULT_METERING },
        passes: { type: 'string' },
        json: { type: 'boolean', default: false },
        'check-interval': { type: 'string' },
        'check-max-interval': { type: 'string' },
      },
    });
    if (values.fn !== undefined) {
      if (positionals.length !== 1) throw new UsageError('run --fn takes exactly one FILE');
      return runFunction(
        {
          file: positionals[0]!,
          fn: values.fn,
          args: values.args,
          ...(values.fuel === undefined ? {} : { fuel: values.fuel }),
          metering: values.metering,
          ...(values.passes === undefined ? {} : { passes: values.passes }),
          json: values.json,
          ...(values['check-interval'] === undefined ? {} : { checkIntervalMs: values['check-interval'] }),
          ...(values['check-max-interval'] === undefined ? {} : { checkMaxIntervalMs: values['check-max-interval'] }),
        },
        parseSettingAssignments(values.set),
        io,
      );
    }
    const extra = (['fuel', 'passes', 'check-interval', 'check-max-interval'] as const).filter((k) => values[k] !== undefined);
    if (extra.length > 0 || values.json || values.args.length > 0) throw new UsageError(`--${extra[0] ?? (values.json ? 'json' : 'args')} needs --fn`);
    const parsed = optionsSchema.safeParse({ files: positionals });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('; '));
    const flags = parseSettingAssignments(values.set);
    let passed = 0;
    let failed = 0;
    for (const file of parsed.data.files) {
      const text = await io.readInput(file);
      let results: RunCheckResult[];
      try {
        results = runChecks(text, { flags });
      } catch (error) {
        // A file that cannot be read or compiled fails as a whole; the other files still run.
        // A bad setting (or no addon) stops the command.
        if (!(error instanceof SlackfuelError) || error instanceof SettingError || error instanceof NativeAddonError) throw error;
        io.out(`${file}: FAILED (${error.name}: ${error.message})\n`);
        failed += 1;
        continue;
      }
      if (results.length === 0) io.out(`${file}: no run commands\n`);
      const targets = runtestTargets(text);
      for (const target of targets) {
        if (target.skip !== undefined) io.out(`${file}: target ${target.description} skipped: ${target.skip}\n`);
      }
      // With several target lines, each check line says which target it ran on.
      const tagged = targets.length > 1;
      for (const result of results) {
        io.out(`${describe(file, result, tagged)}\n`);
        if (result.ok) passed += 1;
        else failed += 1;
      }
    }
    io.out(`${passed} of ${passed + failed} checks passed, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
  },
};
