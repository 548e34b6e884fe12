import test from 'ava';
import { runCli } from '../helpers/cli.js';

const sum = 'examples/wasmtime-fuel.clif';

test('run --fn prints one JSON object per mode with equal fuel', (t) => {
  for (const metering of ['vanilla', 'slacked', 'slacked-placed'] as const) {
    const r = runCli(['run', sum, '--fn', 'u0:0', '--args', '1000', '--fuel', '100000', '--metering', metering, '--json']);
    t.is(r.code, 0, r.stderr);
    t.deepEqual(JSON.parse(r.stdout), { results: [500500], fuelConsumed: 6003 }, metering);
  }
  for (const metering of ['accounting', 'count'] as const) {
    const r = runCli(['run', sum, '--fn', 'u0:0', '--args', '1000', '--metering', metering, '--json']);
    t.deepEqual(JSON.parse(r.stdout), { results: [500500], fuelConsumed: 6003 }, metering);
  }
  const none = runCli(['run', sum, '--fn', 'u0:0', '--args', '1000', '--metering', 'none', '--json']);
  t.deepEqual(JSON.parse(none.stdout), { results: [500500], fuelConsumed: null });
});

test('run --fn reports OutOfFuel and traps, as text and JSON, with exit status 134', (t) => {
  const oof = runCli(['run', 'tests/fixtures/runtime/infinite-loop.clif', '--fn', 'u0:0', '--args', '0', '--fuel', '100000', '--json']);
  t.is(oof.code, 134);
  t.like(JSON.parse(oof.stdout), { error: 'OutOfFuel', budget: 100000, detectedBy: 'checker' });
  const text = runCli(['run', sum, '--fn', 'u0:0', '--args', '1000', '--fuel', '10', '--metering', 'vanilla']);
  t.is(text.code, 134);
  t.is(text.stdout, '');
  t.regex(text.stderr, /^slackfuel run: trap: OutOfFuel: /);
  const trap = runCli(['run', 'tests/fixtures/runtime/recursion.clif', '--fn', 'u0:1', '--args', '0', '--metering', 'none', '--json']);
  t.is(trap.code, 134);
  t.like(JSON.parse(trap.stdout), { error: 'Trap', trapCode: 'stk_ovf' });
});

test('run --fn prints results and fuel as text, with the pipeline used', (t) => {
  const r = runCli(['run', sum, '--fn', 'u0:0', '--args', '10', '--passes', 'fuel-pinned,fuel-drop-checks']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'u0:0(10) = 55\nfuel consumed: 63 (metering slacked-placed, passes fuel-pinned,fuel-drop-checks)\n');
});

test('run --fn rejects bad usage clearly', (t) => {
  const mode = runCli(['run', sum, '--fn', 'u0:0', '--args', '1', '--metering', 'bogus']);
  t.is(mode.code, 2);
  t.regex(mode.stderr, /metering/);
  const arity = runCli(['run', sum, '--fn', 'u0:0']);
  t.is(arity.code, 2);
  t.regex(arity.stderr, /takes 1 argument/);
  const missing = runCli(['run', sum, '--fn', 'nope', '--args', '1']);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /no wasm-shaped function nope/);
  const noFn = runCli(['run', sum, '--fuel', '5']);
  t.is(noFn.code, 2);
  t.regex(noFn.stderr, /--fuel needs --fn/);
  const unmetered = runCli(['run', sum, '--fn', 'u0:0', '--args', '1', '--metering', 'none', '--fuel', '5']);
  t.is(unmetered.code, 2);
  t.regex(unmetered.stderr, /--fuel: --metering none enforces no fuel budget/);
  const help = runCli(['run', '--help']);
  t.regex(help.stdout, /slackfuel run FILE --fn NAME/);
});
