// memory64 (on by default in Wasmtime 48), 64-bit memories and tables: every memory operator on the 64-bit memories of
// tests/fixtures/wasmtime/mem64.wat, beside a 32-bit one, in every metering mode. Node 20's V8
// has no memory64, so the expected values are written out here; they are what real Wasmtime
// returns (tests/fixtures/wasmtime/fuel.json, `mem64/` cases, checked with their fuel by
// tests/peers/wasmtime-fuel.test.ts).
import { readFileSync } from 'node:fs';
import test from 'ava';
import { OutOfFuel } from '../../src/runtime/errors.js';
import { compileWasm, translate, WasmTrap } from '../../src/wasm/index.js';
import { watFixtureUrl } from '../peers/fuel-cases.js';
import { wat } from './wat.js';

const bytes = wat(readFileSync(watFixtureUrl('mem64'), 'utf8'));
const MODES = ['none', 'vanilla', 'slacked', 'count'] as const;

/** [export, args, expected result or trap kind]. Each runs in a fresh instance. */
const CASES: readonly (readonly [string, readonly number[], string])[] = [
  // Every load width after every store width; memory 0's data segment at the same address adds
  // 0x0807060504030201 at 0, nothing at 100.
  ['ls', [0], '578437745148700550'],
  ['ls', [100], '49396393349'],
  ['hello', [], '1869376613'], // "ello": the data segment at i64 offset 16
  ['sizes', [], '111'], // memory.size returns an i64 on the 64-bit memories
  ['grow', [1], '1121'], // i64 delta, i64 old size 1
  ['grow', [3], '1141'],
  ['grow', [4], '-889'], // past the maximum of 4: -1 as i64
  ['growhuge', [], '-889'], // 2^48 pages: -1, nothing grows
  ['grow_use', [], '77'],
  ['fill', [10, 1000], '-6076574518398440533'],
  ['copy', [50, 8], '1012195045828461058'], // 32 → 64, 64 → 64 overlapping, 64 → 32
  ['init', [40], '2406459771179983216'], // "passive!"
  ['oob', [65528], '0'], // the last in-bounds i64 load of one page
  ['oob', [65529], 'memory_out_of_bounds'],
  ['wrap', [0], '0'],
  ['wrap', [1], 'memory_out_of_bounds'], // index -1 + offset 8 + 8 wraps past 2^64
  ['minus1', [], 'memory_out_of_bounds'],
  ['bigoff', [], 'memory_out_of_bounds'], // offset 2^64 - 8: never in bounds
  ['filloob', [65520], '1'],
  ['filloob', [65521], 'memory_out_of_bounds'],
  ['copyoob', [65520], '1'],
  ['copyoob', [65521], 'memory_out_of_bounds'],
  ['simd', [0], '867514700219680006'],
  ['big', [], '20016004897579'], // memory $u grown past 4 GiB, an access at 4 GiB + 8
];

/** Guard pages for the 32-bit memory (the 64-bit ones are always checked) and explicit checks. */
const LAYOUTS = [
  { name: 'guard pages', options: {} },
  { name: 'explicit checks', options: { memoryReservation: 1 << 20 } },
] as const;

async function outcome(p: Promise<{ results: readonly unknown[] }>): Promise<string> {
  return p.then(
    (r) => r.results.map(String).join(','),
    (error: unknown) => {
      if (error instanceof WasmTrap) return error.kind;
      throw error;
    },
  );
}

for (const metering of MODES) {
  for (const layout of LAYOUTS) {
    test(`${metering}, ${layout.name}: every operator on 64-bit memories gives Wasmtime's result`, async (t) => {
      const module = await compileWasm(await bytes, metering, undefined, layout.options);
      for (const [name, args, want] of CASES) {
        const instance = await module.instantiate({ checkIntervalMs: false });
        try {
          t.is(await outcome(instance.call(name, [...args])), want, `${name}(${args.join(',')})`);
        } finally {
          instance.dispose();
        }
      }
    });
  }
  // A length of 2^64 - 8 is out of bounds; metered, its fuel (about 2^63) runs out first, as
  // in Wasmtime.
  test(`${metering}: memory.fill with a length near 2^64`, async (t) => {
    const module = await compileWasm(await bytes, metering);
    const instance = await module.instantiate({ checkIntervalMs: false });
    try {
      if (metering === 'none') t.is(await outcome(instance.call('fillhuge', [8])), 'memory_out_of_bounds');
      else await t.throwsAsync(instance.call('fillhuge', [8]), { instanceOf: OutOfFuel });
    } finally {
      instance.dispose();
    }
  });
}

