// Typed function references (on by default in Wasmtime 48): every export of
// tests/fixtures/wasmtime/funcref.wat in every metering mode and slacked variant, with the results,
// traps and fuel real Wasmtime 48 gives (the `fref/` cases of tests/fixtures/wasmtime/fuel.json
// check the same fuel against the recording; the figures here are that recording's).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { BENCH_MODE_SPECS } from '../../src/bench/modes.js';
import { verify } from '../../src/native/index.js';
import { RuntimeConfigError } from '../../src/runtime/errors.js';
import { compileWasm, translate, WasmTrap, type WasmModule } from '../../src/wasm/index.js';
import { runCli } from '../helpers/cli.js';
import { watFixtureUrl } from '../peers/fuel-cases.js';
import { wat } from './wat.js';

const bytes = wat(readFileSync(watFixtureUrl('funcref'), 'utf8'));

/** [export, args, result or trap kind, Wasmtime's fuel (instantiation included, as the runner
 *  reports it)]. Each runs in a fresh instance. */
export const FUNCREF_CASES: readonly (readonly [string, readonly number[], string, number])[] = [
  ['apply', [0, 5], '6', 10], // slot 0 keeps the table's initialiser, $inc
  ['apply', [1, 5], '10', 10], // the typed segment's $dbl
  ['apply', [2, 5], '25', 10],
  ['apply', [3, 5], '6', 10],
  ['apply', [4, 5], 'table_out_of_bounds', 1],
  ['viag', [1], '49', 10],
  ['call_g', [0, 3], 'null_reference', 7],
  ['call_g', [1, 3], '9', 14],
  ['as_non_null', [0], 'null_reference', 1],
  ['as_non_null', [1], '20', 11],
  ['or_default', [0, 4], '-1', 6], // br_on_null taken, carrying -1
  ['or_default', [1, 4], '8', 14],
  ['non_null', [1, 4], '8', 11], // br_on_non_null taken
  ['non_null', [2, 4], '-2', 7],
  ['pick', [0, 0], '106', 26],
  ['pick', [1, 1], '10', 26],
  ['compose', [1, 2, 3], '36', 23],
  ['compose', [2, 0, 3], '10', 23],
  ['loop', [0], '0', 7],
  ['loop', [100], '114379', 2207],
  ['tsum', [1_000_000], '1784293664', 12_000_011], // a million tail calls through return_call_ref
  ['even', [100_001], '0', 900_018],
  ['fact', [10], '3628800', 129],
  ['tail_null', [1], 'null_reference', 5],
  ['ci', [2, 6], '36', 9],
  ['ci', [4, 6], 'table_out_of_bounds', 5],
  ['init', [0], '110', 23],
  ['init', [2], 'table_out_of_bounds', 1],
  ['grow', [1], '409', 19],
];

/** Wasmtime's instantiation fuel for the module (its startup function applies the passive segment). */
const INSTANTIATION_FUEL = 1;

/** The runtime modes, and slacked without placement and without counted loops. */
const VARIANTS = [
  { name: 'none', metering: 'none', pipeline: undefined },
  { name: 'vanilla', metering: 'vanilla', pipeline: undefined },
  { name: 'slacked-unplaced', metering: 'slacked', pipeline: BENCH_MODE_SPECS['slacked-unplaced'].pipeline },
  { name: 'slacked-uncounted', metering: 'slacked', pipeline: BENCH_MODE_SPECS['slacked-uncounted'].pipeline },
  { name: 'slacked (placed)', metering: 'slacked', pipeline: undefined },
  { name: 'count', metering: 'count', pipeline: undefined },
  { name: 'epoch', metering: 'epoch', pipeline: undefined },
] as const;

async function outcome(module: WasmModule, name: string, args: readonly number[]): Promise<{ value: string; fuel: number | null }> {
  const instance = await module.instantiate({ checkIntervalMs: false });
  try {
    const r = await instance.call(name, [...args]);
    return { value: r.results.map(String).join(','), fuel: r.fuelConsumed };
  } catch (error) {
    if (!(error instanceof WasmTrap)) throw error;
    return { value: error.kind, fuel: error.fuelConsumed ?? null };
  } finally {
    instance.dispose();
  }
}

