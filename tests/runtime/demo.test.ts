import test from 'ava';
import { readFileSync } from 'node:fs';
import { parse, print } from '../../src/ir/index.js';
import { runCli } from '../helpers/cli.js';

test('the demo prints the example canonically first, then the rewritten code, verifies it and runs every mode with equal fuel', (t) => {
  const r = runCli(['demo']);
  t.is(r.code, 0, r.stderr);
  const canonical = parse(readFileSync('examples/wasmtime-fuel.clif', 'utf8')).functions.map((f) => print(f)).join('');
  t.true(r.stdout.startsWith(canonical));
  t.regex(r.stdout, /== after the fuel passes \(fuel-pinned,fuel-drop-checks/);
  t.regex(r.stdout, /checkFuel: u0:0: proven/);
  t.regex(r.stdout, /verifier: ok/);
  for (const mode of ['none', 'vanilla', 'slacked', 'count', 'epoch']) t.regex(r.stdout, new RegExp(`^${mode} +\\S+`, 'm'));
  t.regex(r.stdout, /equal fuel in every metered mode: vanilla 60000003, slacked 60000003, count 60000003/);
  t.regex(r.stdout, /equal fuel in every metered mode: vanilla 8003, slacked 8003, count 8003/);
  t.regex(r.stdout, /== bench\/wasm\/interp\.wasm 70000 \(C compiled to wasm32-wasi\)/);
  t.regex(r.stdout, /^slacked +primes below 70000: 6935 \(21058241 bytecode steps\) +714923968 /m);
  t.regex(r.stdout, /equal fuel in every metered mode: vanilla 714923968, slacked 714923968, count 714923968/);
});
