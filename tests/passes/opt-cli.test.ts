// `slackfuel opt` end to end through the CLI process.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runCli } from '../helpers/cli.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/fuel/${name}`, import.meta.url));

test('opt prints the rewritten functions canonically, each file headed by the setting its code needs', (t) => {
  const r = runCli(['opt', '--passes', 'fuel-pinned,fuel-drop-checks', fixture('loop-2026.clif'), fixture('straight-2022.clif')]);
  t.is(r.code, 0, r.stderr);
  const pinned = 'set enable_pinned_reg=true\n\n';
  t.is(r.stdout, `${pinned}${readFileSync(fixture('loop-2026.expected.clif'), 'utf8')}\n${pinned}${readFileSync(fixture('straight-2022.expected.clif'), 'utf8')}`);
});

test('opt reads standard input and keeps header lines', (t) => {
  const input = `set enable_pinned_reg=true\n${readFileSync(fixture('straight-2026.clif'), 'utf8')}`;
  const r = runCli(['opt', '--passes', 'fuel-pinned,fuel-drop-checks', '-'], input);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, `set enable_pinned_reg=true\n\n${readFileSync(fixture('straight-2026.expected.clif'), 'utf8')}`);
});

test('--stats reports location, increments and checks on stderr', (t) => {
  const r = runCli(['opt', '--passes', 'fuel-pinned,fuel-drop-checks', '--stats', fixture('loop-2026.clif')]);
  t.is(r.code, 0);
  t.regex(r.stderr, /^u0:3: counter wasmtime-2026; static increments 3 -> 3; checks 2 -> 0; fuel-pinned\.increments 3; fuel-pinned\.flushed-calls 2; fuel-drop-checks\.checks 2\n$/m);
});

test('--annotate notes each charging block', (t) => {
  const r = runCli(['opt', '--passes', 'fuel-pinned,fuel-drop-checks', '--annotate', fixture('bulk-memory-2026.clif')]);
  t.is(r.code, 0);
  t.true(r.stdout.includes('block0(v0: i64, v1: i64, v2: i32, v3: i32, v4: i32):\n    ; fuel +1 (1 increment)\n'));
  t.true(r.stdout.includes('block3:\n    ; fuel +4 +dynamic (2 increments)\n'));
});

test('an unknown pass is a usage error listing the valid passes', (t) => {
  const r = runCli(['opt', '--passes', 'fuel-pinned,nope', fixture('loop-2026.clif')]);
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown pass 'nope'; valid passes: .*fuel-drop-checks.*fuel-pinned/);
});

test('bad options are a usage error showing the option schema', (t) => {
  const r = runCli(['opt', '--passes', 'fuel-pinned{location=wasmtime-1999}', fixture('loop-2026.clif')]);
  t.is(r.code, 2);
  t.true(r.stderr.includes('options of fuel-pinned:'));
  t.true(r.stderr.includes('location'));
});

test('a fuel web that cannot be proven is reported with the instruction; exit 1', (t) => {
  const r = runCli(['opt', '--passes', 'fuel-pinned', fixture('invalid/escape-arith.clif')]);
  t.is(r.code, 1);
  t.regex(r.stderr, /escape-arith\.clif: fuel-pinned failed on u0:20: `v7 = imul v6, v6` in block0: the fuel counter v6 escapes/);
  t.is(r.stdout, '');
});

test('--list shows passes with their options; --passes is required', (t) => {
  const list = runCli(['opt', '--list']);
  t.is(list.code, 0);
  t.true(list.stdout.includes('fuel-pinned\n  Keep the fuel counter in the pinned register'));
  t.true(list.stdout.includes('indirect: "pinned" | "non-pinned" (default "pinned")'));
  const missing = runCli(['opt', fixture('loop-2026.clif')]);
  t.is(missing.code, 2);
  t.true(missing.stderr.includes('--passes'));
  const help = runCli(['opt', '--help']);
  t.true(help.stdout.startsWith('Usage: slackfuel opt --passes LIST'));
});
