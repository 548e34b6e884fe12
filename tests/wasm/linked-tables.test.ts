// Tables shared between the instances of a store (`instance.table(name)` imported by another
// instance, as a Wasmtime `Linker` shares them): both call through the one table, a grow or a
// `table.set` by either is seen by the other at once, signatures are checked across modules by
// type (the store numbers types by structure), and the import is type-checked. Every mode.
// Fuel against Wasmtime: the `linked/` cases of tests/peers/wasmtime-fuel.test.ts.
import test from 'ava';
import { RuntimeConfigError, Store } from '../../src/runtime/index.js';
import { WasmTrap, type WasmInstance } from '../../src/wasm/index.js';
import { compiled, importing, MODES, type Mode } from './runtime-modes.js';
import { wat } from './wat.js';


// The exporter numbers its types one way (the unused type first), the importer another: the
// signature check compares types, not indices.
const EXPORTER = wat(`(module
  (type $unused (func (param f64)))
  (type $unary (func (param i32) (result i32)))
  (table (export "t") 4 8 funcref)
  (elem (i32.const 0) $inc $square)
  (func $inc (type $unary) (i32.add (local.get 0) (i32.const 1)))
  (func $square (type $unary) (i32.mul (local.get 0) (local.get 0)))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect (type $unary) (local.get 1) (local.get 0)))
  (func (export "size") (result i32) (table.size))
  (func (export "grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0)))
  (func (export "is_null") (param i32) (result i32) (ref.is_null (table.get (local.get 0)))))`);

const IMPORTER = wat(`(module
  (type $unary (func (param i32) (result i32)))
  (type $binary (func (param i32 i32) (result i32)))
  (import "lib" "t" (table $shared 2 funcref))
  (table $own 2 funcref)
  (elem (table $shared) (i32.const 2) func $negate)
  (elem $passive func $negate $negate)
  (func $negate (type $unary) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect $shared (type $unary) (local.get 1) (local.get 0)))
  (func (export "call_binary") (param i32) (result i32)
    (call_indirect $shared (type $binary) (i32.const 1) (i32.const 2) (local.get 0)))
  (func (export "size") (result i32) (table.size $shared))
  (func (export "grow") (param i32) (result i32) (table.grow $shared (ref.null func) (local.get 0)))
  (func (export "set_negate") (param i32) (table.set $shared (local.get 0) (ref.func $negate)))
  (func (export "copy_to_own") (table.copy $own $shared (i32.const 0) (i32.const 0) (i32.const 2)))
  (func (export "call_own") (param i32 i32) (result i32)
    (call_indirect $own (type $unary) (local.get 1) (local.get 0)))
  (func (export "fill_null") (param i32 i32) (table.fill $shared (local.get 0) (ref.null func) (local.get 1)))
  (func (export "init") (param i32) (table.init $shared $passive (local.get 0) (i32.const 0) (i32.const 2))))`);

async function linked(mode: Mode): Promise<{ lib: WasmInstance; app: WasmInstance }> {
  const lib = await (await compiled(EXPORTER, mode)).instantiate();
  const app = await (await compiled(IMPORTER, mode)).instantiate({ imports: { lib: { t: lib.table('t') } } });
  return { lib, app };
}

const int = async (p: Promise<{ results: unknown[] }>): Promise<number> => Number((await p).results[0]);

async function trapKind(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no trap';
  } catch (error) {
    if (error instanceof WasmTrap) return error.kind;
    throw error;
  }
}

