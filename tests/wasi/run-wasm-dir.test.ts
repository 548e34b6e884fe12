// run-wasm's --dir HOST[::GUEST]: the program sees the preopen under the guest name, and a
// missing or non-directory host path is an input error (exit 1) before anything runs;
// HOST:: with no guest name is a usage error (exit 2); without any preopen flag the program sees
// no files at all, as under wasmtime (nothing is granted that the user did not name).
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { wasiFixtureDataDir, wasiFixtureExpectedPath, wasiFixtureWasmPath } from '../workloads/workloads.js';
import { readFileSync } from 'node:fs';

test('--dir HOST::. runs read_file with the data directory as the program\'s "."', (t) => {
  const r = runCli(['run-wasm', '--metering', 'none', '--dir', `${wasiFixtureDataDir}::.`, wasiFixtureWasmPath('read_file')]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, readFileSync(wasiFixtureExpectedPath('read_file', 'out'), 'utf8'));
});

test('without --dir the working directory is not granted: read_file cannot open its input beside it', (t) => {
  const r = runCli(['run-wasm', '--metering', 'none', wasiFixtureWasmPath('read_file')], undefined, { cwd: wasiFixtureDataDir });
  t.is(r.code, 1);
  t.is(r.stdout, 'cannot open input.txt: Capabilities insufficient\n');
});

test('--dir-write alone preopens only that directory, and read_file still reads through it', (t) => {
  const r = runCli(['run-wasm', '--metering', 'none', '--dir-write', `${wasiFixtureDataDir}::.`, wasiFixtureWasmPath('read_file')]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, readFileSync(wasiFixtureExpectedPath('read_file', 'out'), 'utf8'));
});

test('--dir with a missing or non-directory host path is an input error', (t) => {
  const missing = runCli(['run-wasm', '--dir', '/nonexistent/slackfuel-dir', wasiFixtureWasmPath('hello')]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /does not exist/);
  const file = runCli(['run-wasm', '--dir', wasiFixtureWasmPath('hello'), wasiFixtureWasmPath('hello')]);
  t.is(file.code, 1);
  t.regex(file.stderr, /not a directory/);
  const writeMissing = runCli(['run-wasm', '--dir-write', '/nonexistent/slackfuel-dir::/w', wasiFixtureWasmPath('hello')]);
  t.is(writeMissing.code, 1);
  t.regex(writeMissing.stderr, /--dir-write .* does not exist/);
  const empty = runCli(['run-wasm', '--dir', 'x::', wasiFixtureWasmPath('hello')]);
  t.is(empty.code, 2);
});
