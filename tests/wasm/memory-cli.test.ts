// The linear-memory layout from the command line: wasm2clif prints checks only where the
// configuration needs them, run-wasm runs the same program under each configuration, and bad
// values are usage errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runCli } from '../helpers/cli.js';
import { wat } from './wat.js';

// Exits with the byte it reads at 65535 (7) or traps reading at 65536.
const PROGRAM = `(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32))) (memory (export "memory") 1)
  (data (i32.const 65535) "\\07")
  (func (export "_start") (call $exit (i32.load8_u (i32.const 65535))))
  (func (export "oob") (drop (i32.load8_u (i32.const 65536)))))`;

test('wasm2clif and run-wasm take --memory-reservation and --memory-guard-size', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-memory-'));
  try {
    const file = join(dir, 'p.wasm');
    writeFileSync(file, await wat(PROGRAM));
    t.notRegex(runCli(['wasm2clif', file]).stdout, /icmp ugt/);
    t.regex(runCli(['wasm2clif', file, '--memory-reservation', '1048576']).stdout, /icmp ugt[\s\S]*select_spectre_guard/);
    for (const flags of [[], ['--memory-guard-size', '0'], ['--memory-reservation', '131072']]) {
      t.is(runCli(['run-wasm', '--metering', 'slacked', ...flags, file]).code, 7, flags.join(' '));
      const oob = runCli(['run-wasm', '--invoke', 'oob', ...flags, file]);
      t.is(oob.code, 134, flags.join(' '));
      t.regex(oob.stderr, /memory_out_of_bounds/);
    }
    const bad = runCli(['run-wasm', '--memory-guard-size', '1000', file]);
    t.is(bad.code, 2);
    t.regex(bad.stderr, /memoryGuardSize/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
