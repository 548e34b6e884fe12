#!/usr/bin/env node
// Measures every benchmark under V8 (node:wasi): median time of the region between bench.start
// and bench.end over interleaved runs, printed as the markdown table in bench/README.md.
import { benchWasm, loadBenchManifest, runWasi } from './workloads.mjs';

const usage = `Usage: node bench/measure.mjs [--runs N] [--quick] [NAME...]

Runs each benchmark N times (default 5), round-robin so that drift hits all
alike, and prints a markdown table: median of the measured region (bench.start
to bench.end), its min-max spread, and the median whole run (instantiate + _start).

  --runs N   repetitions per benchmark (default 5)
  --quick    use each benchmark's quick size instead of its default size
`;

const argv = process.argv.slice(2);
let runs = 5;
let quick = false;
const names = [];
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '-h' || arg === '--help') {
    process.stdout.write(usage);
    process.exit(0);
  } else if (arg === '--runs') {
    runs = Number(argv[++i]);
    if (!Number.isInteger(runs) || runs < 1) {
      process.stderr.write('measure: --runs needs a positive integer\n');
      process.exit(2);
    }
  } else if (arg === '--quick') quick = true;
  else if (arg.startsWith('-')) {
    process.stderr.write(`measure: unknown option '${arg}'\n${usage}`);
    process.exit(2);
  } else names.push(arg);
}

const manifest = loadBenchManifest();
const unknown = names.filter((n) => !manifest.some((p) => p.name === n));
if (unknown.length > 0) {
  process.stderr.write(`measure: unknown benchmark(s): ${unknown.join(', ')}\n`);
  process.exit(2);
}
const programs = names.length === 0 ? manifest : manifest.filter((p) => names.includes(p.name));
const samples = new Map(programs.map((p) => [p.name, { region: [], total: [] }]));

for (let round = 1; round <= runs; round++) {
  for (const program of programs) {
    process.stderr.write(`\rround ${round}/${runs}: ${program.name.padEnd(16)}`);
    const run = runWasi(benchWasm(program.name), { args: [String(quick ? program.quickSize : program.size)] });
    if (run.exitCode !== 0 || run.report === null || typeof run.report.regionMs !== 'number') {
      process.stderr.write(`\nmeasure: ${program.name} failed (exit code ${run.exitCode})\n${run.stderr}`);
      process.exit(1);
    }
    const s = samples.get(program.name);
    s.region.push(run.report.regionMs);
    s.total.push(run.report.compileMs + run.report.runMs);
  }
}
process.stderr.write('\r' + ' '.repeat(40) + '\r');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

console.log('| program | stresses | size | V8 median (ms) | spread (ms) | whole run (ms) |');
console.log('|---|---|---:|---:|---:|---:|');
for (const program of programs) {
  const s = samples.get(program.name);
  const stresses = program.stresses.replace(/\.$/, '');
  console.log(`| ${program.name} | ${stresses} | ${quick ? program.quickSize : program.size} | ${median(s.region).toFixed(0)} | ` +
    `${Math.min(...s.region).toFixed(0)}–${Math.max(...s.region).toFixed(0)} | ${median(s.total).toFixed(0)} |`);
}
