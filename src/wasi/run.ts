// Runs a WASI command module (`_start`, or a named export) under a metering mode: the
// program's output goes to the given sinks, proc_exit becomes the exit code.
import { basename } from 'node:path';
import { z } from 'zod';
import { WASM_RUNTIME_SLOTS } from '../abi/index.js';
import { loadProfile, profileOptionSchema, type EdgeProfileFile } from '../passes/fuel/placement-clif/profile.js';
import { placeByProfile } from '../passes/fuel/placement-clif/profile-pipeline.js';
import { PipelineError } from '../passes/pipeline-syntax.js';
import { edgeProfileFromCounts, instrumentEdgeCounters, type EdgeCounterMap } from '../passes/profile/edge-counters.js';
import { OutOfFuel, RuntimeConfigError } from '../runtime/errors.js';
import { defaultPipeline, meteringModeSchema, PINNED_FUEL_PIPELINE } from '../runtime/metering.js';
import type { Function } from '../ir/index.js';
import { CompileCache } from '../wasm/compile-cache.js';
import { fuelCostsSchema, type FuelCosts } from '../wasm/fuel-costs.js';
import { translateThreadsSchema } from '../wasm/translate.js';
import { compileWasm, resourceLimitsSchema, type WasmInstance, type WasmInstantiateOptions, type WasmModule } from '../wasm/instance.js';
import type { Global } from '../wasm/global.js';
import type { Memory } from '../wasm/memory.js';
import type { Table } from '../wasm/table.js';
import type { WasmFunction } from '../wasm/wasm-function.js';
import { Store } from '../runtime/store.js';
import type { HostFunction } from '../runtime/instance.js';
import { WasmTrap } from '../wasm/trap-kinds.js';
import { deterministicClocks, deterministicRandom } from './deterministic.js';
import { exportedMemory } from './exported-memory.js';
import { WasiExit, WasiHost, type BenchMarks } from './host.js';

export const runWasiOptionsSchema = z
  .object({
    metering: meteringModeSchema,
    /** Budget; ignored by none, epoch and count. */
    fuel: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    /** argv[0] (default: the program's file name) is added in front of these. */
    args: z.array(z.string()).default([]),
    programName: z.string().default('program.wasm'),
    env: z.record(z.string(), z.string()).default({}),
    /** Preopened read-only as "."; null for none. Ignored when `dirs` is given. */
    dir: z.string().nullable().default(null),
    /** Directories preopened (read-only unless `writable`), each under its guest name (fds 3, 4, ... in order). */
    dirs: z.array(z.object({ host: z.string().min(1), guest: z.string().min(1), writable: z.boolean().default(false) }).strict()).optional(),
    invoke: z.string().default('_start'),
    /** The fuel pipeline replacing the mode's default (see compileWasm); the profile options set their own. */
    pipeline: z.string().optional(),
    /** Run the pipeline's native passes in Rust (see compileWasm: default, when all of it is native; false: all in TypeScript). */
    nativePasses: z.boolean().optional(),
    stdout: z.custom<(b: Uint8Array) => void>((f) => typeof f === 'function'),
    stderr: z.custom<(b: Uint8Array) => void>((f) => typeof f === 'function'),
    /** Which of fds 0, 1, 2 are terminals (see WasiOptions.terminals); default none. */
    terminals: z.tuple([z.boolean(), z.boolean(), z.boolean()]).optional(),
    /** random_get's source (default: the OS's random bytes); see WasiOptions.random. */
    random: z.custom<(b: Uint8Array) => void>((f) => typeof f === 'function').optional(),
    /**
     * random_get and the clocks as the fixed sequences of deterministic.ts (and of the
     * reference runner's --deterministic): the same run every time, fuel included.
     */
    deterministic: z.boolean().default(false),
    checkIntervalMs: z.union([z.number().positive().finite().max(60_000), z.literal(false)]).default(1),
    /** The checker's longest wait while the observed fuel rate allows (default max(20, interval)). */
    checkMaxIntervalMs: z.number().positive().finite().max(60_000).optional(),
    /**
     * Measure the edge profile (slacked, count): the code fuel-place would see
     * (fuel-pinned,fuel-drop-checks) gets a counter per CFG edge, and the report carries the
     * profile file fuel-place reads.
     */
    measureProfile: z.boolean().default(false),
    /** Slacked, count: fuel-place places the increments by this edge profile (path or object). */
    profile: profileOptionSchema.optional(),
    /** What the guest may allocate (see WasmInstantiateOptions.limits). */
    limits: resourceLimitsSchema.prefault({}),
    /** The linear-memory layout the code is compiled for (see CompileWasmOptions). */
    memoryReservation: z.number().int().nonnegative().max(2 ** 32).optional(),
    memoryGuardSize: z.number().int().nonnegative().max(2 ** 31).optional(),
    /** The compile cache's directory (see CompileCache); null: no cache. */
    cacheDir: z.string().min(1).nullable().default(null),
    /** Worker threads for the fuel pipeline (see CompileWasmOptions.jobs). */
    jobs: z.number().int().min(1).max(256).optional(),
    /** Load memory bases `can_move`, hoisted out of loops (see CompileWasmOptions.hoistMemoryBase). */
    hoistMemoryBase: z.boolean().optional(),
    /** Reserve the pinned register though no counter lives in it (see CompileWasmOptions.reservePinnedRegister). */
    reservePinnedRegister: z.boolean().optional(),
    /** Threads that translate the function bodies (see CompileWasmOptions.threads). */
    threads: translateThreadsSchema.optional(),
    /** The fuel each operator costs (see CompileWasmOptions.fuelCosts). */
    fuelCosts: z.custom<FuelCosts>((v) => fuelCostsSchema.safeParse(v).success, 'a fuel-cost table (src/wasm/fuel-costs.ts)').optional(),
    /** Bytes of stack wasm may use (see WasmInstantiateOptions.maxWasmStack). */
    maxWasmStack: z.number().int().min(16 * 1024).max(2 ** 30).optional(),
    /**
     * Modules instantiated first, in order, in the program's store, as the wasmtime CLI's
     * `--preload NAME=PATH`: a module's imports from NAME are that instance's exports (functions
     * called directly, memories, tables and globals shared); WASI is one context for all.
     */
    preload: z.array(z.object({ name: z.string().min(1), wasm: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'wasm bytes') }).strict()).default([]),
  })
  .strict();

