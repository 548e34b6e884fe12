// Profile-guided placement whenever a profile is given: placeByProfile hands the profile to every
// fuel-place and fuel-counted-loops step of the pipeline it is given, keeping the other steps and options, and refuses
// a pipeline without fuel-place; runWasi places by the profile within the mode's own pipeline.
import test from 'ava';
import { parsePipeline, placeByProfile } from '../../../src/passes/index.js';
import { PipelineError } from '../../../src/passes/pipeline-syntax.js';
import { RuntimeConfigError } from '../../../src/runtime/errors.js';
import { runWasi } from '../../../src/wasi/index.js';
import { readFileSync } from 'node:fs';

const profile = { 'u0:1': { entryCount: 3, edges: { '0->1': 3 } } };

test('the profile goes to fuel-place and fuel-counted-loops; the other steps and their options stay', (t) => {
  const text = placeByProfile('fuel-pinned{location=wasmtime-2026},fuel-drop-checks,fuel-place{split-edge-cost=2},fuel-counted-loops{max-hot-ratio=2}', profile);
  t.deepEqual(parsePipeline(text), [
    { name: 'fuel-pinned', options: { location: 'wasmtime-2026' } },
    { name: 'fuel-drop-checks' },
    { name: 'fuel-place', options: { splitEdgeCost: 2, profile } },
    { name: 'fuel-counted-loops', options: { maxHotRatio: 2, profile } },
  ]);
});

test('a pipeline without fuel-place cannot take a profile', (t) => {
  t.throws(() => placeByProfile('fuel-pinned,fuel-drop-checks', profile), { instanceOf: PipelineError, message: /does not run/ });
});

test('runWasi: a profile with a pipeline that does not place is a configuration error', async (t) => {
  const wasm = readFileSync(new URL('../../../bench/wasm/fib.wasm', import.meta.url));
  await t.throwsAsync(runWasi(wasm, { metering: 'slacked', pipeline: 'fuel-pinned,fuel-drop-checks', profile, args: ['5'], stdout: () => {}, stderr: () => {} }), {
    instanceOf: RuntimeConfigError,
    message: /does not run/,
  });
});
