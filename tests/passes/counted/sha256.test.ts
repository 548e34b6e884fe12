// The built-in SHA-256 bench program (bench/programs/sha256.c): clang peeled the last of
// `compress`'s 64 rounds, so the round loop exits from its top (`i == 252` on the byte offset,
// stepped by 4). fuel-counted-loops now counts it: check-fuel proves the function against the
// vanilla translation, the round loop's increments are no longer executed per round, and the
// program still consumes exactly the fuel real Wasmtime 48 reported for it
// (tests/fixtures/wasmtime/fuel.json, recorded by the reference runner).
import { readFileSync } from 'node:fs';
import test from 'ava';
import { AnalysisCache } from '../../../src/analysis/cache.js';
import { registerUnitIncrements } from '../../../src/bench/unit-increments.js';
import { parse } from '../../../src/ir/index.js';
import { checkFuel } from '../../../src/passes/fuel/check/index.js';
import { findCountedLoops } from '../../../src/passes/fuel/counted/find.js';
import { functionFlowGraph } from '../../../src/passes/flow-graph.js';
import { PassManager } from '../../../src/passes/index.js';
import { SLACKED_FUEL_PIPELINE, UNCOUNTED_FUEL_PIPELINE } from '../../../src/runtime/metering.js';
import { runWasi } from '../../../src/wasi/index.js';
import { translate } from '../../../src/wasm/index.js';
import { fuelFixtureSchema, WASMTIME_FUEL_FIXTURE } from '../../peers/fuel-cases.js';
import { benchWasmPath, loadBenchManifest } from '../../workloads/workloads.js';

const wasm = readFileSync(benchWasmPath('sha256'));
const quick = String(loadBenchManifest().find((p) => p.name === 'sha256')!.quickSize);

test("compress's round loop exits from its top and is counted; check-fuel proves the function", (t) => {
  const placed = PassManager.build(UNCOUNTED_FUEL_PIPELINE);
  const counted = PassManager.build(SLACKED_FUEL_PIPELINE);
  const rounds: string[] = [];
  for (const f of translate(new Uint8Array(wasm), { metering: 'vanilla' }).functions) {
    const fn = parse(f.clif).functions[0]!;
    placed.run(fn);
    const found = findCountedLoops(fn, new AnalysisCache(() => functionFlowGraph(fn)), false).loops;
    const round = found.find((l) => l.exitAt === 'top' && l.bound.kind === 'const' && l.bound.value === 252n);
    if (round === undefined) continue;
    // `i == 252` tested before the round's second half; `i += 4` carried round; 88 fuel per round
    // (all of it after the test once fuel-place has moved the rest to the exit).
    t.like(round, { testsStepped: false, step: 4n, shift: 2, charge: 88n, topCharge: 0n });
    const after = parse(f.clif).functions[0]!;
    t.is(counted.run(after).stats.get('fuel-counted-loops.versioned'), found.length);
    const r = checkFuel(parse(f.clif).functions[0]!, after);
    t.true(r.ok, JSON.stringify(r));
    rounds.push(f.clif.split('\n').find((l) => l.startsWith('function'))!);
  }
  t.is(rounds.length, 1, rounds.join('\n'));
});

test("slacked consumes Wasmtime's fuel to the unit, and executes under a tenth of fuel-place's increments", async (t) => {
  const fixture = fuelFixtureSchema.parse(JSON.parse(readFileSync(WASMTIME_FUEL_FIXTURE, 'utf8')));
  const want = fixture.cases.find((c) => c.name === 'bench/sha256')!;
  const run = (metering: 'slacked' | 'count', pipeline: string) => runWasi(wasm, { metering, pipeline, args: [quick], programName: 'sha256.wasm', stdout: () => {}, stderr: () => {} });
  const r = await run('slacked', SLACKED_FUEL_PIPELINE);
  t.is(r.exitCode, 0);
  t.is(r.fuelConsumed, want.fuel);
  // Every increment adds 1: how many increments each pipeline executes.
  registerUnitIncrements();
  const uncounted = (await run('count', `${UNCOUNTED_FUEL_PIPELINE},fuel-unit-increments`)).fuelConsumed!;
  const counted = (await run('count', `${SLACKED_FUEL_PIPELINE},fuel-unit-increments`)).fuelConsumed!;
  t.log({ uncounted, counted });
  // One increment per round of every compress call was the bulk of them: at this size 905,764 of
  // 23,779,074 now, 12,080,272 (more than half) while the round loop was not counted.
  t.true(counted * 10 < uncounted, `${counted} of ${uncounted}`);
});
