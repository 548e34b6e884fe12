// The benchmark: every program compiled once per mode, then interleaved repetitions (the modes
// alternate within each round, starting at a different mode each round, so drift hits all
// alike), medians of the measured region, and the checks that make the figures mean something:
// every mode prints what none prints, every fuel mode consumes what vanilla consumes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { Engine } from '../runtime/engine.js';
import { compileWasm, type WasmModule } from '../wasm/instance.js';
import { measureEdgeProfile, profiledIncrementsPipeline } from './edge-profile.js';
import { BENCH_MODE_SPECS, INCREMENT_PIPELINES, INCREMENTS_KINDS, PINNED_PIPELINE, specCompileOptions, type BenchMode, type IncrementsKind } from './modes.js';
import { BenchRunError, runOnce } from './run-once.js';
import { ensurePeerRunner, PEER_MODES, peerRunnerMode, runPeer, type PeerMode } from './peers.js';
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
  /** Median over real Wasmtime's `none` (with `--peers`), else null. */
  readonly ratioToWasmtime: number | null;
}

/** Real Wasmtime in one mode (`--peers`). */
export interface PeerResult {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Median over our `none`'s. */
  readonly ratio: number;
  /** Median over Wasmtime's `none`'s. */
  readonly ratioToWasmtime: number;
  /** Fuel Wasmtime reports (instantiation included; wasmtime-fuel only). */
  readonly fuelConsumed: number | null;
}

export interface BenchmarkResult {
  readonly name: string;
  readonly modes: Partial<Record<BenchMode, ModeResult>>;
  /** Increments executed with fuel-place fed the measured edge profile (null if not measured). */
  readonly profiledIncrements: number | null;
  /** Real Wasmtime (with `--peers`; empty otherwise). */
  readonly peers: Partial<Record<PeerMode, PeerResult>>;
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
  /** With `--peers`: every mode's geometric-mean ratio to real Wasmtime's `none`. */
  readonly geomeanVsWasmtime: Partial<Record<BenchMode | PeerMode, number>>;
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
  /** Also run every program under real Wasmtime (none, fuel, epoch), interleaved with ours. */
  readonly peers?: boolean;
  /**
   * Lay our code out differently in every round (`codeLayoutSeed` = the round's number, the same
   * for every mode of that round), so each median is over as many layouts as rounds instead of
   * one. Wasmtime's layout is its own and is not shuffled.
   */
  readonly shuffleLayout?: boolean;
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
  // The last pass, fuel-unit-increments, runs here as a transform: a large module's pipeline
  // runs on worker threads, whose pass registry does not hold this benchmark-only pass.
  const unit = ',fuel-unit-increments';
  if (!pipeline.endsWith(unit)) throw new BenchRunError(`${program.name}: the counting pipeline must end with fuel-unit-increments`);
  const transform = (fns: readonly Function[]) => {
    for (const fn of fns) unitIncrements(fn);
  };
  const module = await compileWasm(program.wasm, 'count', engine, prepared === undefined ? { pipeline: pipeline.slice(0, -unit.length), transform } : { pipeline, prepared, transform });
  const r = await runOnce(module, program.args, `${program.name}.wasm`, program.dir);
  if (r.fuelConsumed === null) throw new BenchRunError(`${program.name}: the instrumented run reported no fuel`);
  return r.fuelConsumed;
}

