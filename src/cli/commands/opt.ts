import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError, type Command, type CommandIO } from '../command.js';
import { headersForFunctions, usesPinnedRegister } from '../../abi/file-headers.js';
import { ClifParseError, formatFunctionName, parseEach, parseFunction, print, type Function } from '../../ir/index.js';
import { ClifSyntaxError, NativePassError } from '../../native/errors.js';
import { runNativePasses } from '../../native/native-passes.js';
import { jobsFor, jobsSchema, PipelinePool, splitFunctions } from '../../passes/parallel/index.js';
import { splitNativePrefix } from '../../wasm/native-prefix.js';
import {
  defaultRegistry,
  describeOptions,
  formatCharge,
  fuelCharges,
  PassManager,
  PassRunError,
  PipelineError,
  type FuelCharges,
} from '../../passes/index.js';

const optionsSchema = z.object({
  passes: z.string({ error: 'give a pipeline with --passes LIST' }).min(1, 'give a pipeline with --passes LIST'),
  annotate: z.boolean(),
  stats: z.boolean(),
  jobs: z.coerce.number().pipe(jobsSchema).optional(),
  /** --native-passes: true, --ts-passes: false, neither: Rust when it runs the whole pipeline. */
  nativePasses: z.boolean().optional(),
  files: z.array(z.string()).min(1, 'give at least one CLIF file (or - for standard input)'),
});

function listPasses(): string {
  return defaultRegistry
    .list()
    .map((p) => `${p.name}\n  ${p.description}\n${describeOptions(p).split('\n').slice(1).map((l) => `  ${l}`).join('\n') || '    (no options)'}`)
    .join('\n');
}

function statsLine(fn: Function, before: FuelCharges, after: FuelCharges, recorded: ReadonlyMap<string, number>): string {
  const where = before.form === 'memory' ? `counter ${before.location}` : before.form === 'pinned' ? 'counter in pinned register' : 'no fuel web';
  let line = `${formatFunctionName(fn.name)}: ${where}; static increments ${before.staticIncrements} -> ${after.staticIncrements}; checks ${before.checks} -> ${after.checks}`;
  for (const [key, value] of recorded) line += `; ${key} ${Number.isInteger(value) ? value : value.toFixed(3)}`;
  return `${line}\n`;
}

function annotated(fn: Function): string {
  const charges = fuelCharges(fn);
  return print(fn, {
    annotate: (block) => {
      const c = charges.blocks.get(block);
      return c === undefined ? undefined : formatCharge(c);
    },
  });
}

/**
 * Prints one file's result (after a blank line unless `first`). Functions are parsed, run and
 * printed one at a time, so only the text and one function are alive at once.
 */
function optFile(name: string, text: string, manager: PassManager, options: z.infer<typeof optionsSchema>, io: CommandIO, first: boolean): { ok: boolean; printed: boolean } {
  let ok = true;
  const printed: string[] = [];
  // One function that uses the pinned register, if any: all the header needs to know.
  let pinnedExample: Function | undefined;
  let headers: readonly string[];
  try {
    const file = parseEach(text);
    headers = file.headers;
    for (const fn of file.functions) {
      const before = options.stats ? fuelCharges(fn) : undefined;
      try {
        const result = manager.run(fn);
        if (before !== undefined) io.err(statsLine(fn, before, fuelCharges(fn), result.stats));
      } catch (error) {
        if (!(error instanceof PassRunError)) throw error;
        io.err(`${name}: ${error.message}\n`);
        ok = false;
        continue;
      }
      if (pinnedExample === undefined && usesPinnedRegister(fn)) pinnedExample = fn;
      printed.push(options.annotate ? annotated(fn) : print(fn));
    }
  } catch (error) {
    if (error instanceof ClifParseError) {
      io.err(error.format(name));
      return { ok: false, printed: false };
    }
    throw error;
  }
  // The output compiles as it is: code that now uses the pinned register says so in a header.
  const fileHeaders = headersForFunctions(headers, pinnedExample === undefined ? [] : [pinnedExample]);
  const parts = fileHeaders.length > 0 && printed.length > 0 ? [`${fileHeaders.join('\n')}\n`, ...printed] : printed;
  if (parts.length > 0) io.out((first ? '' : '\n') + parts.join('\n'));
  return { ok, printed: parts.length > 0 };
}

