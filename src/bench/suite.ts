// The benchmark: every program compiled once per mode, then interleaved repetitions (the modes
// alternate within each round, starting at a different mode each round, so drift hits all
// alike), medians of the measured region, and the checks that make the figures mean something:
// every mode prints what none prints, every fuel mode consumes what vanilla consumes.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { Engine } from '../runtime/engine.js';
import { compileWasm, type WasmModule } from '../wasm/instance.js';
import { measureEdgeProfile, profiledIncrementsPipeline } from './edge-profile.js';
import { BENCH_MODE_SPECS, INCREMENT_PIPELINES, PINNED_PIPELINE, type BenchMode } from './modes.js';
import { BenchRunError, runOnce } from './run-once.js';
import { countStaticIncrements } from './static-increments.js';
import type { Function } from '../ir/index.js';
import { registerUnitIncrements, unitIncrements } from './unit-increments.js';

export interface BenchProgram {
  readonly name: string;
  readonly wasm: Uint8Array;
  readonly args: readonly string[];
  /** The committed stdout, when known (the built-in suite). */
  readonly expected: string | undefined;
  /** Directory preopened read-only as "." (null: none). */
  readonly dir: string | null;
}

export interface ModeResult {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly ratio: number;
  readonly fuelConsumed: number | null;
  readonly dynamicIncrements: number | null;
  readonly staticIncrements: number | null;
  readonly codeBytes: number;
  /** TypeScript fuel pipeline time for the whole module. */
  readonly pipelineMs: number;
  /** Native compile + instance setup, first instance. */
  readonly nativeMs: number;
}

export interface BenchmarkResult {
  readonly name: string;
  readonly modes: Partial<Record<BenchMode, ModeResult>>;
  /** Increments executed with fuel-place fed the measured edge profile (null if not measured). */
  readonly profiledIncrements: number | null;
}

export interface BenchReport {
  readonly geomean: Partial<Record<BenchMode, number>>;
  readonly incrementsRatio: number | null;
  /**
   * How close the static estimate comes to the measured profile: dynamic increments of
   * fuel-place with the estimate over those with the profile (geometric mean; 1 = as good).
   */
  readonly estimateVsProfile: number | null;
  readonly benchmarks: readonly BenchmarkResult[];
  readonly repeats: number;
  readonly quick: boolean;
  readonly optLevel: string;
}

export interface BenchOptions {
  readonly modes: readonly BenchMode[];
  readonly repeats: number;
  readonly quick: boolean;
  /** Cranelift opt_level of the machine code (Wasmtime's default is speed). */
  readonly optLevel: 'none' | 'speed' | 'speed_and_size';
  /** Also measure an edge profile and the increments of fuel-place fed with it. */
  readonly profile: boolean;
  /** One line per step. */
  readonly progress: (line: string) => void;
}

export class BenchMismatch extends Error {
  override readonly name = 'BenchMismatch';
}

const manifestSchema = z.object({
  programs: z.array(z.object({ name: z.string().regex(/^[a-z0-9_]+$/), size: z.number().int().positive(), quickSize: z.number().int().positive() })).min(1),
});

/** The built-in suite (bench/manifest.json) at its default or quick sizes. */
export async function builtinPrograms(benchDir: string, quick: boolean, only?: ReadonlySet<string>): Promise<BenchProgram[]> {
  const manifest = manifestSchema.parse(JSON.parse(await readFile(join(benchDir, 'manifest.json'), 'utf8')));
  const picked = manifest.programs.filter((p) => only === undefined || only.has(p.name));
  return Promise.all(
    picked.map(async (p) => ({
      name: p.name,
      wasm: new Uint8Array(await readFile(join(benchDir, 'wasm', `${p.name}.wasm`))),
      args: [String(quick ? p.quickSize : p.size)],
      expected: await readFile(join(benchDir, 'expected', `${p.name}${quick ? '.quick' : ''}.out`), 'utf8'),
      dir: null,
    })),
  );
}

