// Differences the differential fuzzer (npm run fuzz, docs/fuzzing.md) found against Wasmtime 48,
// each pinned by a small module. The expected values are what the reference runner reported
// for the same module (peers/wasmtime-runner, batch mode).
import test from 'ava';
import { OutOfFuel } from '../../src/runtime/errors.js';
import type { MeteringMode } from '../../src/runtime/metering.js';
import { compileWasm, WasmTrap, type WasmTrapKind } from '../../src/wasm/index.js';
import { wat } from './wat.js';

async function call(text: string, mode: MeteringMode, args: number[] = [], fuel?: number) {
  const module = await compileWasm(await wat(text), mode);
  const instance = await module.instantiate({ checkIntervalMs: false });
  try {
    return await instance.call('f', args, fuel === undefined ? {} : { fuel });
  } finally {
    instance.dispose();
  }
}

test('tail calls compile and run in every mode (Cranelift needs frame pointers for them on x64)', async (t) => {
  const text = `(module (func $g (param i32) (result i32) local.get 0)
    (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add return_call $g))`;
  for (const mode of ['none', 'vanilla', 'slacked', 'count'] as const) {
    const r = await call(text, mode, [41], 1000);
    t.deepEqual(r.results, [42], mode);
    if (mode !== 'none') t.is(r.fuelConsumed, 7, `${mode}: Wasmtime's fuel`);
  }
});

test('the fuel at `unreachable` is Wasmtime\'s in slacked and count too (fuel-place observes unconditional traps)', async (t) => {
  // Wasmtime: 4 and 28 (it stores its counter before `unreachable`).
  const cases: [string, number][] = [
    [`(module (global (mut i32) (i32.const 0)) (func (export "f") global.get 0 i32.eqz if unreachable end global.get 0 i32.const 1 i32.sub global.set 0))`, 4],
    [`(module (global (mut i32) (i32.const 3)) (func (export "f") (loop global.get 0 i32.eqz if unreachable end global.get 0 i32.const 1 i32.sub global.set 0 br 0)))`, 28],
  ];
  for (const [text, fuel] of cases) {
    for (const mode of ['vanilla', 'slacked', 'count'] as const) {
      const error = await t.throwsAsync(call(text, mode, [], 100_000), { instanceOf: WasmTrap });
      t.is(error?.kind, 'unreachable');
      t.is(error?.fuelConsumed, fuel, `${mode}`);
    }
  }
});

test('vanilla: a small constant-length bulk operation runs without a fuel check, as in Wasmtime', async (t) => {
  // 100 bytes cost 100 units, folded into the static cost and not checked (Wasmtime checks only
  // above 128): with a budget of 2 Wasmtime runs the fill, which traps out of bounds.
  const oob = `(module (memory 1) (func (export "f") (memory.fill (i32.const 65530) (i32.const 0) (i32.const 100))))`;
  const error = await t.throwsAsync(call(oob, 'vanilla', [], 2), { instanceOf: WasmTrap });
  t.is(error?.kind, 'memory_out_of_bounds');
  // In bounds it returns, having overdrawn (Wasmtime reports fuel 2: its remaining fuel stops at 0).
  const ok = await call(`(module (memory 1) (func (export "f") (memory.fill (i32.const 0) (i32.const 0) (i32.const 100))))`, 'vanilla', [], 2);
  t.is(ok.fuelConsumed, 105);
  // Slacked checks at the return to the host: out of fuel (docs/runtime.md).
  await t.throwsAsync(call(`(module (memory 1) (func (export "f") (memory.fill (i32.const 0) (i32.const 0) (i32.const 100))))`, 'slacked', [], 2), { name: 'OutOfFuel' });
});

test('a segment that does not fit traps at instantiation with the wasm trap kind, as in Wasmtime', async (t) => {
  const cases: [string, WasmTrapKind][] = [
    ['(module (memory 1) (data (i32.const 65535) "ab") (func (export "f")))', 'memory_out_of_bounds'],
    ['(module (table 1 funcref) (elem (i32.const 1) func 0) (func (export "f")))', 'table_out_of_bounds'],
  ];
  for (const [text, kind] of cases) {
    for (const mode of ['none', 'vanilla', 'slacked', 'count'] as const) {
      const module = await compileWasm(await wat(text), mode);
      const error = await t.throwsAsync(module.instantiate(), { instanceOf: WasmTrap });
      t.is(error?.kind, kind, mode);
    }
  }
});

test('a constant that reaches a bulk operation through a block result is still a constant, as in Wasmtime', async (t) => {
  // Wasmtime carries block results in variables: the result of `(block (result i32) (i32.const
  // 5000))` is the iconst itself, so memory.grow (0 units per page by default) gets no fuel
  // check; with a parameter it does. Wasmtime with a budget of 2: ok, then out of fuel.
  const block = `(module (memory 1) (func (export "f") (param i32) (drop (memory.grow (block (result i32) (i32.const 5000))))))`;
  const param = `(module (memory 1) (func (export "f") (param i32) (drop (memory.grow (local.get 0)))))`;
  t.is((await call(block, 'vanilla', [0], 2)).fuelConsumed, 3);
  await t.throwsAsync(call(param, 'vanilla', [5000], 2), { name: 'OutOfFuel' });
  t.is((await call(param, 'vanilla', [5000], 4)).fuelConsumed, 3);
});

