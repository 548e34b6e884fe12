// Globals shared between the instances of a store (`instance.global(name)` imported by another
// instance, as a Wasmtime `Linker` shares them): a mutable global is one value that both read and
// write; an immutable one feeds the importer's constant expressions; the import is type-checked.
import test from 'ava';
import { RuntimeConfigError } from '../../src/runtime/index.js';
import { compiled, importing, MODES } from './runtime-modes.js';
import { wat } from './wat.js';


const EXPORTER = wat(`(module
  (global $counter (export "counter") (mut i64) (i64.const 10))
  (global (export "base") i32 (i32.const 64))
  (global $v (export "v") (mut v128) (v128.const i32x4 1 2 3 4))
  (global (export "f") (mut f64) (f64.const 0.5))
  (func (export "bump") (global.set $counter (i64.add (global.get $counter) (i64.const 1))))
  (func (export "get") (result i64) (global.get $counter))
  (func (export "lane") (result i32) (i32x4.extract_lane 3 (global.get $v))))`);

const IMPORTER = wat(`(module
  (import "lib" "counter" (global $counter (mut i64)))
  (import "lib" "base" (global $base i32))
  (import "lib" "v" (global $v (mut v128)))
  (memory 1)
  (data (global.get $base) "here")
  (func (export "add") (param i64) (global.set $counter (i64.add (global.get $counter) (local.get 0))))
  (func (export "get") (result i64) (global.get $counter))
  (func (export "at_base") (result i32) (i32.load8_u (global.get $base)))
  (func (export "set_lane") (param i32) (global.set $v (i32x4.replace_lane 3 (global.get $v) (local.get 0)))))`);

for (const mode of MODES) {
  test(`${mode.name}: a linked mutable global is one value; an immutable one places the importer's data`, async (t) => {
    const lib = await (await compiled(EXPORTER, mode)).instantiate();
    const app = await (await compiled(IMPORTER, mode)).instantiate({ imports: { lib: { counter: lib.global('counter'), base: lib.global('base'), v: lib.global('v') } } });
    try {
      t.is(app.store, lib.store);
      await app.call('add', [5n]);
      t.is((await lib.call('get')).results[0], 15n, "the importer's write, read by the exporter");
      await lib.call('bump');
      t.is((await app.call('get')).results[0], 16n, "the exporter's write, read by the importer");
      t.is((await app.call('at_base')).results[0], 'h'.charCodeAt(0), 'the data segment at the linked base (64)');
      await app.call('set_lane', [99]);
      t.is((await lib.call('lane')).results[0], 99, 'a v128 global, shared too');
    } finally {
      app.dispose();
      lib.dispose();
    }
  });
}

test('global imports are checked: type, mutability, kind', async (t) => {
  const mode = MODES[1];
  const lib = await (await compiled(EXPORTER, mode)).instantiate();
  const importer = (decl: string) => importing('g', decl, mode);
  try {
    await t.throwsAsync((await importer('(global (mut i32))')).instantiate({ imports: { lib: { g: lib.global('counter') } } }), {
      instanceOf: RuntimeConfigError,
      message: 'incompatible import type for `lib::g`: global types incompatible: expected global of type `mutable i32`, found global of type `mutable i64`',
    });
    await t.throwsAsync((await importer('(global i64)')).instantiate({ imports: { lib: { g: lib.global('counter') } } }), { message: /expected global of type `i64`, found global of type `mutable i64`/ });
    await t.throwsAsync((await importer('(global i32)')).instantiate({ imports: { lib: { g: lib.func('get') } } }), { message: /expected global, found func/ });
    await t.throwsAsync((await importer('(func)')).instantiate({ imports: { lib: { g: lib.global('base') } } }), { message: /expected func, found global/ });
    t.throws(() => lib.global('nope'), { instanceOf: RuntimeConfigError, message: /no exported global nope/ });
  } finally {
    lib.dispose();
  }
});