for (const v of VARIANTS) {
  test(`${v.name}: typed function references give Wasmtime's results, traps and fuel`, async (t) => {
    const module = await compileWasm(await bytes, v.metering, undefined, v.pipeline === undefined ? {} : { pipeline: v.pipeline });
    const metered = v.metering !== 'none' && v.metering !== 'epoch';
    for (const [name, args, want, fuel] of FUNCREF_CASES) {
      const got = await outcome(module, name, args);
      t.is(got.value, want, `${name}(${args.join(',')})`);
      // A trap's fuel is exact only where the counter is in memory at the trap (vanilla).
      const trapped = want.endsWith('_reference') || want.endsWith('_bounds');
      if (metered && !trapped) t.is(got.fuel, fuel - INSTANTIATION_FUEL, `${name}(${args.join(',')}): fuel`);
      if (!metered) t.is(got.fuel, null);
    }
  });
}

test('instantiation charges what Wasmtime charges', async (t) => {
  const instance = await (await compileWasm(await bytes, 'vanilla')).instantiate({ checkIntervalMs: false });
  try {
    t.is(instance.instantiationFuel, INSTANTIATION_FUEL);
  } finally {
    instance.dispose();
  }
});

test('the translation: typed references are func-refs, call_ref checks null only', async (t) => {
  const m = translate(await bytes, { metering: 'vanilla' });
  t.deepEqual(
    m.tables.map((x) => [x.elementType, x.init?.op ?? null]),
    [
      ['funcref', 'ref.func'],
      ['funcref', 'ref.func'],
      ['funcref', null],
    ],
  );
  t.deepEqual(
    m.globals.map((g) => g.type),
    ['funcref', 'funcref', 'funcref'],
  );
  const clif = m.functions.map((f) => f.clif).join('\n');
  t.regex(clif, /trapz v\d+, user6/); // null_reference
  t.regex(clif, /return_call_indirect sig\d+, v\d+/);
  t.true(m.trapCodes.some((c) => c.code === 'user6' && c.trap === 'null_reference'));
});