async function measureProgram(program: BenchProgram, o: BenchOptions, engine: Engine, step: string): Promise<BenchmarkResult> {
  const modules = new Map<BenchMode, WasmModule>();
  // Modes with the same pipeline and translation (slacked-placed, count) share its output: the
  // passes run once.
  const byPipeline = new Map<string, WasmModule>();
  const pipelineMs = new Map<BenchMode, number>();
  for (const mode of o.modes) {
    const spec = BENCH_MODE_SPECS[mode];
    o.progress(`${step} ${program.name}: compile ${mode}`);
    const shareKey = `${spec.pipeline ?? ''}\0${spec.hoistMemoryBase ?? 'default'}`;
    const source = spec.pipeline === undefined || spec.pipeline === '' ? undefined : byPipeline.get(shareKey);
    const options = specCompileOptions(spec);
    const module = await compileWasm(program.wasm, spec.metering, engine, source === undefined ? options : { ...options, prepared: source.module.functions });
    if (spec.pipeline !== undefined && source === undefined) byPipeline.set(shareKey, module);
    modules.set(mode, module);
    pipelineMs.set(mode, (source ?? module).pipelineMs);
  }
  const times = new Map<BenchMode | PeerMode, number[]>([...o.modes, ...PEER_MODES].map((m) => [m, []]));
  const first = new Map<BenchMode, Awaited<ReturnType<typeof runOnce>>>();
  const peerFirst = new Map<PeerMode, { stdout: string; fuelConsumed: number | null }>();
  const all: readonly (BenchMode | PeerMode)[] = o.peers === true ? [...o.modes, ...PEER_MODES] : o.modes;
  const scratch = o.peers === true ? await mkdtemp(join(tmpdir(), 'slackfuel-peer-')) : null;
  const wasmFile = scratch === null ? '' : join(scratch, `${program.name}.wasm`);
  if (scratch !== null) await writeFile(wasmFile, program.wasm);
  try {
    for (let round = 0; round < o.repeats; round++) {
      const order = all.map((_, i) => all[(i + round) % all.length]!);
      const line: string[] = [];
      for (const mode of order) {
        if ((PEER_MODES as readonly string[]).includes(mode)) {
          const peer = mode as PeerMode;
          const r = await runPeer({ mode: peerRunnerMode(peer), wasmFile, args: program.args, dir: program.dir });
          if (r.exitCode !== 0) throw new BenchMismatch(`${program.name} under ${peer} exited with ${r.exitCode}${r.message === null ? '' : `: ${r.message}`}`);
          if (!peerFirst.has(peer)) peerFirst.set(peer, { stdout: r.stdout, fuelConsumed: r.fuelConsumed });
          times.get(peer)!.push(r.regionMs);
          line.push(`${peer} ${r.regionMs.toFixed(1)}`);
          continue;
        }
        const ours = mode as BenchMode;
        const r = await runOnce(modules.get(ours)!, program.args, `${program.name}.wasm`, program.dir, 0, o.shuffleLayout === true ? round + 1 : undefined);
        if (r.exitCode !== 0) throw new BenchMismatch(`${program.name} under ${mode} exited with ${r.exitCode}`);
        const seen = first.get(ours);
        if (seen === undefined) first.set(ours, r);
        else if (seen.stdout !== r.stdout || seen.fuelConsumed !== r.fuelConsumed) throw new BenchMismatch(`${program.name} under ${mode}: a repetition printed or consumed something else`);
        times.get(mode)!.push(r.regionMs);
        line.push(`${mode} ${r.regionMs.toFixed(1)}`);
      }
      o.progress(`${step} ${program.name}: round ${round + 1}/${o.repeats}: ${line.join(', ')} ms`);
    }
  } finally {
    if (scratch !== null) await rm(scratch, { recursive: true, force: true });
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
  const increments: Partial<Record<IncrementsKind, number>> = {};
  for (const kind of INCREMENTS_KINDS) {
    if (!o.modes.some((m) => BENCH_MODE_SPECS[m].increments === kind)) continue;
    o.progress(`${step} ${program.name}: count increments (${kind})`);
    const instrumented = INCREMENT_PIPELINES[kind];
    const plain = byPipeline.get(instrumented.slice(0, instrumented.lastIndexOf(',')));
    increments[kind] = await countIncrements(program, instrumented, engine, plain?.module.functions);
  }
  let profiledIncrements: number | null = null;
  if (o.profile && increments.placed !== undefined) {
    o.progress(`${step} ${program.name}: measure the edge profile`);
    const measured = await measureEdgeProfile(program, engine, base.stdout, byPipeline.get(PINNED_PIPELINE)?.module.functions);
    o.progress(`${step} ${program.name}: count increments (placed with the profile)`);
    profiledIncrements = await countIncrements(program, profiledIncrementsPipeline(measured.profile), engine);
  }
  for (const [peer, r] of peerFirst) {
    if (r.stdout !== base.stdout) throw new BenchMismatch(`${program.name}: the output under ${peer} differs from our none's`);
  }
  const noneMedian = median(times.get('none')!);
  const wasmtimeNone = o.peers === true ? median(times.get('wasmtime-none')!) : null;
  const peers: Partial<Record<PeerMode, PeerResult>> = {};
  if (wasmtimeNone !== null) {
    for (const peer of PEER_MODES) {
      const ts = times.get(peer)!;
      const m = median(ts);
      peers[peer] = { medianMs: m, minMs: Math.min(...ts), maxMs: Math.max(...ts), ratio: m / noneMedian, ratioToWasmtime: m / wasmtimeNone, fuelConsumed: peerFirst.get(peer)?.fuelConsumed ?? null };
    }
  }
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
      ratioToWasmtime: wasmtimeNone === null ? null : m / wasmtimeNone,
    };
  }
  return { name: program.name, modes, profiledIncrements, peers };
}

/** Measures every program under every mode; throws BenchMismatch when outputs or fuel differ. */
export async function runBench(programs: readonly BenchProgram[], o: BenchOptions): Promise<BenchReport> {
  registerUnitIncrements();
  if (o.peers === true) ensurePeerRunner();
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
  const geomeanVsWasmtime: Partial<Record<BenchMode | PeerMode, number>> = {};
  if (o.peers === true) {
    for (const mode of o.modes) geomeanVsWasmtime[mode] = geometricMean(benchmarks.map((b) => b.modes[mode]!.ratioToWasmtime!));
    for (const peer of PEER_MODES) geomeanVsWasmtime[peer] = geometricMean(benchmarks.map((b) => b.peers[peer]!.ratioToWasmtime));
  }
  return { geomean, incrementsRatio, estimateVsProfile, benchmarks, geomeanVsWasmtime, repeats: o.repeats, quick: o.quick, optLevel: o.optLevel };
}
