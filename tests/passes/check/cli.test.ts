// `slackfuel check-fuel` and `slackfuel cfg` as a user runs them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { runCli } from '../../helpers/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/check/${name}.clif`, import.meta.url));
const text = (name: string) => readFileSync(fixture(name), 'utf8');

test('check-fuel: a proven pair exits 0', (t) => {
  const r = runCli(['check-fuel', fixture('diamond.before'), fixture('diamond.hoisted')]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^u0:1: proven \(3 paired points, 2 observation points; increments 4 before, 2 after\)$/m);
  t.regex(r.stdout, /^1 of 1 function proven$/m);
});

test('check-fuel: a counterexample is printed readably and exits 1', (t) => {
  const r = runCli(['check-fuel', fixture('diamond.before'), fixture('diamond.short')]);
  t.is(r.code, 1);
  t.is(
    r.stdout,
    'u0:1: NOT EQUIVALENT: fuel differs from function entry to `return v22` in block5\n' +
      '  before: block0 -> block3 -> block6 -> block5  charges 18\n' +
      '  after:  block0 -> block6 -> block5  charges 17\n' +
      '0 of 1 function proven\n',
  );
});

test('check-fuel: functions are paired by name; --fn picks one; --json is machine-readable', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-check-'));
  const before = join(dir, 'before.clif');
  const after = join(dir, 'after.clif');
  writeFileSync(before, `${text('diamond.before')}\n${text('call.before')}`);
  // The other order in AFTER: pairing is by name, not position.
  writeFileSync(after, `${text('call.moved')}\n${text('diamond.hoisted')}`);
  const all = runCli(['check-fuel', before, after]);
  t.is(all.code, 1);
  t.regex(all.stdout, /^u0:1: proven/m);
  t.regex(all.stdout, /^u0:3: NOT EQUIVALENT: fuel differs from function entry to before `v12 = call fn1\(v0, v0, v2\)` in block2$/m);
  t.regex(all.stdout, /^1 of 2 functions proven$/m);

  const one = runCli(['check-fuel', '--fn', 'u0:1', before, after]);
  t.is(one.code, 0);
  t.notRegex(one.stdout, /u0:3/);

  const json = runCli(['check-fuel', '--json', before, after]);
  t.is(json.code, 1);
  const parsed = JSON.parse(json.stdout) as Array<{ function: string; result: { ok: boolean; counterexample?: { beforeTotal: number; afterTotal: number } } }>;
  t.deepEqual(parsed.map((p) => [p.function, p.result.ok]), [['u0:1', true], ['u0:3', false]]);
  t.deepEqual(parsed[1]!.result.counterexample?.beforeTotal, 2);
  t.deepEqual(parsed[1]!.result.counterexample?.afterTotal, 5);
});

test('check-fuel: a function missing from AFTER fails; bad usage exits 2', (t) => {
  const r = runCli(['check-fuel', '--fn', 'u0:9', fixture('diamond.before'), fixture('diamond.hoisted')]);
  t.is(r.code, 1);
  t.regex(r.stdout, /function u0:9 is not in /);
  const usage = runCli(['check-fuel', fixture('diamond.before')]);
  t.is(usage.code, 2);
  t.regex(usage.stderr, /give exactly two files/);
});

test('check-fuel: a structural mismatch is a diagnostic naming both instructions', (t) => {
  const r = runCli(['check-fuel', fixture('diamond.before'), fixture('diamond.changed')]);
  t.is(r.code, 1);
  t.regex(r.stdout, /cannot compare: structural mismatch: .*\n  before: block6: v19 = iadd v17, v18\n  after: block6: v19 = isub v17, v18\n/);
});

test('cfg: DOT output of a small function, exactly', (t) => {
  const r = runCli(['cfg', fixture('loop.header')]);
  t.is(r.code, 0, r.stderr);
  t.is(
    r.stdout,
    `digraph "u0:2" {
  graph [fontname="Courier", labelloc=t, label="u0:2: fuel pinned"];
  node [shape=box, fontname="Courier"];
  edge [fontname="Courier"];
  block0 [label="block0(v0: i64, v1: i64, v2: i32)\\lentry (observed)\\lfuel +1\\l", peripheries=2];
  block4 [label="block4(v12: i32)\\lloop header (depth 1)\\lfuel +5\\l", style=bold];
  block8 [label="block8\\lfuel +1\\lreturn (observed)\\l", peripheries=2];
  block0 -> block4;
  block4 -> block4 [label="then", style=bold, color=red];
  block4 -> block8 [label="else"];
}
`,
  );
});

test('cfg: Wasmtime form shows checks, out-of-fuel edges and their builtin calls', (t) => {
  const r = runCli(['cfg', fixture('diamond.before'), '--fn', 'u0:1']);
  t.is(r.code, 0, r.stderr);
  t.true(r.stdout.includes('label="u0:1: fuel memory"'));
  t.true(r.stdout.includes('block0 [label="block0(v0: i64, v1: i64, v2: i32)\\lentry (observed)\\lfuel +1\\lfuel check\\l", peripheries=2];'));
  t.true(r.stdout.includes('block2 [label="block2 cold\\lcall fn0 (out-of-fuel path)\\l"];'));
  t.true(r.stdout.includes('block0 -> block2 [label="out of fuel", style=dashed];'));
  t.true(r.stdout.includes('block6 [label="block6\\lfuel +15\\l"];'));
});

test('cfg: SVG output is well-formed SVG naming every block, also written with -o', (t) => {
  const r = runCli(['cfg', fixture('loop.before'), '--format', 'svg']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^<\?xml version="1\.0"[^>]*\?>\s*<!DOCTYPE svg/);
  t.regex(r.stdout, /<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  t.regex(r.stdout, /<\/svg>\s*$/);
  t.is((r.stdout.match(/<svg\b/g) ?? []).length, 1);
  for (const b of [0, 2, 3, 4, 5, 6, 7, 8]) t.regex(r.stdout, new RegExp(`>block${b}[(< ]`), `block${b}`);
  const out = join(mkdtempSync(join(tmpdir(), 'slackfuel-cfg-')), 'g.svg');
  const w = runCli(['cfg', fixture('loop.before'), '--format', 'svg', '-o', out]);
  t.is(w.code, 0);
  t.is(w.stdout, '');
  t.is(readFileSync(out, 'utf8'), r.stdout);
});

test('cfg: several functions need --fn; unknown names and formats are reported', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-cfg-'));
  const two = join(dir, 'two.clif');
  writeFileSync(two, `${text('diamond.before')}\n${text('call.before')}`);
  const r = runCli(['cfg', two]);
  t.is(r.code, 1);
  t.regex(r.stderr, /holds 2 functions; choose one with --fn \(u0:1, u0:3\)/);
  const missing = runCli(['cfg', two, '--fn', 'u0:7']);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /no function u0:7/);
  const format = runCli(['cfg', two, '--fn', 'u0:1', '--format', 'png']);
  t.is(format.code, 2);
  t.regex(format.stderr, /--format must be 'dot' or 'svg'/);
});