/** Any modules the user gives, run with no arguments. */
export async function filePrograms(files: readonly string[], dir: string | null): Promise<BenchProgram[]> {
  return Promise.all(files.map(async (f) => ({ name: basename(f).replace(/\.wasm$/, ''), wasm: new Uint8Array(await readFile(f)), args: [], expected: undefined, dir })));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function geometricMean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/**
 * Runs the instrumented variant (every increment adds 1) and returns the fuel, i.e. the
 * increments executed. `prepared`: the CLIF already through the pipeline minus the counting
 * pass (reused rather than placed again).
 */
async function countIncrements(program: BenchProgram, pipeline: string, engine: Engine, prepared?: readonly Function[]): Promise<number> {
  const module = await compileWasm(
    program.wasm,
    'count',
    engine,
    prepared === undefined
      ? { pipeline }
      : {
          pipeline,
          prepared,
          transform: (fns) => {
            for (const fn of fns) unitIncrements(fn);
          },
        },
  );
  const r = await runOnce(module, program.args, `${program.name}.wasm`, program.dir);
  if (r.fuelConsumed === null) throw new BenchRunError(`${program.name}: the instrumented run reported no fuel`);
  return r.fuelConsumed;
}

async function measureProgram(program: BenchProgram, o: BenchOptions, engine: Engine, step: string): Promise<BenchmarkResult> {
  const modules = new Map<BenchMode, WasmModule>();
  // Modes with the same pipeline (slacked-placed, count) share its output: the passes run once.
  const byPipeline = new Map<string, WasmModule>();
  const pipelineMs = new Map<BenchMode, number>();
  for (const mode of o.modes) {
    const spec = BENCH_MODE_SPECS[mode];
    o.progress(`${step} ${program.name}: compile ${mode}`);
    const source = spec.pipeline === undefined || spec.pipeline === '' ? undefined : byPipeline.get(spec.pipeline);
    const module = await compileWasm(
      program.wasm,
      spec.metering,
      engine,
      spec.pipeline === undefined ? {} : source === undefined ? { pipeline: spec.pipeline } : { pipeline: spec.pipeline, prepared: source.module.functions },
    );
    if (spec.pipeline !== undefined && source === undefined) byPipeline.set(spec.pipeline, module);
    modules.set(mode, module);
    pipelineMs.set(mode, (source ?? module).pipelineMs);
  }
  const times = new Map<BenchMode, number[]>(o.modes.map((m) => [m, []]));
  const first = new Map<BenchMode, Awaited<ReturnType<typeof runOnce>>>();
  for (let round = 0; round < o.repeats; round++) {
    const order = o.modes.map((_, i) => o.modes[(i + round) % o.modes.length]!);
    const line: string[] = [];
    for (const mode of order) {
      const r = await runOnce(modules.get(mode)!, program.args, `${program.name}.wasm`, program.dir);
      if (r.exitCode !== 0) throw new BenchMismatch(`${program.name} under ${mode} exited with ${r.exitCode}`);
      const seen = first.get(mode);
      if (seen === undefined) first.set(mode, r);
      else if (seen.stdout !== r.stdout || seen.fuelConsumed !== r.fuelConsumed) throw new BenchMismatch(`${program.name} under ${mode}: a repetition printed or consumed something else`);
      times.get(mode)!.push(r.regionMs);
      line.push(`${mode} ${r.regionMs.toFixed(1)}`);
    }
    o.progress(`${step} ${program.name}: round ${round + 1}/${o.repeats}: ${line.join(', ')} ms`);
  }
  const base = first.get('none')!;
  if (program.expected !== undefined && base.stdout !== program.expected) throw new BenchMismatch(`${program.name} under none does not print the committed expected output`);
  const vanillaFuel = first.get('vanilla')!.fuelConsumed;
  for (const mode of o.modes) {
    const r = first.get(mode)!;
    if (r.stdout !== base.stdout) throw new BenchMismatch(`${program.name}: the output under ${mode} differs from none's`);
    if (BENCH_MODE_SPECS[mode].accounts && r.fuelConsumed !== vanillaFuel) {
      throw new BenchMismatch(`${program.name}: fuel consumed under ${mode} is ${r.fuelConsumed}, vanilla's ${vanillaFuel}`);
    }
  }
  const increments: Partial<Record<'as-wasmtime' | 'placed', number>> = {};
  for (const kind of ['as-wasmtime', 'placed'] as const) {
    if (!o.modes.some((m) => BENCH_MODE_SPECS[m].increments === kind)) continue;
    o.progress(`${step} ${program.name}: count increments (${kind})`);
    const counted = INCREMENT_PIPELINES[kind];
    const uncounted = byPipeline.get(counted.slice(0, counted.lastIndexOf(',')));
    increments[kind] = await countIncrements(program, counted, engine, uncounted?.module.functions);
  }
  let profiledIncrements: number | null = null;
  if (o.profile && increments.placed !== undefined) {
    o.progress(`${step} ${program.name}: measure the edge profile`);
    const measured = await measureEdgeProfile(program, engine, base.stdout, byPipeline.get(PINNED_PIPELINE)?.module.functions);
    o.progress(`${step} ${program.name}: count increments (placed with the profile)`);
    profiledIncrements = await countIncrements(program, profiledIncrementsPipeline(measured.profile), engine);
  }
  const noneMedian = median(times.get('none')!);
  const modes: Partial<Record<BenchMode, ModeResult>> = {};
  for (const mode of o.modes) {
    const ts = times.get(mode)!;
    const r = first.get(mode)!;
    const kind = BENCH_MODE_SPECS[mode].increments;
    const m = median(ts);
    modes[mode] = {
      medianMs: m,
      minMs: Math.min(...ts),
      maxMs: Math.max(...ts),
      ratio: m / noneMedian,
      fuelConsumed: r.fuelConsumed,
      dynamicIncrements: kind === '' ? null : (increments[kind] ?? null),
      staticIncrements: kind === '' ? null : countStaticIncrements(modules.get(mode)!),
      codeBytes: r.codeBytes,
      pipelineMs: pipelineMs.get(mode)!,
      nativeMs: r.instantiateMs,
    };
  }
  return { name: program.name, modes, profiledIncrements };
}

/** Measures every program under every mode; throws BenchMismatch when outputs or fuel differ. */
export async function runBench(programs: readonly BenchProgram[], o: BenchOptions): Promise<BenchReport> {
  registerUnitIncrements();
  const engine = new Engine({ flags: { opt_level: o.optLevel } });
  const benchmarks: BenchmarkResult[] = [];
  for (const [i, program] of programs.entries()) {
    benchmarks.push(await measureProgram(program, o, engine, `[${i + 1}/${programs.length}]`));
  }
  const geomean: Partial<Record<BenchMode, number>> = {};
  for (const mode of o.modes) geomean[mode] = geometricMean(benchmarks.map((b) => b.modes[mode]!.ratio));
  const pairs = benchmarks.map((b) => [b.modes['slacked-placed']?.dynamicIncrements, b.modes.vanilla?.dynamicIncrements] as const);
  const usable = pairs.filter((p): p is readonly [number, number] => typeof p[0] === 'number' && typeof p[1] === 'number' && p[1] > 0 && p[0] > 0);
  const incrementsRatio = usable.length === 0 ? null : geometricMean(usable.map(([a, b]) => a / b));
  const profiled = benchmarks
    .map((b) => [b.modes['slacked-placed']?.dynamicIncrements ?? b.modes.count?.dynamicIncrements, b.profiledIncrements] as const)
    .filter((p): p is readonly [number, number] => typeof p[0] === 'number' && typeof p[1] === 'number' && p[0] > 0 && p[1] > 0);
  const estimateVsProfile = profiled.length === 0 ? null : geometricMean(profiled.map(([a, b]) => a / b));
  return { geomean, incrementsRatio, estimateVsProfile, benchmarks, repeats: o.repeats, quick: o.quick, optLevel: o.optLevel };
}
