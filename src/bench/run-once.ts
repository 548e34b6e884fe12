// One run of a compiled WASI benchmark: a fresh instance (machine code compiled by the addon),
// `_start`, the program's stdout, the fuel and the time between bench.start and bench.end.
import { OutOfFuel } from '../runtime/errors.js';
import { exportedMemory } from '../wasi/exported-memory.js';
import { WasiExit, WasiHost } from '../wasi/host.js';
import type { WasmModule } from '../wasm/instance.js';
import { WasmTrap } from '../wasm/trap-kinds.js';

export interface RunOutcome {
  readonly stdout: string;
  readonly exitCode: number;
  readonly fuelConsumed: number | null;
  /**
   * bench.start → bench.end; the `_start` call alone when the program does not mark a region
   * (as the Wasmtime runner times it: instantiation and teardown are not part of it).
   */
  readonly regionMs: number;
  /** Native compile + instance setup (the addon JIT-compiles per instance). */
  readonly instantiateMs: number;
  /** Machine-code bytes of the wasm functions (`u0:N`). */
  readonly codeBytes: number;
  /** The edge-profile counters after the run (empty unless `profileCounters` was given). */
  readonly profileCounts: readonly number[];
}

export class BenchRunError extends Error {
  override readonly name = 'BenchRunError';
}

/** `layoutSeed`: lay the instance's code out by this seed (`codeLayoutSeed`); aligned when absent. */
export async function runOnce(module: WasmModule, args: readonly string[], programName: string, dir: string | null = null, profileCounters = 0, layoutSeed?: number): Promise<RunOutcome> {
  const chunks: Uint8Array[] = [];
  const host = new WasiHost({ args: [programName, ...args], env: {}, preopen: dir, stdout: (b) => chunks.push(b.slice()), stderr: () => {} });
  const t0 = process.hrtime.bigint();
  const instance = await module.instantiate({
    imports: host.imports(),
    ...(profileCounters > 0 ? { profileCounters } : {}),
    ...(layoutSeed === undefined ? {} : { codeLayoutSeed: layoutSeed }),
  });
  const t1 = process.hrtime.bigint();
  host.attach(exportedMemory(instance));
  let exitCode = 0;
  let fuelConsumed: number | null = null;
  let profileCounts: readonly number[] = [];
  const called = process.hrtime.bigint();
  let returned = called;
  try {
    const r = await instance.call('_start', []);
    returned = process.hrtime.bigint();
    fuelConsumed = r.fuelConsumed === null ? null : r.fuelConsumed + (instance.instantiationFuel ?? 0);
  } catch (error) {
    returned = process.hrtime.bigint();
    if (error instanceof WasiExit) {
      exitCode = error.code;
      fuelConsumed = error.fuelConsumed === null ? null : error.fuelConsumed + (instance.instantiationFuel ?? 0);
    } else if (error instanceof OutOfFuel || error instanceof WasmTrap) {
      throw new BenchRunError(`${programName} under ${module.metering}: ${error.message}`);
    } else {
      throw error;
    }
  } finally {
    if (profileCounters > 0 || module.profileCounters > 0) profileCounts = instance.readProfileCounters();
    instance.dispose();
  }
  const { start, end } = host.marks;
  const regionNs = start !== null && end !== null ? end - start : returned - called;
  const codeBytes = instance.codeSizes.filter((f) => f.name.startsWith('u0:')).reduce((s, f) => s + f.codeSize, 0);
  return {
    stdout: Buffer.concat(chunks).toString('utf8'),
    exitCode,
    fuelConsumed,
    regionMs: Number(regionNs) / 1e6,
    instantiateMs: Number(t1 - t0) / 1e6,
    codeBytes,
    profileCounts,
  };
}
