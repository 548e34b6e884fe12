// `codeLayoutSeed`: the machine code laid out by a seed (a pseudo-random 0-63 bytes before each
// function) instead of at 32-byte boundaries, so that benchmarks can take medians over layouts.
// A seed names one layout; the program computes the same under every layout and every mode.
import test from 'ava';
import { Engine } from '../../src/runtime/engine.js';
import { RuntimeConfigError } from '../../src/runtime/errors.js';
import { compileWasm } from '../../src/wasm/index.js';
import { wat } from './wat.js';

// Twelve small functions calling each other in a loop, so the layout has many starts to move.
const FUNCTIONS = 12;
const MODULE = `(module
  ${Array.from({ length: FUNCTIONS }, (_, i) => `(func $f${i} (param i32) (result i32) (i32.add (i32.mul (local.get 0) (i32.const ${i + 3})) (i32.const ${i})))`).join('\n  ')}
  (func (export "run") (param $n i32) (result i32) (local $acc i32)
    (loop $l
      ${Array.from({ length: FUNCTIONS }, (_, i) => `(local.set $acc (call $f${i} (local.get $acc)))`).join('\n      ')}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))`;

const engine = new Engine({ flags: { opt_level: 'speed' } });

async function layoutAndResult(mode: 'none' | 'slacked', seed?: number): Promise<{ offsets: number[]; result: unknown; fuel: number | null }> {
  const module = await compileWasm(await wat(MODULE), mode, engine);
  const instance = await module.instantiate(seed === undefined ? {} : { codeLayoutSeed: seed });
  try {
    const r = await instance.call('run', [1000], mode === 'slacked' ? { fuel: 10_000_000 } : {});
    return { offsets: instance.lineOffsets.map((f) => f.lineOffset), result: r.results, fuel: r.fuelConsumed };
  } finally {
    instance.dispose();
  }
}

test('without a seed every function starts on a 32-byte boundary, as Wasmtime places them', async (t) => {
  const { offsets } = await layoutAndResult('none');
  t.true(offsets.length > FUNCTIONS);
  for (const o of offsets) t.true(o === 0 || o === 32, `offset ${o}`);
});

test('a seed moves the starts within their cache lines; the same seed gives the same layout', async (t) => {
  const one = await layoutAndResult('none', 1);
  const again = await layoutAndResult('none', 1);
  const two = await layoutAndResult('none', 2);
  t.deepEqual(one.offsets, again.offsets);
  t.notDeepEqual(one.offsets, two.offsets);
  t.true(one.offsets.some((o) => o % 32 !== 0), `offsets ${one.offsets.join(',')}`);
});

test('every layout computes the same results and charges the same fuel', async (t) => {
  for (const mode of ['none', 'slacked'] as const) {
    const aligned = await layoutAndResult(mode);
    for (const seed of [1, 2, 3, 2 ** 40]) {
      const shuffled = await layoutAndResult(mode, seed);
      t.deepEqual(shuffled.result, aligned.result, `${mode}, seed ${seed}`);
      t.is(shuffled.fuel, aligned.fuel, `${mode}, seed ${seed}`);
    }
  }
});

test('a seed that is not a safe non-negative integer is refused', async (t) => {
  const module = await compileWasm(await wat(MODULE), 'none', engine);
  for (const seed of [-1, 1.5, 2 ** 60, Number.NaN]) {
    await t.throwsAsync(module.instantiate({ codeLayoutSeed: seed }), { instanceOf: RuntimeConfigError, message: /codeLayoutSeed/ }, String(seed));
  }
});