test('the translation marks 64-bit memories and checks their accesses for wrap-around', async (t) => {
  const m = translate(await bytes, { metering: 'none' });
  t.deepEqual(
    m.memories.map((x) => [x.memory64, x.minPages, x.maxPages]),
    [
      [false, 1, 1],
      [true, 1, 4],
      [true, 1, null],
    ],
  );
  const clif = m.functions.map((f) => f.clif).join('\n');
  t.regex(clif, /uadd_overflow_trap .*, heap_oob/);
  t.regex(clif, /colocated u805306368:10/); // memory_grow64
});

test('the instance API reads, writes and sizes 64-bit memories', async (t) => {
  const module = await compileWasm(await bytes, 'vanilla');
  const instance = await module.instantiate({ checkIntervalMs: false });
  try {
    t.deepEqual([0, 1, 2].map((i) => instance.memorySizeOf(i)), [65536, 65536, 65536]);
    t.deepEqual([...instance.readMemory(16, 5, 1)], [...Buffer.from('hello')]);
    instance.writeMemory(65528, Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0), 1);
    t.deepEqual((await instance.call('oob', [65528])).results, [1n]);
  } finally {
    instance.dispose();
  }
});

test('the memory limit bounds 64-bit memories: memory.grow returns -1 beyond it', async (t) => {
  const module = await compileWasm(await bytes, 'vanilla');
  const instance = await module.instantiate({ checkIntervalMs: false, limits: { maxMemoryBytes: 3 * 65536 } });
  try {
    // $w's maximum is 4 pages; the limit stops it at 3.
    t.is(await outcome(instance.call('grow', [2])), '1131');
    t.is(await outcome(instance.call('grow', [1])), '-869');
    // $u has no maximum: the limit refuses its growth past 4 GiB, and the access traps.
    t.is(await outcome(instance.call('big')), 'memory_out_of_bounds');
  } finally {
    instance.dispose();
  }
});

test('a 64-bit memory whose minimum exceeds the limit is refused at instantiation', async (t) => {
  const module = await compileWasm(await wat('(module (memory i64 3) (func (export "f")))'), 'none');
  await t.throwsAsync(module.instantiate({ limits: { maxMemoryBytes: 2 * 65536 } }), { message: /needs 196608 bytes/ });
});

// table64: the operators of tests/fixtures/wasmtime/table64.wat, values as Wasmtime returns them.
const tableBytes = wat(readFileSync(watFixtureUrl('table64'), 'utf8'));
const TABLE_CASES: readonly (readonly [string, readonly number[], string])[] = [
  ['call', [1, 5], '10'], // the element segment at i64 offset 1: double, inc
  ['call', [2, 5], '6'],
  ['call', [0, 5], 'indirect_call_null'],
  ['call', [4, 5], 'table_out_of_bounds'],
  ['callneg', [], 'table_out_of_bounds'], // index 2^64 - 1
  ['size', [], '24'],
  ['grow', [2], '406'],
  ['grow', [5], '-96'], // past the maximum of 8: -1 as i64
  ['growbig', [1], '-1'], // a delta of 2^32
  ['getset', [3], '8'],
  ['getset', [4], 'table_out_of_bounds'],
  ['fill', [4], '14'],
  ['fill', [5], 'table_out_of_bounds'],
  ['copy', [], '211'], // 64 → 32, 32 → 64, 64 → 64
  ['copyoob', [2], '1'],
  ['copyoob', [3], 'table_out_of_bounds'],
  ['init', [0], '4'],
  ['init', [3], 'table_out_of_bounds'],
  ['ext', [1], '1'],
  ['ext', [2], 'table_out_of_bounds'],
];

for (const metering of MODES) {
  test(`${metering}: every operator on 64-bit tables gives Wasmtime's result`, async (t) => {
    const module = await compileWasm(await tableBytes, metering);
    for (const [name, args, want] of TABLE_CASES) {
      const instance = await module.instantiate({ checkIntervalMs: false });
      try {
        t.is(await outcome(instance.call(name, [...args])), want, `${name}(${args.join(',')})`);
      } finally {
        instance.dispose();
      }
    }
  });
}

test('the translation marks 64-bit tables', async (t) => {
  const m = translate(await tableBytes, { metering: 'none' });
  t.deepEqual(
    m.tables.map((x) => x.table64),
    [false, true, true],
  );
});
