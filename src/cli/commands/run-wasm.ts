// `slackfuel run-wasm`: runs a WASI program the way `wasmtime run` does: slackfuel's options
// come first, then the module, and everything after the module belongs to the program.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isatty } from 'node:tty';
import { z } from 'zod';
import { GuestTrapError, InputError, UsageError, type Command } from '../command.js';
import { DEFAULT_METERING, enforcesBudget, METERING_MODES_HELP, meteringOptionSchema, meteringSpec } from '../metering-option.js';
import { specCompileOptions } from '../../bench/modes.js';
import { fuelCostsOption } from '../fuel-costs-option.js';
import { writeNamed } from '../output.js';
import { runWasi } from '../../wasi/run.js';
import { defaultCacheDir } from '../../wasm/compile-cache.js';

const optionsSchema = z.object({
  metering: meteringOptionSchema,
  fuel: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  dir: z.array(z.string().min(1)),
  dirWrite: z.array(z.string().min(1)),
  invoke: z.string().min(1),
  preload: z.array(z.string().regex(/^[^=]+=./, 'use --preload NAME=FILE.wasm')),
  report: z.string().min(1).optional(),
  output: z.string().min(1).optional(),
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
  cacheDir: z.string().min(1).optional(),
  noCache: z.boolean(),
  deterministic: z.boolean(),
  /** --native-passes: true, --ts-passes: false, neither: the default (Rust when it runs the whole pipeline). */
  nativePasses: z.boolean().optional(),
  jobs: z.coerce.number().int().min(1).max(256).optional(),
  threads: z.coerce.number().int().nonnegative().max(256).optional(),
  file: z.string().min(1, 'give the .wasm file (or - for standard input)'),
  args: z.array(z.string()),
});

const VALUE_OPTIONS = new Set([
  '--metering',
  '--fuel',
  '--dir',
  '--dir-write',
  '--invoke',
  '--preload',
  '--report',
  '--env',
  '--check-interval',
  '--check-max-interval',
  '--profile-out',
  '--profile',
  '--max-memory',
  '--max-table-elements',
  '--max-wasm-stack',
  '--memory-reservation',
  '--memory-guard-size',
  '--cache-dir',
  '--jobs',
  '--threads',
  '--fuel-costs',
  '--output',
  '-o',
  '-W',
]);

/** Options that take no value. */
const FLAG_OPTIONS = new Set(['--no-cache', '--deterministic', '--native-passes', '--ts-passes']);

/** `wasmtime run -W KEY=VALUE` keys slackfuel understands, and the option each stands for. */
const W_OPTIONS: Readonly<Record<string, string>> = {
  fuel: '--fuel',
  'max-memory-size': '--max-memory',
  'max-table-elements': '--max-table-elements',
  'max-wasm-stack': '--max-wasm-stack',
  'memory-reservation': '--memory-reservation',
  'memory-guard-size': '--memory-guard-size',
};

interface SplitArgs {
  readonly values: Map<string, string[]>;
  readonly file: string | undefined;
  readonly args: string[];
  readonly help: boolean;
}

/** `-W fuel=N,max-wasm-stack=M`: each KEY=VALUE becomes the option it stands for. */
function addW(values: Map<string, string[]>, list: string): void {
  for (const item of list.split(',')) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const option = W_OPTIONS[key];
    if (option === undefined) throw new UsageError(`-W ${key}: not supported (slackfuel takes -W ${Object.keys(W_OPTIONS).join('=N, -W ')}=N)`);
    if (eq < 0 || eq === item.length - 1) throw new UsageError(`-W ${key} needs a value: -W ${key}=N`);
    values.set(option, [...(values.get(option) ?? []), item.slice(eq + 1)]);
  }
}

/**
 * Options come before the module; the first argument that is not an option (or the one after
 * `--`) is the module, and every argument after it goes to the program verbatim.
 */
