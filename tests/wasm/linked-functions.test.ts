// Instances linked through functions, as a Wasmtime `Linker` links them: one instance exports a
// function (`instance.func(name)`), another imports it, joins the exporter's store and calls it
// directly. The store's members share one fuel counter, one wasm thread and one call at a time.
// Fuel equal to Wasmtime's on these shapes is checked against the recorded oracle
// (tests/peers/wasmtime-fuel.test.ts, the `linked/` cases); here: every mode agrees, the
// budget runs out inside the other instance's code, host functions are the right member's,
// traps, memory growth seen across a direct call, the import checks, and the store's rules.
import test from 'ava';
import { OutOfFuel, RuntimeConfigError, Store } from '../../src/runtime/index.js';
import { ReentrantCallError } from '../../src/runtime/errors.js';
import { WasmTrap, type WasmInstance } from '../../src/wasm/index.js';
import { compiled, importing, MODES, type Mode } from './runtime-modes.js';
import { wat } from './wat.js';


/** 1 + ... + n in a loop, then a note to the host: the same body in LIB and in MERGED. */
const SUM_TO = `(param i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (call $note (local.get 1))
    (local.get 1))`;

const LIB = wat(`(module
  (import "env" "note" (func $note (param i32)))
  (memory (export "mem") 1 4)
  (func (export "sum_to") ${SUM_TO}
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "trap") (unreachable))
  (func (export "pair") (param i64 f64) (result f64 i64) (f64.add (local.get 1) (f64.const 0.5)) (i64.mul (local.get 0) (i64.const 3)))
  (func (export "takes_ref") (param funcref))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`);

const APP = wat(`(module
  (import "env" "note" (func $note (param i32)))
  (import "lib" "sum_to" (func $sum_to (param i32) (result i32)))
  (import "lib" "grow" (func $grow (param i32) (result i32)))
  (import "lib" "trap" (func $trap))
  (import "lib" "pair" (func $pair (param i64 f64) (result f64 i64)))
  (import "lib" "mem" (memory 1 4))
  (func (export "run") (param i32) (result i32)
    (call $note (i32.const -1))
    (call $sum_to (local.get 0)))
  (func (export "grow_store") (result i32)
    (drop (call $grow (i32.const 1)))
    (i32.store (i32.const 70000) (i32.const 77))
    (i32.load (i32.const 70000)))
  (func (export "trap") (call $trap))
  (func (export "pair") (param i64 f64) (result f64 i64) (call $pair (local.get 0) (local.get 1))))`);

/** The same computation in one module (the loop defined locally): the fuel to compare with. */
const MERGED = wat(`(module
  (import "env" "note" (func $note (param i32)))
  (func $sum_to ${SUM_TO}
  (func (export "run") (param i32) (result i32)
    (call $note (i32.const -1))
    (call $sum_to (local.get 0))))`);

/** LIB and APP linked, with a log of the notes each one's host function received. */
async function linked(mode: Mode, notes: string[] = []): Promise<{ lib: WasmInstance; app: WasmInstance }> {
  const lib = await (await compiled(LIB, mode)).instantiate({ imports: { env: { note: (x) => void notes.push(`lib:${String(x)}`) } } });
  const app = await (await compiled(APP, mode)).instantiate({
    imports: {
      env: { note: (x) => void notes.push(`app:${String(x)}`) },
      lib: { sum_to: lib.func('sum_to'), grow: lib.func('grow'), trap: lib.func('trap'), pair: lib.func('pair'), mem: lib.memory('mem') },
    },
  });
  return { lib, app };
}

for (const mode of MODES) {
  test(`${mode.name}: a linked call runs the other instance's code, whose host function is its own`, async (t) => {
    const notes: string[] = [];
    const { lib, app } = await linked(mode, notes);
    try {
      t.is(app.store, lib.store, 'the importer joined the exporter store');
      const r = await app.call('run', [100]);
      t.deepEqual(r.results, [5050]);
      t.deepEqual(notes, ['app:-1', 'lib:5050']);
      const pair = await app.call('pair', [7n, 1.25]);
      t.deepEqual(pair.results, [1.75, 21n], 'multiple results and mixed types cross the link');
    } finally {
      app.dispose();
      lib.dispose();
    }
  });

  test(`${mode.name}: the store's one counter: a linked call charges what the same code in one module charges`, async (t) => {
    const { lib, app } = await linked(mode);
    const merged = await (await compiled(MERGED, mode)).instantiate({ imports: { env: { note: () => {} } } });
    try {
      for (const n of [0, 1, 37, 1000]) {
        const a = await app.call('run', [n], { fuel: 1_000_000 });
        const m = await merged.call('run', [n], { fuel: 1_000_000 });
        t.deepEqual(a.results, m.results);
        t.is(a.fuelConsumed, m.fuelConsumed, `n = ${n}`);
        if (mode.metering !== 'none') t.true((a.fuelConsumed ?? 0) > 5 * n, 'the loop in the other instance was charged');
      }
    } finally {
      merged.dispose();
      app.dispose();
      lib.dispose();
    }
  });

  test(`${mode.name}: a grow by the other instance is seen by the caller's next access; a trap there is the caller's trap`, async (t) => {
    const { lib, app } = await linked(mode);
    try {
      t.deepEqual((await app.call('grow_store')).results, [77]);
      t.is(lib.memorySize, 2 * 65536);
      t.deepEqual((await lib.call('load', [70000])).results, [77]);
      const e = await t.throwsAsync(app.call('trap'), { instanceOf: WasmTrap });
      t.is(e?.kind, 'unreachable');
    } finally {
      app.dispose();
      lib.dispose();
    }
  });
}

