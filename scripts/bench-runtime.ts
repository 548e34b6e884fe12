// Runtime benchmark (not a test): `npm run bench:runtime` (tsx scripts/bench-runtime.ts).
//  1. Detection latency of the asynchronous checker: how long after the counter crosses 0 a
//     slacked call ends in OutOfFuel, against the check interval. The crossing time is
//     computed from the fuel rate measured in count mode on the same code.
//  2. Run time of each metering mode relative to `none` on the bundled examples, calls
//     interleaved across modes, medians.
import { readFileSync } from 'node:fs';
import { Engine, OutOfFuel, compareModes, median, type ModeRow } from '../src/runtime/index.js';

const sum = readFileSync(new URL('../examples/wasmtime-fuel.clif', import.meta.url), 'utf8');
const hostCalls = readFileSync(new URL('../examples/wasmtime-host-calls.clif', import.meta.url), 'utf8');
const engine = new Engine();
const samples = Number(process.env['BENCH_SAMPLES'] ?? 15);

async function timed<T>(f: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
}

async function detectionLatency(): Promise<void> {
  const n = 200_000_000; // far more work than any budget below allows
  const count = (await engine.compile(sum, { metering: 'count' })).instantiate();
  const slackedModule = await engine.compile(sum, { metering: 'slacked' });
  // Fuel per millisecond, from a long count-mode run; and the fixed cost of a call.
  const probeN = 20_000_000;
  await count.call('u0:0', [probeN]);
  const probes: number[] = [];
  for (let i = 0; i < 5; i++) probes.push(await timed(() => count.call('u0:0', [probeN])));
  const probe = median(probes);
  const rate = (6 * probeN + 3) / probe;
  const overheads: number[] = [];
  for (let i = 0; i < 15; i++) overheads.push(await timed(() => count.call('u0:0', [1])));
  const overhead = median(overheads);
  count.dispose();
  // The crossing time varies per sample (1.5–3.5 ms, evenly spread) so it does not align with the timer's phase.
  const crossings = Array.from({ length: samples }, (_, i) => 1.5 + (2 * i) / Math.max(1, samples - 1));
  console.log(`fuel rate ${(rate / 1000).toFixed(0)} fuel/us (count mode); call overhead ${(overhead * 1000).toFixed(0)} us; the counter crosses 0 after 1.5–3.5 ms; ${samples} samples per interval`);
  console.log('\n| check interval | median latency | p90 latency | detected by checker |');
  console.log('|---|---|---|---|');
  for (const interval of [0.1, 0.25, 0.5, 1, 2, 5, 10]) {
    const instance = slackedModule.instantiate({ checkIntervalMs: interval });
    const lat: number[] = [];
    let byChecker = 0;
    for (let i = 0; i < samples; i++) {
      const budget = Math.round(rate * crossings[i]!);
      const t0 = performance.now();
      try {
        await instance.call('u0:0', [n], { fuel: budget });
      } catch (error) {
        if (!(error instanceof OutOfFuel)) throw error;
        if (error.detectedBy === 'checker') byChecker++;
      }
      lat.push(performance.now() - t0 - overhead - budget / rate);
    }
    instance.dispose();
    lat.sort((a, b) => a - b);
    const p90 = lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.9))]!;
    console.log(`| ${interval} ms | ${(median(lat) * 1000).toFixed(0)} us | ${(p90 * 1000).toFixed(0)} us | ${byChecker}/${samples} |`);
  }
}

/**
 * Pacing: long calls (the counter crosses 0 after 20–120 ms) under a fixed 1 ms period and under
 * the paced checker (1 ms minimum, 20 or 100 ms maximum): latency, and signals sent per call.
 */
async function pacedLatency(): Promise<void> {
  const n = 2_000_000_000;
  const count = (await engine.compile(sum, { metering: 'count' })).instantiate();
  const slackedModule = await engine.compile(sum, { metering: 'slacked' });
  const probes: number[] = [];
  // The rate over calls as long as the measured ones (short calls run at another rate).
  let probeFuel = 0;
  for (let i = 0; i < 5; i++) probes.push(await timed(async () => (probeFuel = (await count.call('u0:0', [200_000_000])).fuelConsumed ?? 0)));
  const rate = probeFuel / median(probes);
  count.dispose();
  const crossings = Array.from({ length: samples }, (_, i) => 20 + (100 * i) / Math.max(1, samples - 1));
  console.log(`\nPaced checking: the counter crosses 0 after 20–120 ms; ${samples} samples per setting\n`);
  console.log('| checker | median latency | p90 latency | checks per call (median) |');
  console.log('|---|---|---|---|');
  const settings: [string, number, number][] = [
    ['fixed 1 ms', 1, 1],
    ['paced 1–20 ms (default)', 1, 20],
    ['paced 1–100 ms', 1, 100],
  ];
  for (const [label, min, max] of settings) {
    const instance = slackedModule.instantiate({ checkIntervalMs: min, checkMaxIntervalMs: max });
    const sent = instance.checker();
    const lat: number[] = [];
    const checks: number[] = [];
    for (let i = 0; i < samples; i++) {
      const budget = Math.round(rate * crossings[i]!);
      const before = sent.sent;
      const t0 = performance.now();
      try {
        await instance.call('u0:0', [n], { fuel: budget });
      } catch (error) {
        if (!(error instanceof OutOfFuel)) throw error;
      }
      lat.push(performance.now() - t0 - budget / rate);
      checks.push(sent.sent - before);
    }
    instance.dispose();
    lat.sort((a, b) => a - b);
    const p90 = lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.9))]!;
    console.log(`| ${label} | ${(median(lat) * 1000).toFixed(0)} us | ${(p90 * 1000).toFixed(0)} us | ${median(checks)} |`);
  }
}

function printRows(title: string, rows: readonly ModeRow[]): void {
  console.log(`\n${title}\n\n| mode | fuel consumed | median | vs none |\n|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.mode} | ${r.fuelConsumed ?? '-'} | ${r.medianMs.toFixed(3)} ms | ${r.ratioToNone.toFixed(3)} |`);
}

async function modeRatios(): Promise<void> {
  printRows(
    'examples/wasmtime-fuel.clif u0:0(20000000), 21 interleaved calls per mode',
    await compareModes(sum, { fn: 'u0:0', args: [20_000_000], fuel: 1e9, repeats: 21 }, engine),
  );
  printRows(
    'examples/wasmtime-host-calls.clif u0:0(2000) (one host call per iteration), 11 interleaved calls per mode',
    await compareModes(hostCalls, { fn: 'u0:0', args: [2000], fuel: 1e9, repeats: 11, imports: { accumulate: (a, b) => Number(a) + Number(b) } }, engine),
  );
}

console.log('# slackfuel runtime benchmark\n');
console.log('## Detection latency (slacked, asynchronous checker)\n');
await detectionLatency();
await pacedLatency();
console.log('\n## Run time per metering mode\n');
await modeRatios();
