import { statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isatty } from 'node:tty';
import { z } from 'zod';
import { UsageError, type Command } from '../command.js';
import { meteringModeSchema } from '../../runtime/metering.js';
import { runWasi } from '../../wasi/run.js';
import { loadFuelCosts, type FuelCosts } from '../../wasm/fuel-costs.js';

const optionsSchema = z.object({
  metering: meteringModeSchema,
  fuel: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  dir: z.array(z.string().min(1)),
  dirWrite: z.array(z.string().min(1)),
  invoke: z.string().min(1),
  report: z.string().min(1).optional(),
  env: z.array(z.string().regex(/^[^=]+=/, 'use --env NAME=VALUE')),
  checkInterval: z.coerce.number().positive().max(60_000).optional(),
  checkMaxInterval: z.coerce.number().positive().max(60_000).optional(),
  profileOut: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  maxMemory: z.coerce.number().int().nonnegative().max(2 ** 32).optional(),
  maxTableElements: z.coerce.number().int().nonnegative().max(2 ** 32).optional(),
  maxWasmStack: z.coerce.number().int().min(16 * 1024).max(2 ** 30).optional(),
  memoryReservation: z.coerce.number().int().nonnegative().max(2 ** 32).optional(),
  memoryGuardSize: z.coerce.number().int().nonnegative().max(2 ** 31).multipleOf(65536).optional(),
  fuelCosts: z.string().min(1).optional(),
  file: z.string().min(1, 'give the .wasm file'),
  args: z.array(z.string()),
});

const VALUE_OPTIONS = new Set(['--metering', '--fuel', '--dir', '--dir-write', '--invoke', '--report', '--env', '--check-interval', '--check-max-interval', '--profile-out', '--profile', '--max-memory', '--max-table-elements', '--max-wasm-stack', '--memory-reservation', '--memory-guard-size', '--fuel-costs']);

/** Options may appear anywhere before `--`; everything after it goes to the program verbatim. */
function split(argv: readonly string[]): { values: Map<string, string[]>; positionals: string[] } {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_OPTIONS.has(name)) {
      const value = name === arg ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else if (arg.startsWith('--') && positionals.length === 0) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positionals.push(arg);
    }
  }
  return { values, positionals };
}

/**
 * `--dir HOST[::GUEST]` as the wasmtime CLI spells it: HOST preopened under the name GUEST
 * (default: HOST as written). Checked here, so a missing directory is a usage error at startup.
 */
function parseDir(spec: string, flag: string, writable: boolean): { host: string; guest: string; writable: boolean } {
  const sep = spec.indexOf('::');
  const host = sep < 0 ? spec : spec.slice(0, sep);
  const guest = sep < 0 ? spec : spec.slice(sep + 2);
  if (host === '' || guest === '') throw new UsageError(`${flag} ${spec}: give HOST or HOST::GUEST`);
  let isDir: boolean;
  try {
    isDir = statSync(host).isDirectory();
  } catch {
    throw new UsageError(`${flag} ${spec}: ${host} does not exist`);
  }
  if (!isDir) throw new UsageError(`${flag} ${spec}: ${host} is not a directory`);
  return { host: resolve(host), guest, writable };
}