for (const mode of MODES.filter((m) => m.metering === 'vanilla' || m.metering === 'slacked')) {
  test(`${mode.name}: the budget runs out inside the other instance's loop`, async (t) => {
    const { lib, app } = await linked(mode);
    try {
      const full = (await app.call('run', [1000], { fuel: 1_000_000 })).fuelConsumed ?? 0;
      await t.throwsAsync(app.call('run', [1000], { fuel: Math.floor(full / 2) }), { instanceOf: OutOfFuel });
      // One unit to spare: slacked never makes a host call with the budget exhausted (F >= 0,
      // docs/fuzzing.md, "Slacked is stricter"), and this call's last host call comes after all but none of its fuel.
      const r = await app.call('run', [1000], { fuel: full + 1 });
      t.is(r.fuelConsumed, full, 'enough is enough, and charged exactly');
    } finally {
      app.dispose();
      lib.dispose();
    }
  });
}

test('calls on members of one store queue behind each other; a host function cannot call back into its store', async (t) => {
  const mode = MODES[1];
  let reenter: (() => Promise<unknown>) | undefined;
  const caught: unknown[] = [];
  const lib = await (await compiled(LIB, mode)).instantiate({
    imports: { env: { note: async () => { if (reenter !== undefined) await reenter().catch((e: unknown) => caught.push(e)); } } },
  });
  const app = await (await compiled(APP, mode)).instantiate({
    imports: { env: { note: () => {} }, lib: { sum_to: lib.func('sum_to'), grow: lib.func('grow'), trap: lib.func('trap'), pair: lib.func('pair'), mem: lib.memory('mem') } },
  });
  try {
    const results = await Promise.all([app.call('run', [10]), lib.call('sum_to', [20]), app.call('run', [30]), lib.call('load', [0])]);
    t.deepEqual(results.map((r) => r.results[0]), [55, 210, 465, 0]);
    reenter = () => app.call('run', [1]);
    await app.call('run', [3]);
    t.is(caught.length, 1);
    t.true(caught[0] instanceof ReentrantCallError);
  } finally {
    app.dispose();
    lib.dispose();
  }
});

test('the exporter disposed first: the importer still calls its code (the store keeps it)', async (t) => {
  const { lib, app } = await linked(MODES[3]);
  lib.dispose();
  try {
    t.deepEqual((await app.call('run', [10])).results, [55]);
    t.throws(() => lib.func('sum_to'), { instanceOf: RuntimeConfigError, message: /disposed/ });
  } finally {
    app.dispose();
  }
});

test('imports are checked as Wasmtime checks them, and a store takes one kind of metering', async (t) => {
  const vanilla = MODES[1];
  const lib = await (await compiled(LIB, vanilla)).instantiate({ imports: { env: { note: () => {} } } });
  const importer = (sig: string) => importing('f', `(func ${sig})`, vanilla);
  try {
    const mismatch = await importer('(param i32) (result i64)');
    await t.throwsAsync(mismatch.instantiate({ imports: { lib: { f: lib.func('sum_to') } } }), {
      instanceOf: RuntimeConfigError,
      message: 'incompatible import type for `lib::f`: function types incompatible: expected func of type `(i32) -> (i64)`, found func of type `(i32) -> (i32)`',
    });
    // References are compared by the type they reference, not as "some funcref".
    const refs = await importer('(param funcref)');
    (await refs.instantiate({ imports: { lib: { f: lib.func('takes_ref') } } })).dispose();
    const typed = (param: string) => wat(`(module (type $a (func (param i32))) (type $b (func (param i64))) (func (export "f") (param (ref null ${param}))))`);
    const exporter = await (await compiled(typed('$a'), vanilla)).instantiate();
    const wantsB = await compiled(wat(`(module (type $b (func (param i64))) (import "lib" "f" (func (param (ref null $b)))))`), vanilla);
    await t.throwsAsync(wantsB.instantiate({ imports: { lib: { f: exporter.func('f') } } }), { instanceOf: RuntimeConfigError, message: /function types incompatible/ });
    const wantsA = await compiled(wat(`(module (type $x (func (param i32))) (import "lib" "f" (func (param (ref null $x)))))`), vanilla);
    (await wantsA.instantiate({ imports: { lib: { f: exporter.func('f') } } })).dispose();
    exporter.dispose();
    const slacked = await importing('f', '(func (param i32 i32) (result i32))', MODES[3]);
    await t.throwsAsync(slacked.instantiate({ imports: { lib: { f: lib.func('add') } } }), { instanceOf: RuntimeConfigError, message: /slacked module cannot join a store of vanilla/ });
    const ok = await importer('(param i32 i32) (result i32)');
    await t.throwsAsync(ok.instantiate({ store: new Store(), imports: { lib: { f: lib.func('add') } } }), { instanceOf: RuntimeConfigError, message: /another store/ });
    t.throws(() => lib.func('nope'), { instanceOf: RuntimeConfigError, message: /no exported function nope/ });
  } finally {
    lib.dispose();
  }
});

test('an explicit store: instances that import nothing from each other still share its counter and thread', async (t) => {
  const store = new Store();
  const mode = MODES[1];
  const a = await (await compiled(LIB, mode)).instantiate({ store, imports: { env: { note: () => {} } } });
  const b = await (await compiled(MERGED, mode)).instantiate({ store, imports: { env: { note: () => {} } } });
  try {
    t.is(a.store, store);
    t.is(b.store, store);
    const [x, y] = await Promise.all([a.call('sum_to', [10], { fuel: 10_000 }), b.call('run', [10], { fuel: 10_000 })]);
    t.deepEqual([x.results, y.results], [[55], [55]]);
    t.true((x.fuelConsumed ?? 0) > 0);
  } finally {
    a.dispose();
    b.dispose();
  }
});
