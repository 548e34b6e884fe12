// Deterministic WASI inputs (src/wasi/deterministic.ts, run-wasm --deterministic): the random
// stream and the stepped clocks as the guest reads them through the host functions, the
// clock reads poll_oneoff makes (only for absolute deadlines, as Wasmtime), the CPU-time clocks
// Wasmtime refuses, and a guest whose work depends on the random bytes charged the same fuel
// on every run. tests/third-party runs Go against Wasmtime with the same sequences.
import test from 'ava';
import { RuntimeConfigError } from '../../src/runtime/errors.js';
import { deterministicClocks, deterministicRandom, randomByte, STEP_NS, WALL_START_NS } from '../../src/wasi/deterministic.js';
import { ERRNO } from '../../src/wasi/errno.js';
import { runWasi, WasiHost } from '../../src/wasi/index.js';
import { wat } from '../wasm/wat.js';

type HostFn = (...args: (number | bigint)[]) => unknown;

/** A host on 64 KiB of plain memory, its preview1 functions callable directly. */
function host(): { call: (name: string, ...args: (number | bigint)[]) => unknown; memory: DataView } {
  const bytes = new Uint8Array(65536);
  const h = new WasiHost({ args: ['t'], env: {}, preopen: null, stdout: () => {}, stderr: () => {}, random: deterministicRandom(), clocks: deterministicClocks() });
  h.attach({ readMemory: (o, n) => bytes.slice(o, o + n), writeMemory: (o, b) => bytes.set(b, o) });
  const fns = h.imports()['wasi_snapshot_preview1'] as Record<string, HostFn>;
  return { call: (name, ...args) => fns[name]!(...args), memory: new DataView(bytes.buffer) };
}

test('the random stream starts as the reference runner defines it (peers/wasmtime-runner/src/deterministic.rs)', (t) => {
  t.deepEqual(
    [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n].map(randomByte),
    [0xaf, 0xf4, 0x4f, 0xec, 0x9b, 0xea, 0xe1, 0x3c],
  );
});

test('random_get continues the stream across calls', (t) => {
  const { call, memory } = host();
  t.is(call('random_get', 100, 3), ERRNO.success);
  t.is(call('random_get', 103, 5), ERRNO.success);
  t.deepEqual([...new Uint8Array(memory.buffer, 100, 8)], [0, 1, 2, 3, 4, 5, 6, 7].map((k) => randomByte(BigInt(k))));
});

test('each clock read advances that clock by one step; the CPU-time clocks are EBADF as in Wasmtime', (t) => {
  const { call, memory } = host();
  const read = (id: number) => {
    t.is(call('clock_time_get', id, 0n, 200), ERRNO.success);
    return memory.getBigUint64(200, true);
  };
  t.is(read(1), STEP_NS);
  t.is(read(1), 2n * STEP_NS);
  t.is(read(0), WALL_START_NS);
  t.is(read(0), WALL_START_NS + STEP_NS);
  t.is(read(1), 3n * STEP_NS);
  t.is(call('clock_time_get', 2, 0n, 200), ERRNO.badf);
  t.is(call('clock_time_get', 3, 0n, 200), ERRNO.badf);
  t.is(call('clock_time_get', 4, 0n, 200), ERRNO.inval);
  t.is(call('clock_res_get', 2, 200), ERRNO.badf);
  t.is(call('clock_res_get', 1, 200), ERRNO.success);
});

test('poll_oneoff reads the clock for an absolute deadline only, as Wasmtime does', (t) => {
  const { call, memory } = host();
  const subscribe = (clock: number, timeout: bigint, absolute: boolean) => {
    for (let i = 0; i < 48; i++) memory.setUint8(300 + i, 0);
    memory.setBigUint64(300, 7n, true); // userdata
    memory.setUint8(308, 0); // clock
    memory.setUint32(316, clock, true);
    memory.setBigUint64(324, timeout, true);
    memory.setUint16(340, absolute ? 1 : 0, true);
    t.is(call('poll_oneoff', 300, 400, 1, 500), ERRNO.success);
    t.is(memory.getUint32(500, true), 1);
  };
  subscribe(1, 0n, false); // relative: no read
  subscribe(1, 0n, true); // absolute, already past: one read (the 1st)
  t.is(call('clock_time_get', 1, 0n, 200), ERRNO.success);
  t.is(memory.getBigUint64(200, true), 2n * STEP_NS);
  memory.setBigUint64(324, 0n, true);
  memory.setUint32(316, 2, true); // a CPU-time clock cannot be waited on
  t.is(call('poll_oneoff', 300, 400, 1, 500), ERRNO.inval);
});

// Loops as many times as the first random byte says, and reads the monotonic clock in each turn.
const RANDOM_LOOP = `(module
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (local $n i32)
    (drop (call $random (i32.const 0) (i32.const 1)))
    (local.set $n (i32.load8_u (i32.const 0)))
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 8)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))))`;

test('a guest whose work depends on random_get is charged the same fuel on every deterministic run', async (t) => {
  const module = await wat(RANDOM_LOOP);
  const run = () => runWasi(module, { metering: 'vanilla', deterministic: true, stdout: () => {}, stderr: () => {}, checkIntervalMs: false });
  const [a, b] = [await run(), await run()];
  t.is(a.error, null);
  t.not(a.fuelConsumed, null);
  t.is(a.fuelConsumed, b.fuelConsumed);
  // The first byte (0xaf = 175) sets the trip count: more fuel than a run whose byte is 0.
  const zero = await runWasi(module, { metering: 'vanilla', random: (bytes) => bytes.fill(0), stdout: () => {}, stderr: () => {}, checkIntervalMs: false });
  t.true(a.fuelConsumed! > zero.fuelConsumed! + 175);
});

test('deterministic and an own random source together are refused', async (t) => {
  const module = await wat(RANDOM_LOOP);
  await t.throwsAsync(runWasi(module, { metering: 'none', deterministic: true, random: () => {}, stdout: () => {}, stderr: () => {} }), { instanceOf: RuntimeConfigError, message: /random or deterministic/ });
});
