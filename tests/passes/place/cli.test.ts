// fuel-place through `slackfuel opt`: the pass is found by name, its figures appear in --stats,
// and running it before fuel-pinned is a clear error.
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parse } from '../../../src/ir/index.js';
import { checkFuel } from '../../../src/passes/fuel/check/index.js';
import { runCli } from '../../helpers/cli.js';
import { readFileSync } from 'node:fs';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/fuel/${name}`, import.meta.url));

test('opt --stats prints the placement figures per function', (t) => {
  const r = runCli(['opt', '--passes', 'fuel-pinned,fuel-drop-checks,fuel-place', '--stats', fixture('switch-calls-2022.clif'), fixture('nested-loops-2026-opt.clif')]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /^u0:12: .*static increments 6 -> 5; .*fuel-place\.static-before 6; fuel-place\.static-after 5; fuel-place\.dynamic-before 4; fuel-place\.dynamic-after 1\.667; fuel-place\.split-edges 0$/m);
  t.regex(r.stderr, /^u0:5: .*fuel-place\.static-before 4; fuel-place\.static-after 3; fuel-place\.dynamic-before 1156\.000; fuel-place\.dynamic-after 1123\.000; fuel-place\.split-edges 0$/m);
  // Each file's output starts with the header its pinned-register code needs.
  const outputs = r.stdout.split('set enable_pinned_reg=true\n').filter((part) => part.trim() !== '');
  t.is(outputs.length, 2);
  t.true(checkFuel(parse(readFileSync(fixture('switch-calls-2022.clif'), 'utf8')).functions[0]!, parse(outputs[0]!).functions[0]!).ok);
});

test('opt with fuel-place before fuel-pinned says to run fuel-pinned first', (t) => {
  const r = runCli(['opt', '--passes', 'fuel-place', fixture('loop-2026.clif')]);
  t.not(r.code, 0);
  t.regex(r.stderr, /fuel-place failed on u0:3: u0:3 keeps its fuel counter in memory \(wasmtime-2026\); fuel-place works on the pinned-register form: run fuel-pinned first/);
});

test('opt --list shows fuel-place with its options', (t) => {
  const r = runCli(['opt', '--list']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /fuel-place\n {2}Re-place constant fuel increments/);
  for (const option of ['observeTraps', 'splitEdgeCost', 'profile', 'exchangeRounds', 'exchangeBudget', 'searchLimit']) t.regex(r.stdout, new RegExp(`\\b${option}:`));
});
