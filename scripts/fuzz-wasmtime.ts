// `npm run fuzz -- --count N --seed S`: differential fuzzing against Wasmtime 48. wasm-smith
// modules (native/frontend/examples/fuzz_modules.rs) run every exported function with numeric
// parameters under the reference runner (peers/wasmtime-runner, batch mode; `npm run
// peer:build` first) and under our none, vanilla, slacked, uncounted, count and count-uncounted
// modes, each call on a fresh instance, and the outcomes are compared: result values (floats by their bits), trap kinds,
// fuel consumed, and out-of-fuel for budgets that run out mid-program. Prints a tally and, for
// each difference, the seed and what differed. See docs/fuzzing.md.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadFuelCosts, type FuelCosts } from '../src/wasm/fuel-costs.js';
import { findVersionedLoops } from '../src/passes/fuel/check/versioned-loops.js';
import { loopModule } from './fuzz/loop-modules.js';
import { argsFor } from './fuzz/args.js';
import { show, type Outcome } from './fuzz/outcome.js';
import { checkCall, type WasmtimeSide } from './fuzz/differential.js';
import { compileAll, type OurMode } from './fuzz/ours.js';
import type { WasmModule } from '../src/wasm/instance.js';
import { DEFAULT_RUNNER, WasmtimeBatch, type ExportedFunction } from './fuzz/runner.js';

const USAGE = `usage: npm run fuzz -- [options]

Differential fuzzing against Wasmtime 48 (build the runner first: npm run peer:build).

  --count N          modules to generate (default 100)
  --seed S           seed of the first module; the others follow (default 0)
  --budget N         fuel budget of the out-of-fuel runs (default 100000)
  --max-exports N    exported functions called per module (default 4)
  --runner PATH      the Wasmtime reference runner (default ${DEFAULT_RUNNER})
  --fuel-costs FILE  per-operator fuel costs (JSON, as run-wasm --fuel-costs)
  --save DIR         where modules that differ are kept (default ${join(tmpdir(), 'slackfuel-fuzz-differences')})
  --generator KIND   smith (wasm-smith, the default) or loops (counted-loop modules)
  --quiet            print the tally only
  -h, --help         this text

See docs/fuzzing.md.`;

/** The usage on standard error and exit 2, for arguments that do not parse. */
function usageError(reason: string): never {
  console.error(`${reason}\n\n${USAGE}`);
  process.exit(2);
}

