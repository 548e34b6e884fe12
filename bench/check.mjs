#!/usr/bin/env node
// Runs every benchmark and front-end fixture under node:wasi and compares with the committed
// expectations (called by bench/build.sh; needs no clang). --update rewrites the expectations.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import {
  benchExpected, benchWasm, fixtureDataDir, fixtureExpected, fixtureWasm,
  loadBenchManifest, loadFixtureManifest, root, runWasi,
} from './workloads.mjs';

const usage = `Usage: node bench/check.mjs [--update] [--quick]

Runs bench/wasm/*.wasm (at the default size and at the quick size) and
tests/fixtures/wasi/wasm/*.wasm under node:wasi and compares stdout (fixtures:
also stderr and exit code) with bench/expected/ and tests/fixtures/wasi/expected/.

  --update   write the expectations instead of comparing
  --quick    skip the default-size benchmark runs (the slow part, about 15 s)
`;

const argv = process.argv.slice(2);
if (argv.includes('-h') || argv.includes('--help')) {
  process.stdout.write(usage);
  process.exit(0);
}
for (const arg of argv) {
  if (arg !== '--update' && arg !== '--quick') {
    process.stderr.write(`check: unknown option '${arg}'\n${usage}`);
    process.exit(2);
  }
}
const update = argv.includes('--update');
const quickOnly = argv.includes('--quick');
let failures = 0;

function firstDifference(expected, actual) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if (a[i] !== b[i]) return `line ${i + 1}: expected ${JSON.stringify(a[i] ?? '<end>')}, got ${JSON.stringify(b[i] ?? '<end>')}`;
  return 'identical';
}

// Compares `actual` with the file (or writes it with --update).
function expect(label, file, actual) {
  if (update) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) {
    failures++;
    console.log(`FAIL ${label}: ${relative(root, file)} is missing (run with --update)`);
    return;
  }
  const expected = readFileSync(file, 'utf8');
  if (expected !== actual) {
    failures++;
    console.log(`FAIL ${label}: ${relative(root, file)} differs at ${firstDifference(expected, actual)}`);
  }
}

for (const program of loadBenchManifest()) {
  const sizes = quickOnly ? [true] : [false, true];
  for (const quick of sizes) {
    const label = `bench ${program.name}${quick ? ' (quick)' : ''}`;
    // The default size is the program's own default: run it without an argument.
    const run = runWasi(benchWasm(program.name), { args: quick ? [String(program.quickSize)] : [] });
    const size = quick ? program.quickSize : program.size;
    const header = `${program.name} size=${size}`;
    if (run.exitCode !== 0) {
      failures++;
      console.log(`FAIL ${label}: exit code ${run.exitCode}\n${run.stderr}`);
      continue;
    }
    if (run.stdout.split('\n')[0] !== header) {
      failures++;
      console.log(`FAIL ${label}: first line should be '${header}' (manifest and source disagree?)`);
      continue;
    }
    expect(label, benchExpected(program.name, quick), run.stdout);
    const ms = run.report?.regionMs;
    console.log(`${update ? 'wrote' : 'ok  '} ${label}${typeof ms === 'number' ? `  ${ms.toFixed(0)} ms` : ''}`);
  }
}

for (const fixture of loadFixtureManifest()) {
  const label = `fixture ${fixture.name}`;
  const run = runWasi(fixtureWasm(fixture.name), { args: fixture.args, env: fixture.env, dir: fixtureDataDir });
  const before = failures;
  expect(label, fixtureExpected(fixture.name, 'out'), run.stdout);
  expect(`${label} stderr`, fixtureExpected(fixture.name, 'err'), run.stderr);
  expect(`${label} exit code`, fixtureExpected(fixture.name, 'code'), `${run.exitCode}\n`);
  if (failures === before) console.log(`${update ? 'wrote' : 'ok  '} ${label}`);
}

if (failures > 0) {
  console.log(`${failures} mismatch(es)`);
  process.exit(1);
}
console.log(update ? 'expectations written' : 'all outputs match');
