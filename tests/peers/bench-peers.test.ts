// The plumbing of `bench --peers` with a stand-in runner (tests/peers/fake-runner.mjs): peer
// modes interleaved, their output checked against ours, every ratio reported against both
// bases; the real runner's figures are in docs/results.md.
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { PeerRunnerError, runPeer } from '../../src/bench/peers.js';
import { peerTable, svgChart } from '../../src/bench/report.js';
import { builtinPrograms, runBench } from '../../src/bench/suite.js';

const benchDir = fileURLToPath(new URL('../../bench/', import.meta.url));
const fake = fileURLToPath(new URL('./fake-runner.mjs', import.meta.url));

test.serial('bench --peers runs the peer modes in the same rounds and reports ratios to wasmtime-none', async (t) => {
  process.env['SLACKFUEL_WASMTIME_RUNNER'] = fake;
  try {
    const programs = await builtinPrograms(benchDir, true, new Set(['fib']));
    const lines: string[] = [];
    const report = await runBench(programs, { modes: ['none', 'vanilla'], repeats: 2, quick: true, optLevel: 'speed', profile: false, peers: true, progress: (l) => lines.push(l) });
    t.true(lines.some((l) => /round 1\/2: .*wasmtime-none 10\.0/.test(l)));
    const fib = report.benchmarks[0]!;
    t.is(fib.peers['wasmtime-none']!.medianMs, 10);
    t.is(fib.peers['wasmtime-fuel']!.ratioToWasmtime, 1.3);
    t.is(fib.peers['wasmtime-fuel']!.fuelConsumed, 1234);
    t.is(fib.modes.none!.ratioToWasmtime, fib.modes.none!.medianMs / 10);
    t.deepEqual(Object.keys(report.geomeanVsWasmtime).sort(), ['none', 'vanilla', 'wasmtime-epoch', 'wasmtime-fuel', 'wasmtime-none']);
    const table = peerTable(report);
    t.regex(table, /\| program \| wasmtime-none \| wasmtime-fuel \| wasmtime-epoch \| none \| vanilla \| fuel: Wasmtime − our vanilla \|/);
    t.regex(table, /\| fib \| 1\.000 \(10\.0; 10\.0–10\.0\) \| 1\.300 \(13\.0; 13\.0–13\.0\)/);
    t.regex(svgChart(report, 'wasmtime-none'), /data-mode="wasmtime-epoch"[^>]*><title>fib wasmtime-epoch: 1\.200</);
    t.regex(svgChart(report), /real Wasmtime|our none/);
  } finally {
    delete process.env['SLACKFUEL_WASMTIME_RUNNER'];
  }
});

test.serial('a missing runner is a PeerRunnerError that says how to build it', async (t) => {
  process.env['SLACKFUEL_WASMTIME_RUNNER'] = '/nonexistent/wasmtime-runner';
  try {
    await t.throwsAsync(runPeer({ mode: 'none', wasmFile: 'x.wasm', args: [], dir: null }), { instanceOf: PeerRunnerError, message: /npm run peer:build/ });
  } finally {
    delete process.env['SLACKFUEL_WASMTIME_RUNNER'];
  }
});

test.serial('a compile-only run passes --compile-only and the thread count to the runner and reports the compile alone', async (t) => {
  process.env['SLACKFUEL_WASMTIME_RUNNER'] = fake;
  try {
    const wasmFile = fileURLToPath(new URL('../../bench/wasm/fib.wasm', import.meta.url));
    const report = await runPeer({ mode: 'none', wasmFile, args: [], dir: null, compileOnly: true, compileThreads: 3 });
    t.is(report.message, 'compiled only');
    t.is(report.compileMs, 3);
    t.is(report.stdout, '');
  } finally {
    delete process.env['SLACKFUEL_WASMTIME_RUNNER'];
  }
});