for (const mode of MODES) {
  test(`${mode.name}: one table: each instance calls the other's functions through it`, async (t) => {
    const { lib, app } = await linked(mode);
    try {
      t.is(app.store, lib.store);
      t.is(await int(app.call('call', [0, 41])), 42, "the exporter's $inc, called by the importer");
      t.is(await int(app.call('call', [1, 7])), 49);
      t.is(await int(lib.call('call', [2, 5])), -5, "the importer's $negate, put there by its element segment, called by the exporter");
      await app.call('set_negate', [3]);
      t.is(await int(lib.call('call', [3, 9])), -9, 'a table.set by the importer');
    } finally {
      app.dispose();
      lib.dispose();
    }
  });

  test(`${mode.name}: a grow, a fill or an init by either is seen by the other; bounds and nulls trap`, async (t) => {
    const { lib, app } = await linked(mode);
    try {
      t.is(await int(app.call('size')), 4);
      t.is(await int(app.call('grow', [3])), 4);
      t.is(await int(lib.call('size')), 7, "the exporter's code reads the new length");
      t.is(await int(lib.call('grow', [1])), 7);
      t.is(await int(app.call('size')), 8);
      t.is(await int(app.call('grow', [1])), -1, "the exporter's maximum of 8 holds for the importer");
      t.is(await trapKind(app.call('call', [8, 1])), 'table_out_of_bounds');
      t.is(await trapKind(lib.call('call', [6, 1])), 'indirect_call_null', 'a grown slot is null');
      await app.call('fill_null', [0, 2]);
      t.is(await int(lib.call('is_null', [0])), 1);
      t.is(await trapKind(lib.call('call', [1, 1])), 'indirect_call_null');
      await app.call('init', [0]);
      t.is(await int(lib.call('call', [1, 4])), -4, 'table.init wrote the importer\'s func-refs');
      await app.call('copy_to_own');
      t.is(await int(app.call('call_own', [0, 3])), -3, 'table.copy from the shared table into its own');
    } finally {
      app.dispose();
      lib.dispose();
    }
  });

  test(`${mode.name}: signatures are compared by type across modules`, async (t) => {
    const { lib, app } = await linked(mode);
    try {
      // $unary has index 1 in the exporter and 0 in the importer: the same type, so it calls.
      t.is(await int(app.call('call', [0, 1])), 2);
      t.is(await trapKind(app.call('call_binary', [0])), 'indirect_call_signature_mismatch');
      t.is(await trapKind(app.call('call_binary', [2])), 'indirect_call_signature_mismatch', 'its own function, of another type');
    } finally {
      app.dispose();
      lib.dispose();
    }
  });
}

test('table imports are checked: kind, element type, size, maximum, store', async (t) => {
  const mode = MODES[1];
  const lib = await (await compiled(EXPORTER, mode)).instantiate();
  const importer = (decl: string) => importing('t', decl, mode);
  try {
    await t.throwsAsync((await importer('(table 2 externref)')).instantiate({ imports: { lib: { t: lib.table('t') } } }), { instanceOf: RuntimeConfigError, message: /table types incompatible/ });
    await t.throwsAsync((await importer('(table 5 funcref)')).instantiate({ imports: { lib: { t: lib.table('t') } } }), { message: /at least 5 elements, the table has 4/ });
    await t.throwsAsync((await importer('(table 1 6 funcref)')).instantiate({ imports: { lib: { t: lib.table('t') } } }), { message: /the import's maximum is 6, the table's is 8/ });
    await t.throwsAsync((await importer('(table 1 funcref)')).instantiate({ imports: { lib: { t: lib.func('call') } } }), { instanceOf: RuntimeConfigError, message: /expected table, found func/ });
    await t.throwsAsync((await importer('(func)')).instantiate({ imports: { lib: { t: lib.table('t') } } }), { instanceOf: RuntimeConfigError, message: /expected func, found table/ });
    await t.throwsAsync((await importer('(table 1 funcref)')).instantiate({ store: new Store(), imports: { lib: { t: lib.table('t') } } }), { instanceOf: RuntimeConfigError, message: /table of another store/ });
    t.throws(() => lib.table('nope'), { instanceOf: RuntimeConfigError, message: /no exported table nope/ });
    // A minimum the table reaches after growing is satisfied, as in Wasmtime.
    await lib.call('grow', [2]);
    const grown = await (await importer('(table 6 8 funcref)')).instantiate({ imports: { lib: { t: lib.table('t') } } });
    grown.dispose();
    t.pass();
  } finally {
    lib.dispose();
  }
});
