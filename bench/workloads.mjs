// Shared by bench/check.mjs and bench/measure.mjs: where the workloads live, their manifests,
// and one way to run a module under node:wasi (scripts/run-node-wasi.mjs) and collect the result.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const benchDir = join(root, 'bench');
export const fixturesDir = join(root, 'tests', 'fixtures', 'wasi');
export const runner = join(root, 'scripts', 'run-node-wasi.mjs');

function fail(message) {
  throw new Error(message);
}

const namePattern = /^[a-z0-9_]+$/;

/** bench/manifest.json: [{name, stresses, size, quickSize}] */
export function loadBenchManifest() {
  const data = JSON.parse(readFileSync(join(benchDir, 'manifest.json'), 'utf8'));
  if (!Array.isArray(data?.programs)) fail('bench/manifest.json: expected {"programs": [...]}');
  for (const p of data.programs) {
    if (typeof p.name !== 'string' || !namePattern.test(p.name)) fail(`bench/manifest.json: bad name ${JSON.stringify(p.name)}`);
    if (typeof p.stresses !== 'string') fail(`bench/manifest.json: ${p.name}: missing "stresses"`);
    for (const key of ['size', 'quickSize'])
      if (!Number.isSafeInteger(p[key]) || p[key] <= 0) fail(`bench/manifest.json: ${p.name}: "${key}" must be a positive integer`);
  }
  return data.programs;
}

/** tests/fixtures/wasi/manifest.json: [{name, exercises, args, env}] */
export function loadFixtureManifest() {
  const data = JSON.parse(readFileSync(join(fixturesDir, 'manifest.json'), 'utf8'));
  if (!Array.isArray(data?.programs)) fail('tests/fixtures/wasi/manifest.json: expected {"programs": [...]}');
  for (const p of data.programs) {
    if (typeof p.name !== 'string' || !namePattern.test(p.name)) fail(`fixture manifest: bad name ${JSON.stringify(p.name)}`);
    if (!Array.isArray(p.args) || !p.args.every((a) => typeof a === 'string')) fail(`fixture manifest: ${p.name}: "args" must be strings`);
    if (typeof p.env !== 'object' || p.env === null || !Object.values(p.env).every((v) => typeof v === 'string'))
      fail(`fixture manifest: ${p.name}: "env" must map names to strings`);
  }
  return data.programs;
}

/**
 * Runs `wasm` under node:wasi. Returns {stdout, stderr, exitCode, report}; report is the
 * runner's JSON ({exitCode, compileMs, runMs, regionMs}) or null if it crashed before writing it.
 */
export function runWasi(wasm, { args = [], env = {}, dir = null } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'slackfuel-wasi-'));
  const reportPath = join(scratch, 'report.json');
  try {
    const options = ['--report', reportPath, ...(dir === null ? ['--no-dir'] : ['--dir', dir])];
    for (const [name, value] of Object.entries(env)) options.push('--env', `${name}=${value}`);
    const result = spawnSync(process.execPath, [runner, ...options, wasm, ...args], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    let report = null;
    try {
      report = JSON.parse(readFileSync(reportPath, 'utf8'));
    } catch {
      report = null;
    }
    return {
      stdout: result.stdout,
      stderr: result.stderr,
      exitCode: result.status ?? 128 + 9,
      report,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export const benchWasm = (name) => join(benchDir, 'wasm', `${name}.wasm`);
export const benchExpected = (name, quick) => join(benchDir, 'expected', `${name}${quick ? '.quick' : ''}.out`);
export const fixtureWasm = (name) => join(fixturesDir, 'wasm', `${name}.wasm`);
export const fixtureExpected = (name, ext) => join(fixturesDir, 'expected', `${name}.${ext}`);
export const fixtureDataDir = join(fixturesDir, 'data');
