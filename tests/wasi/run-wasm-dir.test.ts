// run-wasm's --dir HOST[::GUEST]: the program sees the preopen under the guest name, and a
// missing or non-directory host path is a usage error (exit 2) before anything runs.
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { wasiFixtureDataDir, wasiFixtureExpectedPath, wasiFixtureWasmPath } from '../workloads/workloads.js';
import { readFileSync } from 'node:fs';

test('--dir HOST::. runs read_file as under the default preopen', (t) => {
  const r = runCli(['run-wasm', wasiFixtureWasmPath('read_file'), '--metering', 'none', '--dir', `${wasiFixtureDataDir}::.`]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, readFileSync(wasiFixtureExpectedPath('read_file', 'out'), 'utf8'));
});

test('--dir-write alone preopens only that directory, and read_file still reads through it', (t) => {
  const r = runCli(['run-wasm', wasiFixtureWasmPath('read_file'), '--metering', 'none', '--dir-write', `${wasiFixtureDataDir}::.`]);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, readFileSync(wasiFixtureExpectedPath('read_file', 'out'), 'utf8'));
});

test('--dir with a missing or non-directory host path is a usage error', (t) => {
  const missing = runCli(['run-wasm', wasiFixtureWasmPath('hello'), '--dir', '/nonexistent/slackfuel-dir']);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /does not exist/);
  const file = runCli(['run-wasm', wasiFixtureWasmPath('hello'), '--dir', wasiFixtureWasmPath('hello')]);
  t.is(file.code, 2);
  t.regex(file.stderr, /not a directory/);
  const writeMissing = runCli(['run-wasm', wasiFixtureWasmPath('hello'), '--dir-write', '/nonexistent/slackfuel-dir::/w']);
  t.is(writeMissing.code, 2);
  t.regex(writeMissing.stderr, /--dir-write .* does not exist/);
  const empty = runCli(['run-wasm', wasiFixtureWasmPath('hello'), '--dir', 'x::']);
  t.is(empty.code, 2);
});