function split(argv: readonly string[]): SplitArgs {
  const values = new Map<string, string[]>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return { values, file: argv[i + 1], args: argv.slice(i + 2), help };
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const attached = arg.startsWith('-W') && arg.length > 2 ? '-W' : arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (FLAG_OPTIONS.has(arg)) {
      values.set(arg, ['']);
    } else if (VALUE_OPTIONS.has(attached)) {
      const value = attached === arg ? argv[++i] : attached === '-W' ? arg.slice(2) : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`${attached} needs a value`);
      if (attached === '-W') addW(values, value);
      else {
        const name = attached === '-o' ? '--output' : attached;
        values.set(name, [...(values.get(name) ?? []), value]);
      }
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg} (options go before the module; what follows it goes to the program)`);
    } else {
      return { values, file: arg, args: argv.slice(i + 1), help };
    }
  }
  return { values, file: undefined, args: [], help };
}

/**
 * `--dir HOST[::GUEST]` as the wasmtime CLI spells it: HOST preopened under the name GUEST
 * (default: HOST as written). Checked before anything runs: a missing directory is an input error.
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
    throw new InputError(`${flag} ${spec}: ${host} does not exist`);
  }
  if (!isDir) throw new InputError(`${flag} ${spec}: ${host} is not a directory`);
  return { host: resolve(host), guest, writable };
}

export const runWasmCommand: Command = {
  name: 'run-wasm',
  summary: 'Run a WASI program (wasm32-wasi) on the slackfuel runtime under a metering mode',
  passesArgsToProgram: true,
  help: `Usage: slackfuel run-wasm [OPTIONS] FILE.wasm [ARGS...]

