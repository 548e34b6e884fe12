// The configurable operator-cost table (Wasmtime's Config::operator_cost): checked at every
// boundary (options, CLI, the front end), and changing the fuel exactly where it says. That a
// non-default table charges Wasmtime's fuel to the unit is tests/peers/wasmtime-fuel.test.ts
// (the `costs/` cases, recorded under real Wasmtime with the same table).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { RuntimeConfigError, TranslateError } from '../../src/runtime/errors.js';
import { compileWasm, fuelCostsSchema, translate, type FuelCosts } from '../../src/wasm/index.js';
import { runCli } from '../helpers/cli.js';
import { wat } from './wat.js';

const ADD = `(module (memory 1)
  (func (export "add") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "fill") (param i32) (memory.fill (i32.const 0) (i32.const 0) (local.get 0))))`;

async function fuel(costs: FuelCosts, name: string, arg: number, mode: 'vanilla' | 'slacked' | 'count' = 'vanilla'): Promise<number | null> {
  const module = await compileWasm(await wat(ADD), mode, undefined, { fuelCosts: costs });
  const instance = await module.instantiate({ checkIntervalMs: false });
  try {
    return (await instance.call(name, [arg])).fuelConsumed;
  } finally {
    instance.dispose();
  }
}

test('the default table is Wasmtime\'s; a partial table changes only what it names', async (t) => {
  // entry 1 + local.get 1 + i32.const 1 + i32.add 1 (+ end 0)
  t.is(await fuel({}, 'add', 5), 4);
  for (const mode of ['vanilla', 'slacked', 'count'] as const) {
    t.is(await fuel({ I32Add: 10, LocalGet: 0 }, 'add', 5, mode), 12, mode);
    // 5 flat + 7 bytes x 3
    t.is(await fuel({ variable: { memory_fill_per_byte: 3 } }, 'fill', 7, mode), 5 + 21, mode);
  }
  t.is(await fuel({ variable: { memory_fill_per_byte: 0 } }, 'fill', 1000, 'vanilla'), 5);
});

test('bad tables are refused with a typed error before anything runs', async (t) => {
  const bytes = await wat(ADD);
  for (const bad of [{ I32Add: 256 }, { I32Add: -1 }, { I32Add: 1.5 }, { 'i32.add': 1 }, { variable: { memory_fill_per_bytes: 1 } }]) {
    t.false(fuelCostsSchema.safeParse(bad).success, JSON.stringify(bad));
    await t.throwsAsync(compileWasm(bytes, 'vanilla', undefined, { fuelCosts: bad as never }), { instanceOf: RuntimeConfigError }, JSON.stringify(bad));
  }
  // Well-formed but not an operator: the front end knows every name and says which.
  const error = t.throws(() => translate(bytes, { metering: 'vanilla', fuelCosts: { I32Addd: 1 } }), { instanceOf: TranslateError });
  t.regex(error?.message ?? '', /unknown operator `I32Addd`/);
});

test('wasm2clif and run-wasm take --fuel-costs FILE.json', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-costs-'));
  try {
    const file = join(dir, 'p.wasm');
    writeFileSync(file, await wat(`(module (func (export "_start") (drop (i32.add (i32.const 1) (i32.const 2)))))`));
    const table = join(dir, 'costs.json');
    writeFileSync(table, JSON.stringify({ I32Add: 40, I32Const: 0 }));
    // entry 1 (charged at the entry check), then 0 + 0 + 40 + drop 0 in one increment.
    t.regex(runCli(['wasm2clif', file, '--metering', 'vanilla', '--fuel-costs', table]).stdout, /iconst\.i64 40/);
    const report = join(dir, 'r.json');
    t.is(runCli(['run-wasm', '--metering', 'slacked', '--fuel-costs', table, '--report', report, file]).code, 0);
    t.regex(readFileSync(report, 'utf8'), /"fuelConsumed":41/);
    writeFileSync(table, JSON.stringify({ I32Add: 'x' }));
    const bad = runCli(['run-wasm', '--fuel-costs', table, file]);
    t.is(bad.code, 2);
    t.regex(bad.stderr, /fuel-cost table/);
    t.is(runCli(['wasm2clif', file, '--fuel-costs', join(dir, 'missing.json')]).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