/**
 * The same result as `optFile`, with the functions run on worker threads. Null when a text
 * does not parse: the caller then runs the file serially, which reports the error exactly.
 */
async function optFileParallel(name: string, text: string, pool: PipelinePool, io: CommandIO, first: boolean): Promise<{ ok: boolean; printed: boolean } | null> {
  const split = splitFunctions(text);
  let headers: readonly string[];
  try {
    headers = parseEach(split.headers).headers;
  } catch (error) {
    if (error instanceof ClifParseError) return null;
    throw error;
  }
  const results = await pool.run(split.functions, split.headers);
  if (results.some((r) => r.kind === 'parse-error')) return null;
  let ok = true;
  const printed: string[] = [];
  let pinnedExample: string | undefined;
  for (const r of results) {
    if (r.kind !== 'functions') continue;
    for (const f of r.functions) {
      if (!f.ok) {
        io.err(`${name}: ${new PassRunError(f.pass, f.function, new Error(f.message)).message}\n`);
        ok = false;
        continue;
      }
      if (pinnedExample === undefined && f.pinned) pinnedExample = f.text;
      printed.push(f.text);
    }
  }
  const example = pinnedExample === undefined ? [] : [parseFunction(split.headers + pinnedExample)];
  const fileHeaders = headersForFunctions(headers, example);
  const parts = fileHeaders.length > 0 && printed.length > 0 ? [`${fileHeaders.join('\n')}\n`, ...printed] : printed;
  if (parts.length > 0) io.out((first ? '' : '\n') + parts.join('\n'));
  return { ok, printed: parts.length > 0 };
}