const parsedArgs = (() => {
  try {
    return parseArgs({
      options: {
        count: { type: 'string', default: '100' },
        seed: { type: 'string', default: '0' },
        budget: { type: 'string', default: '100000' },
        'max-exports': { type: 'string', default: '4' },
        runner: { type: 'string', default: DEFAULT_RUNNER },
        'fuel-costs': { type: 'string' },
        save: { type: 'string', default: join(tmpdir(), 'slackfuel-fuzz-differences') },
        quiet: { type: 'boolean', default: false },
        generator: { type: 'string', default: 'smith' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
})();
const { values } = parsedArgs;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const checked = z
  .object({
    count: z.coerce.number().int().positive(),
    seed: z.coerce.number().int().nonnegative(),
    budget: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    maxExports: z.coerce.number().int().positive(),
    runner: z.string().min(1),
    fuelCosts: z.string().min(1).optional(),
    save: z.string().min(1),
    quiet: z.boolean(),
    generator: z.enum(['smith', 'loops']),
  })
  .safeParse({ ...values, maxExports: values['max-exports'], fuelCosts: values['fuel-costs'] });
if (!checked.success) usageError(checked.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
const o = checked.data;
const fuelCosts: FuelCosts | undefined = o.fuelCosts === undefined ? undefined : await loadFuelCosts(o.fuelCosts);

const frontendDir = new URL('../native/frontend/', import.meta.url).pathname;
const generator = join(frontendDir, 'target/release/examples/fuzz_modules');
if (o.generator === 'smith') {
  console.log('building the module generator (cargo, release)...');
  execFileSync('cargo', ['build', '--release', '--example', 'fuzz_modules'], { cwd: frontendDir, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Writes DIR/seed-N.wasm for seeds first … first+n−1 with the chosen generator. */
async function generate(dir: string, first: number, n: number): Promise<void> {
  if (o.generator === 'smith') {
    execFileSync(generator, [dir, String(first), String(n)], { stdio: ['ignore', 'ignore', 'ignore'] });
    return;
  }
  for (let seed = first; seed < first + n; seed++) writeFileSync(join(dir, `seed-${seed}.wasm`), await loopModule(seed));
}

const tally = {
  modules: 0,
  noModule: 0,
  wasmtimeRefused: 0,
  weRefused: new Map<string, number>(),
  noCallableExport: 0,
  invocations: 0,
  comparisons: 0,
  agree: 0,
  differ: new Map<string, number>(),
  crashes: 0,
  /** Calls where Wasmtime charged fuel to instantiate (not compared: see docs/fuzzing.md). */
  wasmtimeInstantiateFuel: 0,
  /** Wasmtime overflowed its stack; we went deeper (smaller frames) and ran out of fuel first. */
  stackDepth: 0,
  /** Loops fuel-counted-loops versioned in the `slacked` mode's code, and the modules with any. */
  versionedLoops: 0,
  modulesWithVersionedLoops: 0,
  /** Of the versioned loops, those that exit from their top. */
  versionedTopExit: 0,
  /** How the `slacked` runs ended (ok, trap kinds, oof): whether the prepaid copies ran. */
  countedOutcomes: new Map<string, number>(),
};
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const differences: string[] = [];
mkdirSync(o.save, { recursive: true });

if (!existsSync(o.runner)) {
  process.stderr.write(`fuzz: no reference runner at ${o.runner}: build it with \`npm run peer:build\` or pass --runner PATH\n`);
  process.exit(2);
}
const runner = new WasmtimeBatch(o.runner, o.fuelCosts);
const started = performance.now();
const CHUNK = 50;
for (let first = o.seed; first < o.seed + o.count; first += CHUNK) {
  const n = Math.min(CHUNK, o.seed + o.count - first);
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-fuzz-'));
  try {
    await generate(dir, first, n);
    for (let seed = first; seed < first + n; seed++) await fuzzOne(seed, join(dir, `seed-${seed}.wasm`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!o.quiet) progress();
}
runner.close();
progress();
console.log(JSON.stringify({ ...tally, weRefused: Object.fromEntries(tally.weRefused), differ: Object.fromEntries(tally.differ), countedOutcomes: Object.fromEntries(tally.countedOutcomes), runnerRestarts: runner.restarts }, null, 1));
if (differences.length > 0) console.log(`\n${differences.length} difference(s); modules saved in ${o.save}\n${differences.slice(0, 200).join('\n')}`);
process.exit(differences.length > 0 ? 1 : 0);

function progress(): void {
  const s = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`[${s}s] modules ${tally.modules} (versioned loops ${tally.versionedLoops}, ${tally.versionedTopExit} exiting from the top), invocations ${tally.invocations}, comparisons ${tally.comparisons}, agree ${tally.agree}, differ ${[...tally.differ.values()].reduce((a, b) => a + b, 0)}, crashes ${tally.crashes}`);
}

async function fuzzOne(seed: number, file: string): Promise<void> {
  let wasm: Uint8Array;
  try {
    wasm = readFileSync(file);
  } catch {
    tally.noModule++;
    return;
  }
  tally.modules++;
  const exported = await runner.exports(file);
  if ('error' in exported) {
    tally.wasmtimeRefused++;
    record(seed, file, '(module)', [], 'wasmtime-refused', 'module', { kind: 'error', message: exported.error }, { kind: 'error', message: exported.error });
    return;
  }
  let versioned = 0;
  const compiled = await compileAll(wasm, fuelCosts, {
    slacked: (fns) =>
      fns.forEach((fn) => {
        const loops = findVersionedLoops(fn, false);
        versioned += loops.length;
        tally.versionedTopExit += loops.filter((l) => l.exitAt === 'top').length;
      }),
  });
  tally.versionedLoops += versioned;
  if (versioned > 0) tally.modulesWithVersionedLoops++;
  if ('refused' in compiled) {
    bump(tally.weRefused, compiled.refused.message.split(/[:(]/)[0]!.trim());
    return;
  }
  if ('error' in compiled) {
    tally.crashes++;
    record(seed, file, '(module)', [], 'compile-error', 'all', { kind: 'error', message: compiled.error }, { kind: 'ok', results: [], fuel: null });
    return;
  }
  const functions = exported.functions.slice(0, o.maxExports);
  if (functions.length === 0) tally.noCallableExport++;
  for (const [i, f] of functions.entries()) {
    const args = argsFor(seed * 64 + i, f.params);
    tally.invocations++;
    await invoke(seed, file, compiled.modules, f, args);
  }
}

async function invoke(seed: number, file: string, modules: Record<OurMode, WasmModule>, f: ExportedFunction, args: string[]): Promise<void> {
  const wasmtime: WasmtimeSide = { call: (fuel) => runner.callWithInstantiation(file, f.name, args, fuel) };
  const result = await checkCall(modules, f, args, o.budget, wasmtime);
  if (result.wasmtimeInstantiateFuel > 0) tally.wasmtimeInstantiateFuel++;
  if (result.runnerError !== null) record(seed, file, f.name, args, 'runner-error', 'wasmtime', result.runnerError, result.runnerError);
  for (const c of result.comparisons) {
    tally.comparisons++;
    if (c.mode === 'slacked') bump(tally.countedOutcomes, c.ours.kind === 'trap' ? c.ours.trap : c.ours.kind);
    if (c.ours.kind === 'error' && /NativePanic|no answer/.test(c.ours.message)) tally.crashes++;
    if (c.difference === null) tally.agree++;
    else if (c.difference === 'known:stack-depth') tally.stackDepth++;
    else record(seed, file, f.name, args, c.difference, `${c.mode} budget ${c.budget}`, c.ours, c.theirs);
  }
}

function record(seed: number, file: string, fn: string, args: readonly string[], kind: string, where: string, ours: Outcome, theirs: Outcome): void {
  bump(tally.differ, kind);
  try {
    copyFileSync(file, join(o.save, `seed-${seed}.wasm`));
  } catch {
    // the module may be gone already; the seed reproduces it
  }
  differences.push(`seed ${seed} ${fn}(${args.join(', ')}) [${where}] ${kind}: ours ${show(ours)} | wasmtime ${show(theirs)}`);
  if (!o.quiet) console.log(differences.at(-1));
}
