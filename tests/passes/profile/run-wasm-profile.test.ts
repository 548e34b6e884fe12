// The profile loop from the command line: run-wasm --profile-out measures an edge profile,
// run-wasm --profile places the increments by it (in slacked-placed and slacked-uncounted alike;
// wasm2clif --profile prints that code); fuel and output stay those of vanilla.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { edgeProfileFileSchema } from '../../../src/passes/fuel/placement-clif/profile.js';
import { runCli } from '../../helpers/cli.js';

const FIB = ['bench/wasm/fib.wasm', '24'];

test('run-wasm --profile-out writes a profile; --profile runs by it with vanilla fuel and output', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sf-profile-'));
  const profilePath = join(dir, 'fib.json');
  const report = (name: string) => join(dir, `${name}.report.json`);
  const measured = runCli(['run-wasm', '--metering', 'count', '--profile-out', profilePath, '--report', report('measure'), ...FIB]);
  t.is(measured.code, 0, measured.stderr);
  const profile = edgeProfileFileSchema.parse(JSON.parse(await readFile(profilePath, 'utf8')));
  t.true(Object.keys(profile).length > 3, 'the functions that ran are profiled');
  t.true(Object.values(profile).some((f) => f.entryCount > 1000), 'fib is entered many times');
  const placed = runCli(['run-wasm', '--metering', 'slacked-placed', '--profile', profilePath, '--report', report('placed'), ...FIB]);
  const vanilla = runCli(['run-wasm', '--metering', 'vanilla', '--report', report('vanilla'), ...FIB]);
  t.is(placed.code, 0, placed.stderr);
  t.is(placed.stdout, vanilla.stdout);
  t.is(measured.stdout, vanilla.stdout);
  const fuel = async (name: string) => (JSON.parse(await readFile(report(name), 'utf8')) as { fuelConsumed: number }).fuelConsumed;
  t.is(await fuel('placed'), await fuel('vanilla'));
  t.is(await fuel('measure'), await fuel('vanilla'));
  // The profile guides the fuel-place of slacked-uncounted too, without a further switch.
  const uncounted = runCli(['run-wasm', '--metering', 'slacked-uncounted', '--profile', profilePath, '--report', report('uncounted'), ...FIB]);
  t.is(uncounted.code, 0, uncounted.stderr);
  t.is(uncounted.stdout, vanilla.stdout);
  t.is(await fuel('uncounted'), await fuel('vanilla'));
  // wasm2clif prints the code run-wasm runs: with the profile, another placement.
  const clif = (extra: string[]) => runCli(['wasm2clif', FIB[0]!, '--metering', 'slacked-placed', ...extra]);
  const byProfile = clif(['--profile', profilePath]);
  t.is(byProfile.code, 0, byProfile.stderr);
  t.not(byProfile.stdout, clif([]).stdout);
  t.is(runCli(['wasm2clif', FIB[0]!, '--metering', 'vanilla', '--profile', profilePath]).code, 2);
});

test('run-wasm profile flags: usage errors', (t) => {
  t.is(runCli(['run-wasm', '--metering', 'vanilla', '--profile-out', '/tmp/x.json', ...FIB]).code, 2);
  t.is(runCli(['run-wasm', '--metering', 'count', '--profile-out', '/tmp/x.json', '--profile', '/tmp/y.json', ...FIB]).code, 2);
  t.is(runCli(['run-wasm', '--metering', 'slacked-unplaced', '--profile', '/tmp/y.json', ...FIB]).code, 2);
  const missing = runCli(['run-wasm', '--metering', 'slacked-placed', '--profile', '/nonexistent/profile.json', ...FIB]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /cannot read the profile/);
});
