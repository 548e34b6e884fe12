// Linear memory as Wasmtime lays it out: a 4 GiB reservation + guard with no bounds checks where
// they cover the access (the hardware faults), explicit Spectre-safe checks where they do not or
// when configured smaller; the same traps as V8 in every mode either way; memory released at
// dispose; out of fuel taking precedence over a later fault at every check interval.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { OutOfFuel } from '../../src/runtime/errors.js';
import { METERING_MODES, type MeteringMode } from '../../src/runtime/metering.js';
import { clifText, compileWasm, translate, WasmTrap, type CompileWasmOptions } from '../../src/wasm/index.js';
import { comparableTrap, runInV8 } from './v8.js';
import { wat } from './wat.js';

const ACCESS = `(module (memory 1)
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load_far") (param i32) (result i32) (i32.load offset=4294967295 (local.get 0)))
  (func (export "load_big_offset") (param i32) (result i32) (i32.load offset=40000000 (local.get 0)))
  (func (export "store") (param i32) (i32.store (local.get 0) (i32.const 7)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;

type Case = readonly [string, readonly number[]];
const CASES: readonly Case[] = [
  ['load', [65532]], // the last 4 bytes
  ['load', [65533]], // one byte past
  ['load', [65536]],
  ['load', [0xffffffff]],
  ['load_far', [0]], // 0xFFFFFFFF + offset
  ['load_far', [0xffffffff]],
  ['load_big_offset', [0]], // offset beyond the guard: the explicit-check path
  ['store', [65533]],
  ['grow', [1]],
  ['load', [65536]], // in bounds after the grow
  ['load', [131069]],
  ['load_big_offset', [0]],
];

type Outcome = { results: number[] } | { trap: string };

async function ours(mode: MeteringMode, options: CompileWasmOptions): Promise<Outcome[]> {
  const module = await compileWasm(await wat(ACCESS), mode, undefined, options);
  const instance = await module.instantiate({ checkIntervalMs: false });
  const out: Outcome[] = [];
  try {
    for (const [fn, args] of CASES) {
      try {
        const r = await instance.call(fn, [...args]);
        out.push({ results: r.results.map(Number) });
      } catch (error) {
        if (!(error instanceof WasmTrap)) throw error;
        out.push({ trap: comparableTrap(error.kind) });
      }
    }
  } finally {
    instance.dispose();
  }
  return out;
}

const CONFIGS: readonly [string, CompileWasmOptions][] = [
  ['4 GiB + 32 MiB guard (default)', {}],
  ['4 GiB, no guard', { memoryGuardSize: 0 }],
  ['a small reservation (explicit checks)', { memoryReservation: 1 << 20 }],
];

for (const [name, options] of CONFIGS) {
  test(`out-of-bounds accesses trap as in V8 in every mode: ${name}`, async (t) => {
    const v8 = runInV8(await wat(ACCESS), CASES.map(([fn, args]) => ({ fn, args: [...args] })), {}, {});
    const expected = v8.outcomes.map((o) => ('trap' in o ? { trap: o.trap } : { results: (o.results as unknown[]).map(Number) }));
    t.true(expected.some((o) => 'trap' in o) && expected.some((o) => 'results' in o));
    for (const mode of METERING_MODES) t.deepEqual(await ours(mode, options), expected, mode);
  });
}

test('the default layout emits no bounds check where the guard covers the access, and a Spectre-safe one where it does not', async (t) => {
  const guarded = clifText(translate(await wat(ACCESS)));
  const load = guarded.slice(guarded.indexOf('function u0:0'), guarded.indexOf('function u0:1'));
  t.notRegex(load, /icmp|trapnz|select_spectre_guard/);
  t.regex(load, /load\.i32 little region0 v\d+/);
  const far = guarded.slice(guarded.indexOf('function u0:2'), guarded.indexOf('function u0:3'));
  t.regex(far, /select_spectre_guard/);
  const explicit = clifText(translate(await wat(ACCESS), { memoryReservation: 1 << 20 }));
  const checked = explicit.slice(explicit.indexOf('function u0:0'), explicit.indexOf('function u0:1'));
  t.regex(checked, /icmp ugt[\s\S]*select_spectre_guard/);
});

test('memory options are validated', async (t) => {
  const bytes = await wat(ACCESS);
  await t.throwsAsync(compileWasm(bytes, 'none', undefined, { memoryGuardSize: 1000 }), { message: /memoryGuardSize/ });
  await t.throwsAsync(compileWasm(bytes, 'none', undefined, { memoryReservation: -1 }), { message: /memoryReservation/ });
});

function status(field: string): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 'NaN') * 1024;
}

test('2000 instances with guard-page memories, created and disposed in one process, keep VmSize and RSS bounded', async (t) => {
  t.timeout(180_000);
  const module = await compileWasm(await wat('(module (memory 1) (func (export "f") (result i32) (i32.store (i32.const 100) (i32.const 5)) (i32.load (i32.const 100))))'), 'none');
  const settle = async () => {
    for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 20));
  };
  const before = { vm: status('VmSize'), rss: status('VmRSS') };
  for (let i = 0; i < 2000; i++) {
    const instance = await module.instantiate({});
    t.deepEqual((await instance.call('f')).results, [5]);
    instance.dispose();
    if (i % 200 === 199) await new Promise((r) => setTimeout(r, 10)); // let exited threads unmap
  }
  await settle();
  const after = { vm: status('VmSize'), rss: status('VmRSS') };
  // Each live reservation is 4 GiB + 32 MiB: 2000 of them would be ~8 TiB.
  t.true(after.vm - before.vm < 64 * 2 ** 30, `VmSize grew by ${((after.vm - before.vm) / 2 ** 30).toFixed(1)} GiB`);
  t.true(after.rss - before.rss < 128 * 2 ** 20, `RSS grew by ${((after.rss - before.rss) / 2 ** 20).toFixed(0)} MiB`);
});

// Runs `n` loop iterations, then loads out of bounds: out of fuel if the budget ends first.
const SPIN_THEN_FAULT = `(module (memory 1) (func (export "f") (param i32) (result i32)
  (loop $l (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if $l (local.get 0)))
  (i32.load (i32.const 70000))))`;

test('a budget that ends before a fault is OutOfFuel, after it the fault: the same at every check interval', async (t) => {
  t.timeout(120_000);
  const bytes = await wat(SPIN_THEN_FAULT);
  const outcome = async (mode: MeteringMode, fuel: number, checkIntervalMs: number | false): Promise<string> => {
    const module = await compileWasm(bytes, mode);
    const instance = await module.instantiate({ checkIntervalMs });
    try {
      await instance.call('f', [100_000], { fuel });
      return 'returned';
    } catch (error) {
      if (error instanceof OutOfFuel) return 'OutOfFuel';
      if (error instanceof WasmTrap) return error.kind;
      throw error;
    } finally {
      instance.dispose();
    }
  };
  // The loop costs about 4 units an iteration: 400k in all.
  let sawFuel = false;
  let sawFault = false;
  for (const fuel of [1_000, 399_990, 400_010, 400_050, 1_000_000]) {
    const vanilla = await outcome('vanilla', fuel, false);
    const slacked = await Promise.all([false, 0.1, 1, 5].map((ms) => outcome('slacked', fuel, ms as number | false)));
    t.true(slacked.every((o) => o === slacked[0]), `budget ${fuel}: slacked outcomes differ by interval: ${slacked.join(', ')}`);
    t.true(['OutOfFuel', 'memory_out_of_bounds'].includes(slacked[0]!), `budget ${fuel}: ${slacked[0]}`);
    if (slacked[0] !== vanilla) t.log(`budget ${fuel}: vanilla ${vanilla}, slacked ${slacked[0]} (slacked is stricter at the boundary, docs/runtime.md)`);
    sawFuel ||= slacked[0] === 'OutOfFuel';
    sawFault ||= slacked[0] === 'memory_out_of_bounds';
  }
  t.true(sawFuel && sawFault);
});