Translates FILE.wasm (- reads it from standard input) with slackfuel's front end, compiles it
for the metering mode and runs _start (or --invoke NAME) with WASI preview1 (stdio, args,
environment, clocks, random, poll_oneoff, proc_exit, files under the preopened directories,
read-only unless --dir-write, sandboxed against escapes by .., absolute paths and symlinks)
plus bench.start/bench.end. As with \`wasmtime run\`, options come before the module and every
argument after it goes to the program, which sees argv = [basename(FILE), ARGS...].
The program's stdout and stderr pass through and its exit code becomes ours; a trap or running
out of fuel prints 'slackfuel run-wasm: trap: KIND: MESSAGE' and exits with 134.

${METERING_MODES_HELP}

Options:
  --metering MODE      the metering mode (above)
  --fuel N, -W fuel=N  fuel budget (vanilla, slacked, slacked-placed); default: unlimited; an
                       error with a mode that enforces no budget
  --dir HOST[::GUEST]  preopen directory HOST read-only, named GUEST in the program (default:
                       HOST as written); repeatable; a missing directory is an error; without
                       any --dir or --dir-write the program sees no files at all (as wasmtime)
  --dir-write HOST[::GUEST]
                       the same, with write access (create, write, rename, remove beneath
                       it); these come after the --dir preopens in fd order
  --invoke NAME        exported function to run instead of _start (no arguments)
  --preload NAME=FILE.wasm
                       instantiate FILE.wasm first, in the program's store, so that the
                       program's imports from NAME are its exports (functions called directly,
                       memories, tables and globals shared; one fuel counter), as the wasmtime
                       CLI's --preload; repeatable, in order; WASI is one context for all
  --profile-out PATH   slacked, slacked-placed, count: measure the edge profile (a counter on
                       every CFG edge of the code fuel-place works on) and write it to PATH as
                       JSON, the format fuel-place{profile=PATH} reads
  --profile PATH       slacked-placed, slacked-uncounted, count: place the increments by this
                       edge profile (the mode's fuel-place and fuel-counted-loops get
                       profile=PATH) instead of the static frequency estimate
  --report PATH        write {"exitCode", "fuelConsumed", "error"} as JSON to PATH; error is
                       null, "OutOfFuel" or the wasm trap kind
  -o, --output PATH    write the program's standard output to PATH
  --env NAME=VALUE     environment variable for the program (repeatable; default: none)
  --deterministic      random_get and the clocks give fixed sequences (random bytes from
                       SplitMix64 seed 0; each clock read advances that clock by 1 ms), the
                       same as the reference Wasmtime runner's --deterministic: a program that
                       reads them (Go's runtime does) runs, and is charged, the same every time
  --max-memory BYTES, -W max-memory-size=BYTES
                       linear memory the guest may have: a larger minimum fails to instantiate,
                       memory.grow past it returns -1 (default: the module's own maximum)
  --max-table-elements N, -W max-table-elements=N
                       elements per table, likewise (default 10000000)
  --max-wasm-stack BYTES, -W max-wasm-stack=BYTES
                       stack wasm may use before it traps with stack_exhaustion (default
                       524288, Wasmtime's)
  --memory-reservation BYTES, -W memory-reservation=BYTES
                       address space reserved per linear memory (default 4294967296, as
                       Wasmtime): below 4 GiB every access gets an explicit bounds check
  --memory-guard-size BYTES, -W memory-guard-size=BYTES
                       inaccessible bytes behind it (default 33554432, a multiple of 65536):
                       accesses whose offset + size fit it get no check
  --fuel-costs FILE.json
                       the fuel each operator costs (vanilla and the slacked modes), as
                       Wasmtime's Config::operator_cost: a JSON object keyed by Wasmtime's
                       operator names, e.g. {"I32Add": 2, "Call": 5, "variable":
                       {"memory_copy_per_byte": 2}}; unset entries keep Wasmtime's defaults
  --no-cache           do not use the compile cache (by default the CLIF the fuel passes produce
                       is kept, keyed by the module, the mode and these options, and reused)
  --cache-dir DIR      where the compile cache lives (default $XDG_CACHE_HOME/slackfuel, else
                       ~/.cache/slackfuel)
  --ts-passes          slacked modes: run the fuel passes in TypeScript (the reference) instead
                       of in Rust; by default a pipeline the Rust passes can run whole (the
                       default slacked and count pipelines) runs in Rust, on each function
                       before the front end prints it, and no function is parsed
  --native-passes      slacked modes: run the pipeline's leading Rust passes (fuel-pinned,
                       fuel-drop-checks, fuel-place, fuel-counted-loops) in Rust even when
                       the rest (e.g. a --profile pipeline) stays in TypeScript
  --jobs N             worker threads for the fuel passes (1: none); default one per core
                       for modules of 16 MB of CLIF and more, else 1 (the code is the same)
  --threads N          threads that translate the function bodies and run the Rust passes on
                       them; default 0: the machine's cores, up to 8 (the code is the same)
  --check-interval MS  slacked modes: the asynchronous fuel checker's shortest period (default 1)
  --check-max-interval MS
                       slacked modes: its longest period, used while the fuel rate it observes
                       says the budget cannot run out sooner (default 20; equal to
                       --check-interval: a fixed period)
  -h, --help           show this help (after the module, --help goes to the program)
Every PATH may be - for standard output.

Examples:
  slackfuel run-wasm tests/fixtures/wasi/wasm/hello.wasm
  slackfuel run-wasm --metering vanilla -W fuel=100000000 --report r.json bench/wasm/nbody.wasm 1000
  slackfuel run-wasm --dir data::/data prog.wasm --flag=3 /data/input.txt
  slackfuel run-wasm --metering count --profile-out fib.profile.json bench/wasm/fib.wasm 30
  slackfuel run-wasm --profile fib.profile.json bench/wasm/fib.wasm 30`,
  async run(argv, io) {
    const split_ = split(argv);
    if (split_.help) {
      io.out(`${runWasmCommand.help}\n`);
      return 0;
    }
    const { values } = split_;
    const one = (name: string) => values.get(name)?.at(-1);
    const parsed = optionsSchema.safeParse({
      metering: one('--metering') ?? DEFAULT_METERING,
      fuel: one('--fuel'),
      // Nothing is preopened unless the user grants it, as wasmtime does.
      dir: values.get('--dir') ?? [],
      dirWrite: values.get('--dir-write') ?? [],
      invoke: one('--invoke') ?? '_start',
      preload: values.get('--preload') ?? [],
      report: one('--report'),
      output: one('--output'),
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
      cacheDir: one('--cache-dir'),
      noCache: values.has('--no-cache'),
      deterministic: values.has('--deterministic'),
      nativePasses: values.has('--native-passes') ? true : values.has('--ts-passes') ? false : undefined,
      jobs: one('--jobs'),
      threads: one('--threads'),
      file: split_.file ?? '',
      args: split_.args,
    });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; '));
    if (values.has('--native-passes') && values.has('--ts-passes')) throw new UsageError('give --native-passes or --ts-passes, not both');
    const o = parsed.data;
    const spec = meteringSpec(o.metering);
    if (o.fuel !== undefined && !enforcesBudget(o.metering)) throw new UsageError(`--fuel: --metering ${o.metering} enforces no fuel budget (vanilla, slacked and slacked-placed do)`);
    if (o.profileOut !== undefined && o.profile !== undefined) throw new UsageError('--profile-out measures a profile, --profile places by one: give one of them');
    if (o.profileOut !== undefined && spec.metering !== 'slacked' && spec.metering !== 'count') throw new UsageError('--profile-out applies to --metering slacked, slacked-placed or count');
    if (o.profile !== undefined && spec.increments !== 'placed' && spec.increments !== 'uncounted') throw new UsageError('--profile applies to --metering slacked-placed, slacked-uncounted or count (the modes that place increments)');
    const dirs = [...o.dir.map((d) => parseDir(d, '--dir', false)), ...o.dirWrite.map((d) => parseDir(d, '--dir-write', true))];
    const bytes = await io.readBinary(o.file);
    const preload = await Promise.all(
      o.preload.map(async (spec) => ({ name: spec.slice(0, spec.indexOf('=')), wasm: await io.readBinary(spec.slice(spec.indexOf('=') + 1)) })),
    );
    const programOut: string[] = [];
    const out = o.output === undefined || o.output === '-' ? io.out : (text: string) => void programOut.push(text);
    const fuelCosts = o.fuelCosts === undefined ? undefined : await fuelCostsOption(o.fuelCosts);
    const stdout = new TextDecoder();
    const stderr = new TextDecoder();
    const env = Object.fromEntries(o.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
    const report = await runWasi(bytes, {
      metering: spec.metering,
      ...specCompileOptions(spec),
      fuel: o.fuel,
      args: o.args,
      programName: o.file === '-' ? 'stdin.wasm' : o.file,
      env,
      dirs,
      invoke: o.invoke,
      preload,
      terminals: [isatty(0), isatty(1), isatty(2)],
      stdout: (b) => out(stdout.decode(b, { stream: true })),
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
      cacheDir: o.noCache ? null : (o.cacheDir ?? defaultCacheDir()),
      ...(o.jobs === undefined ? {} : { jobs: o.jobs }),
      ...(o.threads === undefined ? {} : { threads: o.threads }),
      ...(fuelCosts === undefined ? {} : { fuelCosts }),
      deterministic: o.deterministic,
      ...(o.nativePasses === undefined ? {} : { nativePasses: o.nativePasses }),
    });
    out(stdout.decode());
    io.err(stderr.decode());
    if (o.output !== undefined && o.output !== '-') await writeNamed(o.output, programOut.join(''), io.out);
    if (o.profileOut !== undefined && report.profile !== null) {
      await writeNamed(o.profileOut, `${JSON.stringify(report.profile, null, 1)}\n`, io.out);
      if (report.error !== null) io.err(`slackfuel run-wasm: the profile in ${o.profileOut} covers the run up to the ${report.error}\n`);
    }
    if (o.report !== undefined) {
      await writeNamed(o.report, `${JSON.stringify({ exitCode: report.exitCode, fuelConsumed: report.fuelConsumed, error: report.error })}\n`, io.out);
    }
    if (report.error !== null) throw new GuestTrapError(report.error, report.message ?? report.error);
    return report.exitCode;
  },
};