export type RunWasiOptions = z.input<typeof runWasiOptionsSchema>;

export interface WasiRunReport {
  readonly exitCode: number;
  /** Null for none and epoch, and when the run ended in a trap or OutOfFuel. */
  readonly fuelConsumed: number | null;
  /** null, 'OutOfFuel', or the wasm trap kind. */
  readonly error: string | null;
  readonly message: string | null;
  readonly marks: BenchMarks;
  /**
   * The measured edge profile (`measureProfile`), else null. After a trap or OutOfFuel it
   * covers the run up to that point.
   */
  readonly profile: EdgeProfileFile | null;
}

/** Exit code for a trap or OutOfFuel (what wasmtime's CLI uses for traps). */
export const TRAP_EXIT_CODE = 134;

export async function runWasi(wasm: Uint8Array, options: RunWasiOptions): Promise<WasiRunReport> {
  const o = runWasiOptionsSchema.parse(options);
  if (o.deterministic && o.random !== undefined) throw new RuntimeConfigError('deterministic runs use their own random_get source: give random or deterministic, not both');
  const host = new WasiHost({
    args: [basename(o.programName), ...o.args],
    env: o.env,
    preopen: o.dir,
    ...(o.dirs === undefined ? {} : { preopens: o.dirs }),
    stdout: o.stdout,
    stderr: o.stderr,
    ...(o.random === undefined ? {} : { random: o.random }),
    ...(o.deterministic ? { random: deterministicRandom(), clocks: deterministicClocks() } : {}),
    ...(o.terminals === undefined ? {} : { terminals: o.terminals }),
  });
  const pinned = o.metering === 'slacked' || o.metering === 'count';
  if ((o.measureProfile || o.profile !== undefined) && !pinned) throw new RuntimeConfigError('edge profiles apply to the slacked and count modes (the code fuel-place works on)');
  if (o.measureProfile && o.profile !== undefined) throw new RuntimeConfigError('measure a profile or place by one, not both in one run');
  // A profile guides the fuel-place steps of the mode's own pipeline (loaded once here: a path
  // in the pipeline would be read again for every function).
  let profiled: string | undefined;
  if (o.profile !== undefined) {
    try {
      profiled = placeByProfile(o.pipeline ?? (await defaultPipeline(o.metering)), loadProfile(o.profile));
    } catch (error) {
      if (error instanceof PipelineError) throw new RuntimeConfigError(error.message);
      throw error;
    }
  }
  let counters: EdgeCounterMap | undefined;
  const instrument = (fns: readonly Function[]) => {
    counters = instrumentEdgeCounters(fns, { slot: WASM_RUNTIME_SLOTS.profileCounters });
    return { profileCounters: counters.counters };
  };
  const memory = {
    ...(o.memoryReservation === undefined ? {} : { memoryReservation: o.memoryReservation }),
    ...(o.memoryGuardSize === undefined ? {} : { memoryGuardSize: o.memoryGuardSize }),
  };
  // What every module of the run is compiled with (the profile options apply to the program).
  const shared = {
    ...(o.cacheDir === null ? {} : { cache: new CompileCache(o.cacheDir) }),
    ...(o.jobs === undefined ? {} : { jobs: o.jobs }),
    ...(o.pipeline === undefined ? {} : { pipeline: o.pipeline }),
    ...(o.nativePasses === undefined ? {} : { nativePasses: o.nativePasses }),
    ...(o.fuelCosts === undefined ? {} : { fuelCosts: o.fuelCosts }),
    ...(o.hoistMemoryBase === undefined ? {} : { hoistMemoryBase: o.hoistMemoryBase }),
    ...(o.reservePinnedRegister === undefined ? {} : { reservePinnedRegister: o.reservePinnedRegister }),
    ...(o.threads === undefined ? {} : { threads: o.threads }),
  };
  const module = await compileWasm(wasm, o.metering, undefined, {
    ...memory,
    ...shared,
    ...(o.measureProfile
      ? { pipeline: PINNED_FUEL_PIPELINE, transform: instrument }
      : profiled !== undefined
        ? { pipeline: profiled }
        : {}),
  });
  const store = new Store();
  const instantiateOptions = {
    store,
    limits: o.limits,
    ...(o.maxWasmStack === undefined ? {} : { maxWasmStack: o.maxWasmStack }),
    checkIntervalMs: o.checkIntervalMs,
    ...(o.checkMaxIntervalMs === undefined ? {} : { checkMaxIntervalMs: o.checkMaxIntervalMs }),
  };
  const preloaded = new Map<string, WasmInstance>();
  let instance: WasmInstance | undefined;
  try {
    for (const p of o.preload) {
      if (preloaded.has(p.name)) throw new RuntimeConfigError(`two modules preloaded as ${p.name}`);
      const lib = await compileWasm(p.wasm, o.metering, undefined, { ...memory, ...shared });
      preloaded.set(p.name, await instantiateLinked(lib, host, preloaded, instantiateOptions));
    }
    instance = await instantiateLinked(module, host, preloaded, instantiateOptions);
  } catch (error) {
    for (const lib of preloaded.values()) lib.dispose();
    host.close();
    throw error;
  }
  host.attach(exportedMemory(instance));
  try {
    // Wasmtime's store pays for instantiation first (the preloaded modules' too): the run's
    // fuel and budget include it.
    const before = [...preloaded.values(), instance].reduce((sum, i) => sum + (i.instantiationFuel ?? 0), 0);
    const ran = await runToEnd(() => instance.call(o.invoke, [], o.fuel === undefined ? {} : { fuel: Math.max(0, o.fuel - before) }));
    const outcome = { ...ran, fuelConsumed: ran.fuelConsumed === null ? null : ran.fuelConsumed + before };
    let profile: EdgeProfileFile | null = null;
    if (counters !== undefined) {
      try {
        profile = edgeProfileFromCounts(counters, instance.readProfileCounters());
      } catch (error) {
        const how = outcome.error ?? `exit code ${outcome.exitCode}`;
        throw new RuntimeConfigError(`the run ended (${how}), but its profile counters could not be read: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { ...outcome, marks: host.marks, profile };
  } finally {
    instance.dispose();
    for (const lib of preloaded.values()) lib.dispose();
    host.close();
  }
}

/**
 * Instantiates `module` in the run's store: imports from a preloaded name are that instance's
 * exports, the rest WASI's (over the instance's own `memory` export) and `bench`'s.
 */
async function instantiateLinked(module: WasmModule, host: WasiHost, preloaded: ReadonlyMap<string, WasmInstance>, options: Omit<WasmInstantiateOptions, 'imports' | 'metering'>): Promise<WasmInstance> {
  let self: WasmInstance | undefined;
  const wasi = host.imports(() => {
    if (self === undefined) throw new RuntimeConfigError('a WASI function was called before its instance existed (from a start function)');
    return exportedMemory(self);
  });
  const imports: Record<string, Record<string, HostFunction | Memory | WasmFunction | Table | Global>> = { ...wasi };
  for (const imp of module.translated.imports) {
    const lib = preloaded.get(imp.module);
    if (lib === undefined) continue;
    const entry = (imports[imp.module] ??= {});
    entry[imp.name] = imp.kind === 'func' ? lib.func(imp.name) : imp.kind === 'memory' ? lib.memory(imp.name) : imp.kind === 'table' ? lib.table(imp.name) : lib.global(imp.name);
  }
  self = await module.instantiate({ ...options, imports });
  return self;
}

/** How a call ended: its exit code and fuel, or the trap or OutOfFuel that stopped it. */
async function runToEnd(call: () => Promise<{ fuelConsumed: number | null }>): Promise<Omit<WasiRunReport, 'marks' | 'profile'>> {
  try {
    const r = await call();
    return { exitCode: 0, fuelConsumed: r.fuelConsumed, error: null, message: null };
  } catch (error) {
    if (error instanceof WasiExit) return { exitCode: error.code, fuelConsumed: error.fuelConsumed, error: null, message: null };
    if (error instanceof OutOfFuel) return { exitCode: TRAP_EXIT_CODE, fuelConsumed: null, error: 'OutOfFuel', message: error.message };
    if (error instanceof WasmTrap) return { exitCode: TRAP_EXIT_CODE, fuelConsumed: null, error: error.kind, message: error.message };
    throw error;
  }
}
