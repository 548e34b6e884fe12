import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError, type Command } from '../command.js';
import { ClifParseError, formatFunctionName, parse, type Function } from '../../ir/index.js';
import { checkFuel, formatFuelCheck, type FuelCheckResult } from '../../passes/fuel/check/index.js';

const optionsSchema = z.object({
  fn: z.string().min(1).optional(),
  json: z.boolean(),
  observeTraps: z.boolean(),
  files: z.tuple([z.string(), z.string()], { message: 'give exactly two files: BEFORE AFTER' }),
});

interface PairReport {
  readonly function: string;
  readonly result: FuelCheckResult | { readonly ok: false; readonly reason: 'unpaired'; readonly message: string };
}

export const checkFuelCommand: Command = {
  name: 'check-fuel',
  summary: 'Prove that a rewritten function charges the same fuel as the original',
  help: `Usage: slackfuel check-fuel BEFORE AFTER [--fn NAME] [--json] [--observe-traps]

Proves, for every function of BEFORE and the function of the same name in AFTER, that both
charge the same fuel on every path between observation points (function entry, before and
after each call, returns) and that every increment of AFTER is non-negative. The two may use
different fuel forms: typically BEFORE is Wasmtime-shaped (counter in memory through vmctx,
compare-and-branch checks with out-of-gas paths) and AFTER is the output of
'slackfuel opt --passes fuel-pinned,fuel-drop-checks,fuel-place' (pinned register, no checks,
increments moved). Non-fuel code must correspond instruction for instruction.

For each pair the command prints 'proven', or a counterexample: two walks, one per function,
between the same observation points, with the fuel each charges; or a negative increment; or,
when the non-fuel code differs or a fuel shape is not understood, a diagnostic naming the
instructions. Method and limits: docs/check-fuel.md.

Exit status: 0 when every pair is proven, 1 otherwise (or when a file does not parse or a
function has no counterpart), 2 on bad usage.

Options:
  --fn NAME          check only the function NAME (as written: u0:3 or %name, with or
                     without the % sign)
  --json             print one JSON array of {function, result} instead of text
  --observe-traps    traps are observation points too (the counter must be exact there)
  -h, --help         show this help

Examples:
  slackfuel check-fuel wasmtime-dump.clif rewritten.clif
  slackfuel check-fuel --fn u0:3 --json before.clif after.clif`,
  async run(argv, io) {
    let values: { fn?: string; json?: boolean; 'observe-traps'?: boolean };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: { fn: { type: 'string' }, json: { type: 'boolean', default: false }, 'observe-traps': { type: 'boolean', default: false } },
      }));
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const parsed = optionsSchema.safeParse({ fn: values.fn, json: values.json, observeTraps: values['observe-traps'], files: positionals });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
    const options = parsed.data;

    const load = async (path: string): Promise<Function[] | undefined> => {
      try {
        return parse(await io.readInput(path)).functions;
      } catch (error) {
        if (error instanceof ClifParseError) io.err(error.format(path));
        else io.err(`slackfuel check-fuel: ${error instanceof Error ? error.message : String(error)}\n`);
        return undefined;
      }
    };
    const [beforePath, afterPath] = options.files;
    const before = await load(beforePath);
    const after = await load(afterPath);
    if (before === undefined || after === undefined) return 1;

    const wanted = options.fn === undefined ? undefined : options.fn.startsWith('%') || /^u\d+:\d+$/.test(options.fn) ? options.fn : `%${options.fn}`;
    const named = (fns: Function[]) => new Map(fns.map((f) => [formatFunctionName(f.name), f]));
    const beforeByName = named(before);
    const afterByName = named(after);
    const names = wanted === undefined ? [...beforeByName.keys(), ...[...afterByName.keys()].filter((n) => !beforeByName.has(n))] : [wanted];
    if (names.length === 0) {
      io.err(`${beforePath}: no functions\n`);
      return 1;
    }
    const reports: PairReport[] = names.map((name) => {
      const b = beforeByName.get(name);
      const a = afterByName.get(name);
      if (b === undefined || a === undefined) {
        const missing = b === undefined ? beforePath : afterPath;
        return { function: name, result: { ok: false, reason: 'unpaired', message: `function ${name} is not in ${missing}` } };
      }
      return { function: name, result: checkFuel(b, a, { observeTraps: options.observeTraps }) };
    });
    if (options.json) io.out(`${JSON.stringify(reports, null, 2)}\n`);
    else {
      for (const r of reports) {
        if (r.result.ok || r.result.reason !== 'unpaired') io.out(formatFuelCheck(r.function, r.result));
        else io.out(`${r.function}: ${r.result.message}\n`);
      }
      const proven = reports.filter((r) => r.result.ok).length;
      io.out(`${proven} of ${reports.length} function${reports.length === 1 ? '' : 's'} proven\n`);
    }
    return reports.every((r) => r.result.ok) ? 0 : 1;
  },
};
