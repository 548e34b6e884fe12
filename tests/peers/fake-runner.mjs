#!/usr/bin/env node
// A stand-in for peers/wasmtime-runner in plumbing tests: answers `run --mode M ... FILE ARGS`
// for a built-in benchmark program with its committed output and made-up times, in the real
// runner's JSON shape. It measures nothing.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const argv = process.argv.slice(2);
const mode = argv[argv.indexOf('--mode') + 1];
const file = argv.find((a) => a.endsWith('.wasm'));
const args = argv.slice(argv.indexOf(file) + 1);
const name = basename(file, '.wasm');
const manifest = JSON.parse(readFileSync(new URL('../../bench/manifest.json', import.meta.url), 'utf8'));
const program = manifest.programs.find((p) => p.name === name);
const quick = program !== undefined && String(program.quickSize) === args[0];
const stdout = readFileSync(new URL(`../../bench/expected/${name}${quick ? '.quick' : ''}.out`, import.meta.url), 'utf8');
const regionMs = { none: 10, fuel: 13, epoch: 12 }[mode];
// --compile-only reports the compile alone; its time here is the thread count it was given.
if (argv.includes('--compile-only')) {
  const compileMs = Number(process.env.RAYON_NUM_THREADS ?? 0);
  console.log(JSON.stringify({ wasmtimeVersion: 'fake', mode, exitCode: 0, trap: null, message: 'compiled only', fuelConsumed: null, instantiateFuel: null, regionMs: 0, compileMs, totalMs: 0, stdout: '', results: [] }));
  process.exit(0);
}
console.log(JSON.stringify({ wasmtimeVersion: 'fake', mode, exitCode: 0, trap: null, message: null, fuelConsumed: mode === 'fuel' ? 1234 : null, instantiateFuel: mode === 'fuel' ? 0 : null, regionMs, compileMs: 1, totalMs: regionMs + 1, stdout, results: [] }));
