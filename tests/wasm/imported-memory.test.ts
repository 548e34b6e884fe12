// Imported memories: one instance exports its memory, another imports it (`instance.memory(name)`
// passed in `imports`, as Wasmtime's Linker or JS's WebAssembly.Memory pass it). Both see the same
// bytes and size, a grow by either shows in the other at once, the memory outlives the exporter,
// imports are type-checked as Wasmtime checks them, and fuel is what the importer's code alone
// charges (Wasmtime charges nothing for an imported memory). Every metering mode.
import test from 'ava';
import { RuntimeConfigError } from '../../src/runtime/errors.js';
import { compileWasm, Memory, WasmTrap } from '../../src/wasm/index.js';
import { compiled, MODES } from './runtime-modes.js';
import { wat } from './wat.js';


const EXPORTER = wat(`(module
  (memory (export "mem") 1 4)
  (data (i32.const 16) "shared!")
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);

/** `fill` and a byte-summing loop over memory 0: the same code in the importer and in a module
 *  that defines its memory, so their fuel can be compared. */
const FILL_AND_SUM = `(func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "sum") (param i32 i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 1)))
      (local.set 2 (i32.add (local.get 2) (i32.load8_u (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br 0)))
    (local.get 2))`;

// The importer declares a smaller minimum than the exporter has: its import is satisfied by the
// current size, as in Wasmtime. Its data segment lands in the shared memory.
const IMPORTER = wat(`(module
  (import "env" "mem" (memory 1 4))
  (data (i32.const 32) "importer")
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  ${FILL_AND_SUM})`);

/** An imported memory (0) beside a memory of the importer's own (1): multi-memory. */
const SECOND = wat(`(module
  (import "env" "mem" (memory $shared 1 4))
  (memory $own 1)
  (func (export "copy_in") (param i32 i32 i32) (memory.copy $own $shared (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load_own") (param i32) (result i32) (i32.load8_u $own (local.get 0)))
  (func (export "size_shared") (result i32) (memory.size $shared)))`);

const int = (r: { results: unknown[] }) => Number(r.results[0]);

for (const mode of MODES) {
  test(`${mode.name}: both instances see the same bytes, grows and bounds`, async (t) => {
    const exporter = await (await compiled(EXPORTER, mode)).instantiate();
    const mem = exporter.memory('mem');
    t.true(mem instanceof Memory);
    const importer = await (await compiled(IMPORTER, mode)).instantiate({ imports: { env: { mem } } });
    // Both data segments are in the one memory.
    t.is(int(await exporter.call('load', [32])), 'i'.charCodeAt(0));
    t.is(int(await importer.call('load', [16])), 's'.charCodeAt(0));
    await importer.call('store', [100, 42]);
    t.is(int(await exporter.call('load', [100])), 42);
    await exporter.call('store', [101, 43]);
    t.is(int(await importer.call('load', [101])), 43);
    t.deepEqual([...importer.readMemory(100, 2)], [42, 43]);

    // Past the first page: out of bounds in both until one of them grows.
    await t.throwsAsync(importer.call('load', [65536]), { instanceOf: WasmTrap, message: /memory_out_of_bounds|out of bounds/ });
    t.is(int(await exporter.call('grow', [1])), 1);
    t.is(int(await importer.call('size')), 2);
    t.is(mem.byteLength, 2 * 65536);
    await importer.call('store', [65536 + 5, 9]);
    t.is(int(await exporter.call('load', [65536 + 5])), 9);
    // The importer grows; the exporter sees it; the shared maximum (4) holds for both.
    t.is(int(await importer.call('grow', [2])), 2);
    t.is(int(await exporter.call('size')), 4);
    t.is(int(await exporter.call('grow', [1])), -1);
    t.is(int(await importer.call('grow', [1])), -1);
    await t.throwsAsync(importer.call('load', [4 * 65536]), { instanceOf: WasmTrap });
    await t.throwsAsync(exporter.call('load', [4 * 65536]), { instanceOf: WasmTrap });
    t.is(exporter.memorySize, 4 * 65536);
    t.is(importer.memorySize, 4 * 65536);
    exporter.dispose();
    importer.dispose();
  });

  test(`${mode.name}: the memory outlives the exporter`, async (t) => {
    const exporter = await (await compiled(EXPORTER, mode)).instantiate();
    const mem = exporter.memory('mem');
    const importer = await (await compiled(IMPORTER, mode)).instantiate({ imports: { env: { mem } } });
    await exporter.call('store', [200, 77]);
    exporter.dispose();
    t.throws(() => exporter.readMemory(200, 1), { message: /disposed/ });
    t.is(int(await importer.call('load', [200])), 77);
    t.is(int(await importer.call('grow', [1])), 1);
    await importer.call('store', [65536 + 1, 5]);
    t.is(int(await importer.call('sum', [65536, 4])), 5);
    // A second importer after the exporter is gone: the handle keeps the memory.
    const late = await (await compiled(IMPORTER, mode)).instantiate({ imports: { env: { mem } } });
    t.is(int(await late.call('load', [200])), 77);
    t.is(int(await late.call('size')), 2);
    importer.dispose();
    t.is(int(await late.call('load', [65536 + 1])), 5);
    late.dispose();
  });

  test(`${mode.name}: an imported memory beside a memory of its own`, async (t) => {
    const exporter = await (await compiled(EXPORTER, mode)).instantiate();
    const second = await (await compiled(SECOND, mode)).instantiate({ imports: { env: { mem: exporter.memory('mem') } } });
    await second.call('copy_in', [0, 16, 7]);
    t.is(Buffer.from(second.readMemory(0, 7, 1)).toString(), "shared!");
    t.is(int(await second.call('load_own', [6])), '!'.charCodeAt(0));
    await exporter.call('grow', [3]);
    t.is(int(await second.call('size_shared')), 4);
    exporter.dispose();
    second.dispose();
  });
}

test('fuel: an imported memory charges what a defined one does', async (t) => {
  const own = wat(`(module (memory 1 4) ${FILL_AND_SUM})`);
  for (const mode of MODES.filter((m) => m.metering !== 'none')) {
    const exporter = await (await compiled(EXPORTER, mode)).instantiate();
    const importer = await (await compiled(IMPORTER, mode)).instantiate({ imports: { env: { mem: exporter.memory('mem') } } });
    const alone = await (await compiled(Promise.resolve(own), mode)).instantiate();
    const shared = await importer.call('sum', [0, 300], { fuel: 1_000_000 });
    const defined = await alone.call('sum', [0, 300], { fuel: 1_000_000 });
    t.is(shared.fuelConsumed, defined.fuelConsumed, mode.name);
    t.true((shared.fuelConsumed ?? 0) > 300, mode.name);
    const f1 = await importer.call('fill', [0, 1, 1000], { fuel: 1_000_000 });
    const f2 = await alone.call('fill', [0, 1, 1000], { fuel: 1_000_000 });
    t.is(f1.fuelConsumed, f2.fuelConsumed, mode.name);
    for (const i of [exporter, importer, alone]) i.dispose();
  }
});

test('import type checks as Wasmtime makes them', async (t) => {
  const exporter = await (await compileWasm(await EXPORTER, 'vanilla')).instantiate();
  const mem = exporter.memory('mem'); // 1 page now, declared maximum 4
  const importing = async (type: string) => (await compileWasm(await wat(`(module (import "env" "mem" (memory ${type})))`), 'vanilla')).instantiate({ imports: { env: { mem } } });
  await t.throwsAsync(importing('2 4'), {
    instanceOf: RuntimeConfigError,
    message: 'incompatible import type for `env::mem`: memory types incompatible: expected memory limits (min: 2, max: 4) doesn\'t match provided memory limits (min: 1, max: 4)',
  });
  await t.throwsAsync(importing('1 3'), { instanceOf: RuntimeConfigError, message: /expected memory limits \(min: 1, max: 3\) doesn't match provided memory limits \(min: 1, max: 4\)/ });
  await t.throwsAsync(importing('i64 1'), { instanceOf: RuntimeConfigError, message: /expected 64-bit memory, found 32-bit memory/ });
  // No declared maximum, or a larger one, accepts; the current size counts as the minimum.
  (await importing('1')).dispose();
  (await importing('1 10')).dispose();
  await exporter.call('grow', [1]);
  (await importing('2 4')).dispose();
  // A memory without a maximum does not satisfy an import that declares one.
  const unbounded = await (await compileWasm(await wat('(module (memory (export "m") 1))'), 'vanilla')).instantiate();
  await t.throwsAsync(
    (await compileWasm(await wat('(module (import "env" "mem" (memory 1 4)))'), 'vanilla')).instantiate({ imports: { env: { mem: unbounded.memory('m') } } }),
    { instanceOf: RuntimeConfigError, message: /provided memory limits \(min: 1, max: none\)/ },
  );
  // A 64-bit memory cannot stand for a 32-bit one.
  const wide = await (await compileWasm(await wat('(module (memory (export "m") i64 1 2))'), 'vanilla')).instantiate();
  await t.throwsAsync(
    (await compileWasm(await wat('(module (import "env" "mem" (memory 1)))'), 'vanilla')).instantiate({ imports: { env: { mem: wide.memory('m') } } }),
    { instanceOf: RuntimeConfigError, message: /expected 32-bit memory, found 64-bit memory/ },
  );
  // Missing, or a function where a memory is expected, and the reverse.
  const needsMemory = await compileWasm(await wat('(module (import "env" "mem" (memory 1)))'), 'vanilla');
  await t.throwsAsync(needsMemory.instantiate(), { instanceOf: RuntimeConfigError, message: /missing import env\.mem/ });
  await t.throwsAsync(needsMemory.instantiate({ imports: { env: { mem: () => 0 } } }), { instanceOf: RuntimeConfigError, message: /expected memory, found func/ });
  const needsFunction = await compileWasm(await wat('(module (import "env" "f" (func)))'), 'vanilla');
  await t.throwsAsync(needsFunction.instantiate({ imports: { env: { f: mem } } }), { instanceOf: RuntimeConfigError, message: /expected func, found memory/ });
  t.throws(() => exporter.memory('nope'), { instanceOf: RuntimeConfigError });
  for (const i of [exporter, unbounded, wide]) i.dispose();
});

test('code compiled for guard pages cannot import a memory without them', async (t) => {
  // Explicit checks in the exporter (a small reservation): its memory has no 4 GiB reservation,
  // so the importer's unchecked accesses (the default) would not be safe in it.
  const checked = await (await compileWasm(await EXPORTER, 'vanilla', undefined, { memoryReservation: 1 << 20 })).instantiate();
  const importer = await compileWasm(await IMPORTER, 'vanilla');
  await t.throwsAsync(importer.instantiate({ imports: { env: { mem: checked.memory('mem') } } }), { message: /relies on a 4 GiB reservation/ });
  // The other way round is safe: code with explicit checks imports a guarded memory.
  const guarded = await (await compileWasm(await EXPORTER, 'vanilla')).instantiate();
  const careful = await (await compileWasm(await IMPORTER, 'vanilla', undefined, { memoryReservation: 1 << 20 })).instantiate({ imports: { env: { mem: guarded.memory('mem') } } });
  t.is(int(await careful.call('load', [16])), 's'.charCodeAt(0));
  await t.throwsAsync(careful.call('load', [65536]), { instanceOf: WasmTrap });
  for (const i of [checked, guarded, careful]) i.dispose();
});

test('calls into instances sharing a memory run one at a time, host calls in between', async (t) => {
  const exporter = await (await compileWasm(await EXPORTER, 'slacked')).instantiate();
  const mem = exporter.memory('mem');
  // The importer's host function calls the exporter while the importer waits: allowed, and the
  // exporter's grow is visible to the importer's code when the host function returns.
  const caller = await compileWasm(
    await wat(`(module (import "env" "mem" (memory 1 4)) (import "host" "grow" (func $g))
      (func (export "run") (result i32) (call $g) (memory.size)))`),
    'slacked',
  );
  const importer = await caller.instantiate({ imports: { env: { mem }, host: { grow: async () => void (await exporter.call('grow', [2])) } } });
  t.is(int(await importer.call('run')), 3);
  // Started together without awaiting: both finish, one after the other.
  const [a, b] = await Promise.all([exporter.call('grow', [1]), importer.call('run')]);
  t.is(int(a), 3);
  // Whichever ran first, the importer's grow by 2 failed (3 + 2 > 4) and it saw 3 or 4 pages.
  t.true([3, 4].includes(int(b)), String(int(b)));
  t.is(mem.pages, 4);
  exporter.dispose();
  importer.dispose();
});

test('a table import needs a table (tests/wasm/linked-tables.test.ts links them)', async (t) => {
  const m = await compileWasm(await wat('(module (import "env" "t" (table 1 funcref)))'), 'vanilla');
  await t.throwsAsync(m.instantiate(), { instanceOf: RuntimeConfigError, message: /missing import env\.t \(a table\)/ });
});