test('results can be read as bits: a signalling f32 NaN comes back exactly (a JavaScript number quiets it)', async (t) => {
  const module = await compileWasm(await wat(`(module (func (export "f") (result f32 f64)
    (f32.reinterpret_i32 (i32.const 0x7fa00001)) (f64.reinterpret_i64 (i64.const 0x7ff0000000000001))))`), 'slacked');
  const instance = await module.instantiate({ checkIntervalMs: false });
  try {
    const r = await instance.call('f', [], { resultBits: true });
    t.deepEqual(r.resultBits, [0x7fa00001n, 0x7ff0000000000001n]);
    t.true(Number.isNaN(r.results[0]));
    t.is((await instance.call('f')).resultBits, undefined);
  } finally {
    instance.dispose();
  }
});

test('functions with more results than return registers compile and run (multi-value through a hidden return area, as Wasmtime)', async (t) => {
  const results = Array.from({ length: 12 }, (_, i) => i + 1);
  const text = `(module
    (func $many (result ${results.map(() => 'i32').join(' ')}) ${results.map((r) => `(i32.const ${r})`).join(' ')})
    (func (export "f") (result i32) (local i32) call $many ${results.map(() => 'local.get 0 i32.add local.set 0').join(' ')} local.get 0)
    (func (export "g") (result ${results.map(() => 'i32').join(' ')}) call $many))`;
  for (const mode of ['none', 'vanilla', 'slacked', 'count'] as const) {
    const module = await compileWasm(await wat(text), mode);
    const instance = await module.instantiate({ checkIntervalMs: false });
    try {
      t.deepEqual((await instance.call('f')).results, [78], mode);
      t.deepEqual((await instance.call('g')).results, results, mode);
    } finally {
      instance.dispose();
    }
  }
});

test('table.size of a table that cannot grow is a constant, as in Wasmtime (no fuel check at a bulk operation it sizes)', async (t) => {
  // Wasmtime with a budget of 2: the fixed table's memory.grow runs (no check), the growable
  // one's is checked and out of fuel; both cost 3.
  const fixed = `(module (table 10 10 funcref) (memory 1) (func (export "f") (result i32) (memory.grow (table.size 0))))`;
  const growable = `(module (table 10 funcref) (memory 1) (func (export "f") (result i32) (memory.grow (table.size 0))))`;
  const r = await call(fixed, 'vanilla', [], 2);
  t.deepEqual(r.results, [1]);
  t.is(r.fuelConsumed, 3);
  await t.throwsAsync(call(growable, 'vanilla', [], 2), { name: 'OutOfFuel' });
  t.deepEqual((await call(growable, 'vanilla', [], 4)).results, [1]);
  t.deepEqual((await call(fixed, 'none')).results, [1]);
});

test('global.get of a defined immutable global with a constant initialiser is a constant, as in Wasmtime', async (t) => {
  // Wasmtime with a budget of 2: the constant global's memory.grow runs (no check); the
  // mutable one's is checked and out of fuel.
  const constant = `(module (global i32 (i32.const 1)) (memory 1) (func (export "f") (result i32) (memory.grow (global.get 0))))`;
  const mutable = `(module (global (mut i32) (i32.const 1)) (memory 1) (func (export "f") (result i32) (memory.grow (global.get 0))))`;
  t.is((await call(constant, 'vanilla', [], 2)).fuelConsumed, 3);
  await t.throwsAsync(call(mutable, 'vanilla', [], 2), { name: 'OutOfFuel' });
  for (const mode of ['none', 'slacked'] as const) t.deepEqual((await call(constant, mode, [], 10)).results, [1], mode);
  const floats = `(module (global f64 (f64.const -2.5)) (global i64 (i64.const -7)) (func (export "f") (result f64 i64) (global.get 0) (global.get 1)))`;
  t.deepEqual((await call(floats, 'vanilla', [], 10)).results, [-2.5, -7n]);
});

test('two grows by a huge delta run out of fuel in slacked too (seed 1111: the saturated charges wrapped the pinned counter)', async (t) => {
  // Each grow by -1 (2^64 - 1 elements) charges i64::MAX. Vanilla and Wasmtime check right after
  // the first charge; slacked has no inline check, and two charges wrapped its counter back
  // below zero, so it returned 7. The grow shims now check the stored counter first.
  const text = `(module (table i64 1 externref)
    (func (export "f") (param i64) (result i64)
      (drop (table.grow 0 (ref.null extern) (local.get 0)))
      (drop (table.grow 0 (ref.null extern) (local.get 0)))
      (i64.const 7)))`;
  for (const mode of ['vanilla', 'slacked'] as const) {
    await t.throwsAsync(call(text, mode, [-1], 1000), { instanceOf: OutOfFuel }, mode);
    // A small delta grows twice and returns, with the same fuel in both modes.
    const r = await call(text, mode, [1], 1000);
    t.is(String(r.results[0]), '7', mode);
  }
  const [vanilla, slacked] = await Promise.all([call(text, 'vanilla', [2], 1000), call(text, 'slacked', [2], 1000)]);
  t.is(slacked.fuelConsumed, vanilla.fuelConsumed);
});

test('a bulk operation whose constant 64-bit length saturates the cost compiles in slacked (seeds 2075, 3137: fuel-place refused the i64::MAX charge)', async (t) => {
  // Wasmtime folds the constant length into a static charge of i64::MAX and runs out of fuel.
  const text = `(module (memory i64 1) (func (export "f") (result i32)
    (memory.fill (i64.const 0) (i32.const 0) (i64.const -1)) (i32.const 1)))`;
  for (const mode of ['vanilla', 'slacked'] as const) {
    await t.throwsAsync(call(text, mode, [], 1000), { instanceOf: OutOfFuel }, mode);
  }
});