export const optCommand: Command = {
  name: 'opt',
  summary: 'Run a pipeline of passes (fuel-pinned, fuel-drop-checks, fuel-place, ...) over CLIF',
  help: `Usage: slackfuel opt --passes LIST [--annotate] [--stats] [--native-passes] FILE...
       slackfuel opt --list

Parses each CLIF file, runs the pipeline LIST over every function and prints the result in
Cranelift's canonical form (header lines first, then the functions). '-' reads standard
input. A function a pass cannot handle (for example a fuel web that cannot be proven) is
reported as FILE: PASS failed on FUNCTION: REASON and left out; the exit code is then 1.

Pipeline syntax: pass names separated by commas, each optionally followed by options in
braces: name{key=value,key=value}. Values are JSON (numbers, true/false, "strings") or bare
words; lists are written [a,b]. Keys may be kebab-case. A JSON object also works:
name{"key": value}.

Passes:
  remove-unreachable   remove blocks not reachable from the entry
  dce                  remove unused instructions without side effects
  merge-blocks         thread jump-only blocks, merge blocks into their single predecessor
  fuel-pinned          keep the fuel counter in the pinned register (get/set_pinned_reg)
  fuel-drop-checks     remove fuel checks and their out-of-gas paths
  fuel-place           re-place constant increments (when the placement pass is built in)
  fuel-counted-loops   after fuel-place: charge counted loops once on entry (guarded copy)
  fuel-strip           remove all fuel metering (the unmetered baseline)
  epoch-insert         insert Wasmtime-style epoch checks at entry and loop headers

Options:
  --passes LIST   the pipeline (required)
  --annotate      add a '; fuel +N (K increments)' note under each block that charges fuel
  --stats         print per function, on standard error: where the counter lives, static
                  increments and checks before -> after, and the figures passes record
  --jobs N        run the functions on N worker threads (1: in this thread); default: one
                  per core for files of 16 MB and more, else 1. The output is the same.
                  --stats and --annotate run in this thread.
  --native-passes run the pipeline's leading fuel-pinned, fuel-drop-checks, fuel-place,
                  fuel-counted-loops (plain names, no options) in Rust inside the native addon,
                  on Cranelift's own functions; the rest runs here. The same code (value numbers
                  of what later passes add may differ); a function they refuse fails its whole
                  file. By default a pipeline made only of those, fuel-pinned first, runs in Rust
                  (the same text) unless --stats or --annotate is given; a function the Rust
                  passes refuse, or text Cranelift's reader cannot read, then runs here
  --ts-passes     run every pass here, in TypeScript (the reference)
  --list          list the available passes with their options, then exit
  -h, --help      show this help

Examples:
  slackfuel opt --passes fuel-pinned,fuel-drop-checks dump/wasm_func_3.clif
  slackfuel opt --passes 'fuel-pinned{location=wasmtime-2022}' old-dump.clif
  slackfuel opt --passes 'fuel-pinned{non-pinned=[u805306368:*,%*],indirect=non-pinned}' f.clif
  slackfuel opt --passes fuel-pinned,fuel-drop-checks,fuel-place --stats --annotate f.clif`,
  async run(argv, io) {
    let values: { passes?: string; annotate?: boolean; stats?: boolean; list?: boolean; jobs?: string; 'native-passes'?: boolean; 'ts-passes'?: boolean };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: {
          passes: { type: 'string' },
          annotate: { type: 'boolean', default: false },
          stats: { type: 'boolean', default: false },
          list: { type: 'boolean', default: false },
          jobs: { type: 'string' },
          'native-passes': { type: 'boolean', default: false },
          'ts-passes': { type: 'boolean', default: false },
        },
      }));
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    if (values.list === true) {
      io.out(`${listPasses()}\n`);
      return 0;
    }
    const parsed = optionsSchema.safeParse({
      passes: values.passes,
      annotate: values.annotate,
      stats: values.stats,
      jobs: values.jobs,
      nativePasses: values['native-passes'] === true ? true : values['ts-passes'] === true ? false : undefined,
      files: positionals,
    });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
    const options = parsed.data;
    if (values['native-passes'] === true && values['ts-passes'] === true) throw new UsageError('give --native-passes or --ts-passes, not both');
    if (options.nativePasses === true && options.stats) throw new UsageError('--stats counts what the TypeScript passes do: give --stats or --native-passes, not both');
    // The pipeline's leading native passes run in Rust first: with --native-passes, or by
    // default when they are the whole pipeline and nothing asks for the TypeScript passes' notes.
    const whole = splitNativePrefix(options.passes);
    // Only pipelines that start from Wasmtime's form (fuel-pinned first), the shape the Rust
    // passes are compared on; a refusal or unreadable text falls back to the TypeScript passes,
    // whose diagnostics are the reference.
    const byDefault = options.nativePasses === undefined && whole.rest === '' && whole.native.startsWith('fuel-pinned') && !options.stats && !options.annotate;
    const split = options.nativePasses === true || byDefault ? whole : { native: '', rest: options.passes };
    let manager: PassManager;
    let tsOnly: PassManager;
    try {
      tsOnly = PassManager.build(options.passes);
      manager = split.native === '' ? tsOnly : PassManager.build(split.rest === '' ? [] : split.rest);
    } catch (error) {
      if (error instanceof PipelineError) throw new UsageError(error.message);
      throw error;
    }
    let ok = true;
    let first = true;
    // Started on the first file that is worth it, shared by the rest.
    let pool: PipelinePool | undefined;
    try {
      for (const name of options.files) {
        let text: string;
        try {
          text = await io.readInput(name);
        } catch (error) {
          io.err(`slackfuel opt: ${error instanceof Error ? error.message : String(error)}\n`);
          ok = false;
          continue;
        }
        let fileManager = manager;
        let native = split.native !== '';
        if (native) {
          try {
            const out = runNativePasses(text, split.native);
            text = [splitFunctions(text).headers, ...out.functions].join('\n');
          } catch (error) {
            if (!(error instanceof NativePassError || error instanceof ClifSyntaxError)) throw error;
            if (byDefault) {
              native = false;
              fileManager = tsOnly;
            } else {
              io.err(`${name}: ${error.message}\n`);
              ok = false;
              continue;
            }
          }
        }
        const jobs = options.stats || options.annotate || native ? 1 : jobsFor(text.length, options.jobs);
        if (jobs > 1) pool ??= new PipelinePool(options.passes, jobs);
        const parallel = jobs > 1 && pool !== undefined ? await optFileParallel(name, text, pool, io, first) : null;
        const result = parallel ?? optFile(name, text, fileManager, options, io, first);
        ok &&= result.ok;
        if (result.printed) first = false;
      }
    } finally {
      await pool?.close();
    }
    return ok ? 0 : 1;
  },
};