export const runWasmCommand: Command = {
  name: 'run-wasm',
  summary: 'Run a WASI program (wasm32-wasi) on the slackfuel runtime under a metering mode',
  help: `Usage: slackfuel run-wasm FILE.wasm [ARGS...] [--metering MODE] [--fuel N] [--dir HOST[::GUEST]]... [--dir-write HOST[::GUEST]]...
                          [--invoke NAME] [--report PATH] [--env NAME=VALUE]...
                          [--check-interval MS] [--check-max-interval MS]
                          [--profile-out PATH | --profile PATH] [--max-memory BYTES]
                          [--max-table-elements N] [--max-wasm-stack BYTES]
                          [--memory-reservation BYTES] [--memory-guard-size BYTES]
                          [--fuel-costs FILE.json] [-- ARGS...]

Translates FILE.wasm with slackfuel's front end, compiles it for the metering mode and runs
_start (or --invoke NAME) with a WASI preview1 subset (stdio, args, environment, clocks,
random, poll_oneoff, proc_exit, files under the preopened directories, read-only unless
--dir-write, sandboxed against escapes by .., absolute paths and symlinks) plus bench.start/bench.end.
The program's stdout and stderr pass through and its exit code becomes ours; a trap or
running out of fuel exits with 134 and a message on stderr. The program sees
argv = [basename(FILE), ARGS...]; arguments that look like options go after '--'.

Options:
  --metering MODE      none, vanilla (default), slacked, count or epoch
  --fuel N             fuel budget (vanilla, slacked); default: unlimited
  --dir HOST[::GUEST]  preopen directory HOST read-only, named GUEST in the program (default:
                       HOST as written); repeatable; without any --dir or --dir-write, "."
                       is preopened read-only
  --dir-write HOST[::GUEST]
                       the same, with write access (create, write, rename, remove beneath
                       it); these come after the --dir preopens in fd order
  --invoke NAME        exported function to run instead of _start (no arguments)
  --profile-out PATH   slacked, count: measure the edge profile (a counter on every CFG edge of
                       the code fuel-place works on) and write it to PATH as JSON, the format
                       fuel-place{profile=PATH} reads
  --profile PATH       slacked, count: place the increments by this edge profile (fuel-place
                       with profile=PATH) instead of the static frequency estimate
  --report PATH        write {"exitCode", "fuelConsumed", "error"} as JSON to PATH; error is
                       null, "OutOfFuel" or the wasm trap kind
  --env NAME=VALUE     environment variable for the program (repeatable; default: none)
  --max-memory BYTES   linear memory the guest may have: a larger minimum fails to instantiate,
                       memory.grow past it returns -1 (default: the module's own maximum)
  --max-table-elements N
                       elements per table, likewise (default 10000000)
  --max-wasm-stack BYTES
                       stack wasm may use before it traps with stack_exhaustion (default
                       524288, Wasmtime's)
  --memory-reservation BYTES
                       address space reserved per linear memory (default 4294967296, as
                       Wasmtime): below 4 GiB every access gets an explicit bounds check
  --memory-guard-size BYTES
                       inaccessible bytes behind it (default 33554432, a multiple of 65536):
                       accesses whose offset + size fit it get no check
  --fuel-costs FILE.json
                       vanilla, slacked, count: the fuel each operator costs, as Wasmtime's
                       Config::operator_cost: a JSON object keyed by Wasmtime's operator names,
                       e.g. {"I32Add": 2, "Call": 5, "variable": {"memory_copy_per_byte": 2}};
                       unset entries keep Wasmtime's defaults
  --check-interval MS  slacked: the asynchronous fuel checker's shortest period (default 1)
  --check-max-interval MS
                       slacked: its longest period, used while the fuel rate it observes says
                       the budget cannot run out sooner (default 20; equal to
                       --check-interval: a fixed period)
  -h, --help           show this help

Examples:
  slackfuel run-wasm tests/fixtures/wasi/wasm/hello.wasm --metering slacked
  slackfuel run-wasm bench/wasm/nbody.wasm 1000 --metering vanilla --fuel 100000000 --report r.json
  slackfuel run-wasm prog.wasm --dir data -- --flag=3
  slackfuel run-wasm bench/wasm/fib.wasm 30 --metering count --profile-out fib.profile.json
  slackfuel run-wasm bench/wasm/fib.wasm 30 --metering slacked --profile fib.profile.json`,
  async run(argv, io) {
    const { values, positionals } = split(argv);
    const one = (name: string) => values.get(name)?.at(-1);
    const parsed = optionsSchema.safeParse({
      metering: one('--metering') ?? 'vanilla',
      fuel: one('--fuel'),
      // Without any preopen flag, "." is preopened read-only (unlike wasmtime, which preopens none).
      dir: values.get('--dir') ?? (values.has('--dir-write') ? [] : ['.']),
      dirWrite: values.get('--dir-write') ?? [],
      invoke: one('--invoke') ?? '_start',
      report: one('--report'),
      env: values.get('--env') ?? [],
      checkInterval: one('--check-interval'),
      checkMaxInterval: one('--check-max-interval'),
      profileOut: one('--profile-out'),
      profile: one('--profile'),
      maxMemory: one('--max-memory'),
      maxTableElements: one('--max-table-elements'),
      maxWasmStack: one('--max-wasm-stack'),
      memoryReservation: one('--memory-reservation'),
      memoryGuardSize: one('--memory-guard-size'),
      fuelCosts: one('--fuel-costs'),
      file: positionals[0] ?? '',
      args: positionals.slice(1),
    });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
    const o = parsed.data;
    if (o.profileOut !== undefined && o.profile !== undefined) throw new UsageError('--profile-out measures a profile, --profile places by one: give one of them');
    if ((o.profileOut !== undefined || o.profile !== undefined) && o.metering !== 'slacked' && o.metering !== 'count') {
      throw new UsageError('--profile-out and --profile apply to --metering slacked or count');
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(o.file);
    } catch (error) {
      throw new UsageError(`cannot read ${o.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    let fuelCosts: FuelCosts | undefined;
    try {
      fuelCosts = o.fuelCosts === undefined ? undefined : await loadFuelCosts(o.fuelCosts);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const stdout = new TextDecoder();
    const stderr = new TextDecoder();
    const env = Object.fromEntries(o.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const report = await runWasi(bytes, {
      metering: o.metering,
      fuel: o.fuel,
      args: o.args,
      programName: o.file,
      env,
      dirs: [...o.dir.map((d) => parseDir(d, '--dir', false)), ...o.dirWrite.map((d) => parseDir(d, '--dir-write', true))],
      invoke: o.invoke,
      terminals: [isatty(0), isatty(1), isatty(2)],
      stdout: (b) => io.out(stdout.decode(b, { stream: true })),
      stderr: (b) => io.err(stderr.decode(b, { stream: true })),
      ...(o.checkInterval === undefined ? {} : { checkIntervalMs: o.checkInterval }),
      ...(o.checkMaxInterval === undefined ? {} : { checkMaxIntervalMs: o.checkMaxInterval }),
      measureProfile: o.profileOut !== undefined,
      ...(o.profile === undefined ? {} : { profile: resolve(o.profile) }),
      limits: {
        ...(o.maxMemory === undefined ? {} : { maxMemoryBytes: o.maxMemory }),
        ...(o.maxTableElements === undefined ? {} : { maxTableElements: o.maxTableElements }),
      },
      ...(o.maxWasmStack === undefined ? {} : { maxWasmStack: o.maxWasmStack }),
      ...(o.memoryReservation === undefined ? {} : { memoryReservation: o.memoryReservation }),
      ...(o.memoryGuardSize === undefined ? {} : { memoryGuardSize: o.memoryGuardSize }),
      ...(fuelCosts === undefined ? {} : { fuelCosts }),
    });
    if (o.profileOut !== undefined && report.profile !== null) {
      await writeFile(o.profileOut, `${JSON.stringify(report.profile, null, 1)}\n`);
      if (report.error !== null) io.err(`slackfuel: the profile in ${o.profileOut} covers the run up to the ${report.error}\n`);
    }
    io.out(stdout.decode());
    io.err(stderr.decode());
    if (report.message !== null) io.err(`slackfuel: ${report.error}: ${report.message}\n`);
    if (o.report !== undefined) {
      await writeFile(o.report, `${JSON.stringify({ exitCode: report.exitCode, fuelConsumed: report.fuelConsumed, error: report.error })}\n`);
    }
    return report.exitCode;
  },
};