test('wasm2clif prints CLIF that Cranelift verifies in every mode', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-funcref-'));
  try {
    const file = join(dir, 'funcref.wasm');
    writeFileSync(file, await bytes);
    for (const metering of ['none', 'vanilla', 'slacked-unplaced', 'slacked-uncounted', 'slacked-placed', 'count', 'epoch']) {
      const out = runCli(['wasm2clif', file, '--metering', metering]);
      t.is(out.code, 0, out.stderr);
      t.regex(out.stdout, /return_call_indirect/, metering);
      t.deepEqual(verify(out.stdout, { enable_pinned_reg: true }), { ok: true }, metering);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Func-refs across the host boundary: only null or one the instance handed out may come back.
const HOST = `(module
  (type $t (func (param i32) (result i32)))
  (import "env" "echo" (func $echo (param (ref null $t)) (result (ref null $t))))
  (import "env" "forge" (func $forge (result (ref null $t))))
  (func $f (type $t) (i32.mul (local.get 0) (i32.const 3)))
  (elem declare func $f)
  (func (export "get") (result (ref $t)) (ref.func $f))
  (func (export "use") (param (ref null $t)) (result i32) (call_ref $t (i32.const 7) (local.get 0)))
  (func (export "roundtrip") (result i32) (call_ref $t (i32.const 2) (call $echo (ref.func $f))))
  (func (export "forged") (result i32) (call_ref $t (i32.const 2) (call $forge))))`;

for (const metering of ['vanilla', 'slacked'] as const) {
  test(`${metering}: a func-ref passes the host boundary only as null or as one the instance handed out`, async (t) => {
    const module = await compileWasm(await wat(HOST), metering);
    const instance = await module.instantiate({ checkIntervalMs: false, imports: { env: { echo: (f) => f, forge: () => 4096n } } });
    try {
      const [f] = (await instance.call('get')).results;
      t.not(f, undefined);
      t.deepEqual((await instance.call('use', [f!])).results, [21]);
      await t.throwsAsync(instance.call('use', [0n]), { instanceOf: WasmTrap, message: /null_reference/ });
      t.throws(() => instance.call('use', [f! === 4096n ? 8192n : 4096n]), { instanceOf: RuntimeConfigError, message: /neither null/ });
      t.deepEqual((await instance.call('roundtrip')).results, [6]);
      await t.throwsAsync(instance.call('forged'), { instanceOf: RuntimeConfigError, message: /host function env\.forge returned/ });
    } finally {
      instance.dispose();
    }
  });
}

test('an imported funcref global can only be given null', async (t) => {
  const module = await compileWasm(
    await wat(`(module (type $t (func (param i32) (result i32))) (import "env" "g" (global $g (ref null $t)))
      (func (export "f") (result i32) (call_ref $t (i32.const 1) (global.get $g))))`),
    'vanilla',
  );
  await t.throwsAsync(module.instantiate({ globals: { 'env.g': 4096n } }), { instanceOf: RuntimeConfigError, message: /only null/ });
  const instance = await module.instantiate({ checkIntervalMs: false, globals: { 'env.g': 0 } });
  try {
    await t.throwsAsync(instance.call('f'), { instanceOf: WasmTrap, message: /null_reference/ });
  } finally {
    instance.dispose();
  }
});

// Null where the type says `(ref $t)` / `(ref extern)`: refused at the boundary, as Wasmtime
// refuses a value of the wrong type, in both directions; null stays fine where the type allows it.
test('null is refused at the host boundary where the type is a non-nullable reference', async (t) => {
  const module = await compileWasm(
    await wat(`(module
      (type $t (func (param i32) (result i32)))
      (import "env" "nn" (func $nn (result (ref $t))))
      (import "env" "ext" (func $ext (result (ref extern))))
      (func $f (type $t) (i32.add (local.get 0) (i32.const 1)))
      (elem declare func $f)
      (func (export "get") (result (ref $t)) (ref.func $f))
      (func (export "use") (param i32 (ref $t)) (result i32) (call_ref $t (local.get 0) (local.get 1)))
      (func (export "keep") (param (ref extern)) (result (ref extern)) (local.get 0))
      (func (export "maybe") (param (ref null extern)) (result i32) (ref.is_null (local.get 0)))
      (func (export "from_host") (result i32) (call_ref $t (i32.const 1) (call $nn)))
      (func (export "ext_from_host") (result i32) (drop (call $ext)) (i32.const 1)))`),
    'slacked',
  );
  const typeOf = (name: string) => {
    const e = module.translated.exports.find((x) => x.name === name)!;
    return module.translated.types[module.translated.functionTypes[e.index]!]!;
  };
  t.like(typeOf('use'), { params: ['i32', 'funcref'], nonNullParams: [1], nonNullResults: [] });
  t.like(typeOf('keep'), { nonNullParams: [0], nonNullResults: [0] });
  t.like(typeOf('maybe'), { params: ['externref'], nonNullParams: [] });
  let hostGives: bigint = 0n;
  const instance = await module.instantiate({ checkIntervalMs: false, imports: { env: { nn: () => hostGives, ext: () => 0n } } });
  try {
    const [f] = (await instance.call('get')).results;
    t.deepEqual((await instance.call('use', [4, f!])).results, [5]);
    t.throws(() => instance.call('use', [4, 0n]), { instanceOf: RuntimeConfigError, message: /use's arguments: funcref value 1 is null, but its type is a non-nullable reference/ });
    t.throws(() => instance.call('keep', [0n]), { instanceOf: RuntimeConfigError, message: /externref value 0 is null/ });
    t.deepEqual((await instance.call('keep', [77n])).results, [77n]);
    t.deepEqual((await instance.call('maybe', [0n])).results, [1]);
    await t.throwsAsync(instance.call('from_host'), { instanceOf: RuntimeConfigError, message: /host function env\.nn returned: funcref value 0 is null/ });
    hostGives = BigInt(f!);
    t.deepEqual((await instance.call('from_host')).results, [2]);
    await t.throwsAsync(instance.call('ext_from_host'), { instanceOf: RuntimeConfigError, message: /host function env\.ext returned: externref value 0 is null/ });
  } finally {
    instance.dispose();
  }
});

test('an imported global of a non-nullable reference type takes no null', async (t) => {
  const module = await compileWasm(
    await wat(`(module (import "env" "e" (global $e (ref extern))) (import "env" "n" (global $n (ref null extern)))
      (func (export "f") (result i32) (ref.is_null (global.get $e))))`),
    'vanilla',
  );
  t.like(module.translated.globals, [{ type: 'externref', nonNull: true }, { type: 'externref', nonNull: false }]);
  await t.throwsAsync(module.instantiate({ globals: { 'env.e': 0n, 'env.n': 0n } }), { instanceOf: RuntimeConfigError, message: /env\.e is a non-nullable reference: null \(0\) is not a value of its type/ });
  const instance = await module.instantiate({ checkIntervalMs: false, globals: { 'env.e': 9n, 'env.n': 0n } });
  try {
    t.deepEqual((await instance.call('f')).results, [0]);
  } finally {
    instance.dispose();
  }
});
