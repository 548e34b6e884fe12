// Multi-memory (on by default in Wasmtime 48): every memory operator on memories 1 and 2 of
// tests/fixtures/wasmtime/multimem.wat, in every metering mode. Node 20's V8 has no multi-memory,
// so the expected values are written out here; they are also what real Wasmtime returns
// (tests/fixtures/wasmtime/fuel.json, `multimem/` cases, checked by tests/peers/wasmtime-fuel.test.ts).
import { readFileSync } from 'node:fs';
import test from 'ava';
import { RuntimeConfigError } from '../../src/runtime/errors.js';
import { runWasi } from '../../src/wasi/index.js';
import { compileWasm, WasmTrap } from '../../src/wasm/index.js';
import { watFixtureUrl } from '../peers/fuel-cases.js';
import { wat } from './wat.js';

const bytes = wat(readFileSync(watFixtureUrl('multimem'), 'utf8'));
const MODES = ['none', 'vanilla', 'slacked', 'count'] as const;

/** [export, args, expected result or trap kind]. Each runs in a fresh instance. */
const CASES: readonly (readonly [string, readonly number[], string])[] = [
  // Every load width after every store width on memory 1; memory 0 at the same address adds 0.
  ['ls1', [0], '49396393349'],
  ['ls1', [100], '49396393349'],
  // bytes 8..15 of memory 2 after the store: 0d 0c 0b 0a 05 06 07 08 → plus u16 at 14 (0x0807)
  ['ls2', [8], '723685415097207307'],
  ['hello1', [], '1869376613'], // "ello" little-endian
  ['sizes', [], '211'],
  ['grow1', [1], '1221'], // old size 1; memory 1 now 2 pages, the others unchanged
  ['grow1', [3], '1241'],
  ['grow1', [4], '-789'], // past memory 1's maximum of 4: -1 (-1000 + 211), nothing grows
  ['grow1_use', [], '77'],
  ['fill2', [10, 1000], String(0xabababab | 0)],
  ['copy21', [50, 8], '506097522914230529'], // 01 01 02 03 04 05 06 07
  ['copy12c', [], '478560413032'], // "hello" copied from memory 1 to memory 2
  ['init2', [40], '2406459771179983216'], // "passive!"
  ['oob2', [131068], '0'],
  ['oob2', [131069], 'memory_out_of_bounds'],
  ['oob1', [65535], 'memory_out_of_bounds'],
  ['oob1', [0], 'memory_out_of_bounds'],
  ['copyoob', [65520], '1'],
  ['copyoob', [65521], 'memory_out_of_bounds'],
  ['simd12', [0], '260'], // byte 64 of memory 1 (1) into lane 1 (256), plus lane 3 (4) stored in memory 2
];

/** Guard pages (the default 4 GiB reservation per memory) and explicit bounds checks (a small one). */
const LAYOUTS = [
  { name: 'guard pages', options: {} },
  { name: 'explicit checks', options: { memoryReservation: 1 << 20 } },
] as const;

for (const metering of MODES) {
  for (const layout of LAYOUTS) {
    test(`${metering}, ${layout.name}: every memory operator on memories 1 and 2 gives Wasmtime's result`, async (t) => {
      const module = await compileWasm(await bytes, metering, undefined, layout.options);
      for (const [name, args, want] of CASES) {
        const instance = await module.instantiate({ checkIntervalMs: false });
        try {
          const got = await instance.call(name, [...args]).then(
            (r) => r.results.map(String).join(','),
            (error: unknown) => {
              if (error instanceof WasmTrap) return error.kind;
              throw error;
            },
          );
          t.is(got, want, `${name}(${args.join(',')})`);
        } finally {
          instance.dispose();
        }
      }
    });
  }
}

test('each memory is its own: sizes, reads and writes through the instance API', async (t) => {
  const module = await compileWasm(await bytes, 'vanilla');
  const instance = await module.instantiate({ checkIntervalMs: false });
  try {
    t.deepEqual([0, 1, 2, 3].map((i) => instance.memorySizeOf(i)), [65536, 65536, 131072, 0]);
    t.deepEqual([...instance.readMemory(16, 5, 1)], [...Buffer.from('hello')]);
    t.deepEqual([...instance.readMemory(16, 5, 0)], [0, 0, 0, 0, 0]);
    instance.writeMemory(0, Uint8Array.of(9, 9, 9, 9), 2);
    t.is((await instance.call('ls2', [0])).results[0], 0x0a0b0c0d_09090909n + 0x0a0bn);
    await instance.call('grow1', [2]);
    t.deepEqual([0, 1, 2].map((i) => instance.memorySizeOf(i)), [65536, 3 * 65536, 131072]);
    t.throws(() => instance.readMemory(0, 1, 3), { message: /no memory 3/ });
  } finally {
    instance.dispose();
  }
});

test('the resource limit applies to each memory', async (t) => {
  const module = await compileWasm(await wat('(module (memory 1) (memory 3) (func (export "g") (result i32) (memory.grow 0 (i32.const 1))))'), 'none');
  await t.throwsAsync(module.instantiate({ limits: { maxMemoryBytes: 2 * 65536 } }), { message: /needs 196608 bytes/ });
  const instance = await module.instantiate({ limits: { maxMemoryBytes: 3 * 65536 } });
  try {
    t.deepEqual((await instance.call('g')).results, [1]);
  } finally {
    instance.dispose();
  }
});

test('an imported memory that is not given is refused clearly at instantiation (imported-memory.test.ts links one)', async (t) => {
  const module = await compileWasm(await wat('(module (import "env" "m" (memory 1)) (memory 1) (func (export "f")))'), 'none');
  await t.throwsAsync(module.instantiate({}), { instanceOf: RuntimeConfigError, message: /missing import env\.m \(a memory\)/ });
});

// WASI reads the memory exported as "memory", as Wasmtime's does: here memory 1. Wasmtime 48.0.9
// prints the same line and reports 12 units of fuel (wasmtime-runner run --mode fuel).
const WASI_ON_MEMORY_1 = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory $scratch 1)
  (memory $io 1)
  (export "memory" (memory $io))
  (data (memory $io) (i32.const 16) "hi from memory 1\\n")
  (data (memory $scratch) (i32.const 16) "WRONG MEMORY!!!!\\n")
  (func (export "_start")
    (i32.store $io (i32.const 0) (i32.const 16))
    (i32.store $io (i32.const 4) (i32.const 17))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))`;

for (const metering of MODES) {
  test(`${metering}: WASI uses the memory exported as "memory" (memory 1 here), as Wasmtime does`, async (t) => {
    const out: Uint8Array[] = [];
    const r = await runWasi(await wat(WASI_ON_MEMORY_1), { metering, args: [], programName: 'mm.wasm', stdout: (b) => out.push(b.slice()), stderr: () => {}, checkIntervalMs: false });
    t.is(Buffer.concat(out).toString(), 'hi from memory 1\n');
    t.is(r.exitCode, 0);
    t.is(r.fuelConsumed, metering === 'none' ? null : 12);
  });
}
