import test from 'ava';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const PROGRAM = 'tests/fixtures/wasi/wasm/hello.wasm';

test('run-wasm --ts-passes keeps the fuel passes output in the compile cache and reuses it; --no-cache leaves none; the default Rust passes keep nothing', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-cli-cache-'));
  const first = runCli(['run-wasm', '--ts-passes', '--cache-dir', dir, '--report', '-', PROGRAM]);
  t.is(first.code, 0, first.stderr);
  t.is(readdirSync(dir).length, 1);
  const second = runCli(['run-wasm', '--ts-passes', '--cache-dir', dir, '--report', '-', PROGRAM]);
  t.is(second.code, 0, second.stderr);
  t.is(second.stdout, first.stdout, 'same output and the same fuel in the report');
  t.is(readdirSync(dir).length, 1);
  // Another mode with a pipeline gets its own entry; vanilla has no pipeline to keep.
  t.is(runCli(['run-wasm', '--ts-passes', '--cache-dir', dir, '--metering', 'slacked-unplaced', PROGRAM]).code, 0);
  t.is(runCli(['run-wasm', '--cache-dir', dir, '--metering', 'vanilla', PROGRAM]).code, 0);
  t.is(readdirSync(dir).length, 2);
  // The Rust passes run the whole pipeline inside the translation: nothing to keep, same run.
  const native = runCli(['run-wasm', '--cache-dir', dir, '--report', '-', PROGRAM]);
  t.is(native.code, 0, native.stderr);
  t.is(native.stdout, first.stdout);
  t.is(readdirSync(dir).length, 2);
  t.is(runCli(['run-wasm', '--ts-passes', '--native-passes', PROGRAM]).code, 2);
  // A damaged entry is recompiled, with the same result.
  for (const name of readdirSync(dir)) writeFileSync(join(dir, name), '{"format": 1, "functions": "function %broken() {"}');
  const repaired = runCli(['run-wasm', '--ts-passes', '--cache-dir', dir, '--report', '-', PROGRAM]);
  t.is(repaired.code, 0, repaired.stderr);
  t.is(repaired.stdout, first.stdout);
  const none = mkdtempSync(join(tmpdir(), 'slackfuel-cli-nocache-'));
  t.is(runCli(['run-wasm', '--ts-passes', '--no-cache', '--cache-dir', none, PROGRAM]).code, 0);
  t.deepEqual(readdirSync(none), []);
});
