// run-wasm's resource-limit flags reach the guest: memory.grow past --max-memory returns -1,
// proc_exit with an inexpressible status is an error, and bad values are usage errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { wasmOf } from './guest.js';

// Exits with 10 + what memory.grow(4) returns: 11 when it grew from 1 page, 9 when refused.
const GROW = `(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32))) (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.add (i32.const 10) (memory.grow (i32.const 4))))))`;
const EXIT_65536 = `(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32))) (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 65536))))`;

test('run-wasm --max-memory bounds memory.grow; proc_exit(65536) is an error; bad limits are usage errors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-limits-'));
  try {
    const grow = join(dir, 'grow.wasm');
    writeFileSync(grow, await wasmOf(GROW));
    t.is(runCli(['run-wasm', '--metering', 'slacked', grow]).code, 11);
    t.is(runCli(['run-wasm', '--metering', 'slacked', '--max-memory', '131072', grow]).code, 9);
    const exit = join(dir, 'exit.wasm');
    writeFileSync(exit, await wasmOf(EXIT_65536));
    const r = runCli(['run-wasm', exit]);
    t.not(r.code, 0);
    t.regex(r.stderr, /invalid exit status/);
    const bad = runCli(['run-wasm', '--max-wasm-stack', '12', grow]);
    t.is(bad.code, 2);
    t.regex(bad.stderr, /maxWasmStack/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
