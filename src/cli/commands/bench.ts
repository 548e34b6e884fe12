import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { InputError, UsageError, type Command } from '../command.js';
import { writeNamed } from '../output.js';
import { packageFile } from '../package-file.js';
import { BENCH_MODES, DEFAULT_BENCH_MODES, parseModes } from '../../bench/modes.js';
import { markdownReport, svgChart, timeTable, peerTable, toJson } from '../../bench/report.js';
import { BenchMismatch, builtinPrograms, filePrograms, runBench } from '../../bench/suite.js';
import { BenchRunError } from '../../bench/run-once.js';
import { THIRD_PARTY_BENCH_NAMES, thirdPartyPrograms } from '../../bench/third-party.js';

const optionsSchema = z.object({
  quick: z.boolean(),
  modes: z.string().min(1),
  wasm: z.array(z.string().min(1)),
  dir: z.string().min(1).optional(),
  json: z.string().min(1).optional(),
  repeats: z.coerce.number().int().min(1).max(101).optional(),
  only: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  opt: z.enum(['none', 'speed', 'speed_and_size']),
  'no-profile': z.boolean(),
  peers: z.boolean(),
  'shuffle-layout': z.boolean(),
  suite: z.enum(['builtin', 'third-party'], { error: 'give builtin or third-party' }),
});

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Measure every metering mode on the benchmark programs: run time, fuel, increments, code size',
  help: `Usage: slackfuel bench [--quick] [--suite builtin|third-party] [--modes LIST] [--wasm FILE... [--dir PATH]]
                       [--json PATH] [--repeats N] [--only NAMES] [--opt LEVEL] [--no-profile] [--peers]
                       [--shuffle-layout] [--out DIR]

Compiles each program once per metering mode, then runs interleaved repetitions (the modes
alternate within each round) and reports, per program and mode, the median time of the region
between bench.start and bench.end (the whole _start for modules that do not mark one), its
ratio to none and the geometric mean of the ratios per mode. It also counts the increments
executed (an instrumented run where every increment adds 1), static increments, code bytes,
and the time of the TypeScript fuel pipeline against the native compile. With slacked-placed
or count among the modes it also measures each program's edge profile (a run with a counter
on every CFG edge), feeds it to fuel-place, and reports the increments that placement
executes next to those of the static estimate.

Every mode must print what none prints, and the fuel consumed under accounting,
slacked-unplaced, slacked-uncounted, slacked-placed and count must equal vanilla's: otherwise the run fails
(exit status 1).

Modes:
  none            no instrumentation (the baseline; always measured)
  vanilla         Wasmtime's fuel: counter in memory, checks at entry and loop headers (always)
  accounting      Wasmtime's counter in memory with no checks (vanilla + fuel-drop-checks)
  epoch           Wasmtime's epoch interruption
  slacked-unplaced
                  the runtime's slacked without fuel-place: counter in the pinned register,
                  increments where Wasmtime puts them (fuel-pinned,fuel-drop-checks),
                  asynchronous checker at the runtime's default pace (every 1 ms near
                  exhaustion, up to every 20 ms otherwise)
  slacked-uncounted
                  slacked-unplaced plus fuel-place (at least one increment per loop iteration)
  slacked-placed  the runtime's slacked: slacked-uncounted plus fuel-counted-loops: counted
                  loops charged once on entry (a guarded copy of the loop without increments)
                  where the function spends its time
  count           slacked-placed with no checker

Options:
  --quick          the built-in programs at their quick sizes, 3 repetitions (under 2 minutes);
                   differences of a few percent are within the noise of such short runs
  --suite NAME     builtin (default): the 18 C programs of bench/; third-party: real programs
                   from tests/fixtures/third-party (a source checkout only) at inputs that run
                   0.25–0.45 s under Wasmtime: ${THIRD_PARTY_BENCH_NAMES.join(', ')}
  --modes LIST     comma-separated modes (default: all eight; the A/B variants
                   none-unhoisted and slacked-unhoisted, the memory base not hoisted, and
                   slacked-every-loop, every counted loop versioned, and none-pinned, the
                   pinned register reserved without a counter, only when named)
  --wasm FILE      measure this WASI module instead of the built-in suite (repeatable; run
                   with no arguments)
  --dir PATH       directory preopened read-only as "." for --wasm modules
  --json PATH      write {"geomean", "incrementsRatio", "benchmarks"} as JSON to PATH
  --repeats N      repetitions per mode (default 5, --quick 3)
  --only NAMES     programs of the suite to run, comma-separated (default: all)
  --opt LEVEL      Cranelift opt_level for every mode: none, speed (default, as Wasmtime) or
                   speed_and_size
  --no-profile     skip the edge profile and the profile-guided placement
  --peers          also run every program under real Wasmtime 48 (wasmtime-none, wasmtime-fuel,
                   wasmtime-epoch; the reference runner, built by \`npm run peer:build\`),
                   interleaved with our modes, and report every ratio to wasmtime-none too
  --shuffle-layout lay our machine code out differently in every round (each function after a
                   pseudo-random 0-63 bytes, seeded by the round's number, instead of on a
                   32-byte boundary), so each median is over as many layouts as rounds rather
                   than one; the same layout for every mode of a round. Wasmtime's is not
                   shuffled, so use it to compare our modes with each other
  --out DIR        also write the markdown report and the SVG chart into DIR (bench.md and
                   bench.svg; quick.* with --quick, wasm.* with --wasm, third-party.* (or
                   third-party-quick.*) with --suite third-party); without it nothing
                   is written but standard output (and --json's file)
  -o FILE          write the tables to FILE instead of standard output
  -h, --help       show this help

Examples:
  slackfuel bench --quick
  slackfuel bench --out docs/results --json docs/results/bench.json
  slackfuel bench --wasm my.wasm --modes slacked-placed,epoch --repeats 9
  slackfuel bench --suite third-party --peers --modes none,slacked-placed --no-profile`,
  async run(argv, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...argv],
        options: {
          quick: { type: 'boolean', default: false },
          modes: { type: 'string', default: DEFAULT_BENCH_MODES.join(',') },
          wasm: { type: 'string', multiple: true, default: [] },
          dir: { type: 'string' },
          json: { type: 'string' },
          repeats: { type: 'string' },
          only: { type: 'string' },
          out: { type: 'string' },
          opt: { type: 'string', default: 'speed' },
          'no-profile': { type: 'boolean', default: false },
          peers: { type: 'boolean', default: false },
          'shuffle-layout': { type: 'boolean', default: false },
          suite: { type: 'string', default: 'builtin' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const parsed = optionsSchema.safeParse(values);
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
    const o = parsed.data;
    if (o.dir !== undefined && o.wasm.length === 0) throw new UsageError('--dir applies to --wasm modules only');
    if (o.only !== undefined && o.wasm.length > 0) throw new UsageError('--only selects programs of a suite; it does not combine with --wasm');
    if (o.suite !== 'builtin' && o.wasm.length > 0) throw new UsageError('--suite and --wasm are alternatives: give one');
    let modes;
    try {
      modes = parseModes(o.modes);
    } catch {
      throw new UsageError(`--modes: give a comma-separated list of ${BENCH_MODES.join(', ')}`);
    }
    const only = o.only === undefined ? undefined : new Set(o.only.split(',').map((s) => s.trim()));
    let programs;
    // Generated inputs of the third-party suite, removed when the run ends.
    let dispose = async () => {};
    try {
      if (o.wasm.length > 0) programs = await filePrograms(o.wasm, o.dir === undefined ? null : resolve(o.dir));
      else if (o.suite === 'third-party') ({ programs, dispose } = await thirdPartyPrograms(packageFile('tests/fixtures/third-party'), o.quick, only));
      else programs = await builtinPrograms(dirname(packageFile('bench/manifest.json')), o.quick, only);
    } catch (error) {
      throw new InputError(`cannot read the programs: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (only !== undefined && programs.length !== only.size) {
      await dispose();
      throw new UsageError(`--only: unknown program among ${[...only].join(', ')}`);
    }
    const repeats = o.repeats ?? (o.quick ? 3 : 5);
    if (o.quick || repeats < 5) {
      io.err(`slackfuel bench: warning: ${o.quick ? 'quick sizes' : 'short runs'} with ${repeats} repetition${repeats === 1 ? '' : 's'}: differences of a few percent are within the noise; compare the fastest–slowest spread next to each median, and use the default sizes for figures to quote\n`);
    }
    const started = performance.now();
    let report;
    try {
      report = await runBench(programs, {
        modes,
        repeats,
        quick: o.quick,
        optLevel: o.opt,
        profile: !o['no-profile'],
        peers: o.peers,
        shuffleLayout: o['shuffle-layout'],
        progress: (line) => io.err(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`),
      });
    } catch (error) {
      if (error instanceof BenchMismatch || error instanceof BenchRunError) {
        io.err(`slackfuel bench: ${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      await dispose();
    }
    const command = `slackfuel bench ${argv.join(' ')}`.trim();
    const stem = o.wasm.length > 0 ? 'wasm' : o.suite === 'third-party' ? (o.quick ? 'third-party-quick' : 'third-party') : o.quick ? 'quick' : 'bench';
    // Nothing lands in the repository or the user's directory unless --out or --json names it.
    const written: string[] = [];
    if (o.out !== undefined) {
      await mkdir(o.out, { recursive: true });
      await writeFile(join(o.out, `${stem}.md`), markdownReport(report, command));
      await writeFile(join(o.out, `${stem}.svg`), svgChart(report));
      written.push(join(o.out, `${stem}.md`), join(o.out, `${stem}.svg`));
      if (o.peers) {
        await writeFile(join(o.out, `${stem}-wasmtime.svg`), svgChart(report, 'wasmtime-none'));
        written.push(join(o.out, `${stem}-wasmtime.svg`));
      }
    }
    if (o.json !== undefined) {
      await writeNamed(o.json, `${JSON.stringify(toJson(report), null, 2)}\n`, io.out);
      if (o.json !== '-') written.push(o.json);
    }
    io.out(`${timeTable(report)}\n\n`);
    if (o.peers) io.out(`against real Wasmtime (ratio to wasmtime-none):\n${peerTable(report)}\n\n`);
    io.out(`dynamic increments, slacked-placed / vanilla (geometric mean): ${report.incrementsRatio === null ? '—' : report.incrementsRatio.toFixed(3)}\n`);
    if (report.estimateVsProfile !== null) {
      io.out(`dynamic increments, static estimate / measured profile placement (geometric mean): ${report.estimateVsProfile.toFixed(3)}\n`);
    }
    if (written.length > 0) io.err(`slackfuel bench: wrote ${written.join(', ')}\n`);
    return 0;
  },
};
