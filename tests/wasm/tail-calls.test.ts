// Tail calls (on by default in Wasmtime 48): return_call and return_call_indirect run in every
// metering mode, in constant stack, with the same fuel in vanilla, slacked and count.
import test from 'ava';
import { METERING_MODES } from '../../src/runtime/metering.js';
import { compileWasm } from '../../src/wasm/index.js';
import { wat } from './wat.js';

const TAIL = `(module
  (type $step (func (param i64 i64) (result i64)))
  (table 1 funcref) (elem (i32.const 0) $odd)
  ;; sum 1..n by tail recursion: a million deep would overflow any stack without tail calls
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $sum (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (local.get $n))))))
  (func $even (export "even") (param $n i64) (param $k i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n)) (then (i64.const 1))
      (else (return_call_indirect (type $step) (i64.sub (local.get $n) (i64.const 1)) (local.get $k) (i32.const 0)))))
  (func $odd (param $n i64) (param $k i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n)) (then (i64.const 0))
      (else (return_call $even (i64.sub (local.get $n) (i64.const 1)) (local.get $k))))))`;

test('return_call and return_call_indirect run deep in every mode with equal fuel', async (t) => {
  const bytes = await wat(TAIL);
  const fuel = new Map<string, (number | null)[]>();
  for (const metering of METERING_MODES) {
    const instance = await (await compileWasm(bytes, metering)).instantiate({ checkIntervalMs: false });
    try {
      const a = await instance.call('sum', [1_000_000n, 0n]);
      t.deepEqual(a.results, [500000500000n], metering);
      const b = await instance.call('even', [100_001n, 0n]);
      t.deepEqual(b.results, [0n], metering);
      fuel.set(metering, [a.fuelConsumed, b.fuelConsumed]);
    } finally {
      instance.dispose();
    }
  }
  const vanilla = fuel.get('vanilla')!;
  t.true(vanilla.every((f) => f !== null && f > 100_000));
  t.deepEqual(fuel.get('slacked'), vanilla);
  t.deepEqual(fuel.get('count'), vanilla);
});
