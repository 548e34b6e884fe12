// The measured edge profile of a benchmark: the program compiled in its pinned form (the CFG
// fuel-place sees), instrumented with edge counters, run once under `count`.
import { WASM_RUNTIME_SLOTS } from '../abi/index.js';
import type { Function } from '../ir/index.js';
import type { EdgeProfileFile } from '../passes/fuel/placement-clif/profile.js';
import { edgeProfileFromCounts, instrumentEdgeCounters, type EdgeCounterMap } from '../passes/profile/edge-counters.js';
import type { Engine } from '../runtime/engine.js';
import { compileWasm } from '../wasm/instance.js';
import { PINNED_PIPELINE } from './modes.js';
import { BenchRunError, runOnce } from './run-once.js';
import type { BenchProgram } from './suite.js';

export interface MeasuredProfile {
  readonly profile: EdgeProfileFile;
  /** Counters the run maintained (entries plus edges, all functions). */
  readonly counters: number;
}

/** `pinned`: the program's CLIF already through PINNED_PIPELINE, reused if given. */
export async function measureEdgeProfile(program: BenchProgram, engine: Engine, expectedStdout: string, pinned?: readonly Function[]): Promise<MeasuredProfile> {
  let map: EdgeCounterMap | undefined;
  const module = await compileWasm(program.wasm, 'count', engine, {
    pipeline: PINNED_PIPELINE,
    ...(pinned === undefined ? {} : { prepared: pinned }),
    transform: (functions) => {
      map = instrumentEdgeCounters(functions, { slot: WASM_RUNTIME_SLOTS.profileCounters });
      return { profileCounters: map.counters };
    },
  });
  if (map === undefined) throw new BenchRunError(`${program.name}: no functions to profile`);
  const r = await runOnce(module, program.args, `${program.name}.wasm`, program.dir, map.counters);
  if (r.exitCode !== 0) throw new BenchRunError(`${program.name}: the profiling run exited with ${r.exitCode}`);
  if (r.stdout !== expectedStdout) throw new BenchRunError(`${program.name}: the profiling run printed something else than none`);
  return { profile: edgeProfileFromCounts(map, r.profileCounts), counters: map.counters };
}

/** The placed pipeline with fuel-place and fuel-counted-loops fed `profile`, counting increments (fuel = increments run). */
export function profiledIncrementsPipeline(profile: EdgeProfileFile): string {
  const options = JSON.stringify({ profile });
  return `${PINNED_PIPELINE},fuel-place${options},fuel-counted-loops${options},fuel-unit-increments`;
}
