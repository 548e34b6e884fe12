// Ending an instance ends its guest: dispose() during a call, or the termination of the worker
// thread that owns the instance, interrupts the running wasm (any mode) and its thread exits.
import { Worker } from 'node:worker_threads';
import { ModuleDisposedError, ReentrantCallError } from '../../../src/runtime/errors.js';
import type { MeteringMode } from '../../../src/runtime/metering.js';
import type { WasmInstance } from '../../../src/wasm/index.js';
import type { Attack } from '../attack.js';
import { assert, expectError, withGuest } from '../guest.js';

const LOOP = '(module (func (export "f") (loop $l (br $l))))';
const FILL = '(module (memory 16384) (func (export "f") (loop $l (memory.fill (i32.const 0) (i32.const 1) (i32.const 0x40000000)) (br $l))))';

async function exits(i: WasmInstance, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (i.threadAlive && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  assert(!i.threadAlive, `the wasm thread was still running ${ms} ms after dispose`);
}

function disposeDuring(name: string, wat: string): Attack {
  return {
    name,
    timeoutMs: 10_000,
    run: (mode) =>
      withGuest(wat, mode, { checkIntervalMs: false }, async (i) => {
        const call = i.call('f', [], { fuel: Number.MAX_SAFE_INTEGER });
        await new Promise((r) => setTimeout(r, 100));
        i.dispose();
        await expectError(`${name} (${mode})`, call, ModuleDisposedError, 5_000);
        await exits(i, 5_000);
      }),
  };
}

/** The CPU time this process uses over `ms` (ms). */
async function cpuOver(ms: number): Promise<number> {
  const before = process.cpuUsage();
  await new Promise((r) => setTimeout(r, ms));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { tsImport } = await import(workerData.tsxApi);
  const { compileWasm } = await tsImport(workerData.wasmIndex, workerData.wasmIndex);
  const module = await compileWasm(new Uint8Array(workerData.bytes), workerData.mode);
  const instance = await module.instantiate({});
  parentPort.postMessage('running');
  await instance.call('f', [], { fuel: Number.MAX_SAFE_INTEGER });
})();
`;

async function terminateWorkerDuringCall(mode: MeteringMode): Promise<void> {
  const { parse } = await import('@bytecodealliance/jco');
  const bytes = await parse(LOOP);
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { bytes, mode, tsxApi: import.meta.resolve('tsx/esm/api'), wasmIndex: new URL('../../../src/wasm/index.ts', import.meta.url).href },
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  await new Promise((r) => setTimeout(r, 100));
  await worker.terminate();
  // The loop, if still spinning, burns a whole core: over 500 ms that is ~500 ms of CPU.
  await new Promise((r) => setTimeout(r, 300));
  const cpu = await cpuOver(500);
  assert(cpu < 250, `after worker.terminate() the process still used ${cpu.toFixed(0)} ms of CPU in 500 ms (the wasm thread spins)`);
}

export const attacks: readonly Attack[] = [
  disposeDuring('dispose-during-an-endless-loop', LOOP),
  { ...disposeDuring('dispose-during-endless-1gib-fills', FILL), modes: ['none', 'slacked'] },
  { name: 'worker-terminate-during-an-endless-call', isolate: true, timeoutMs: 20_000, modes: ['none', 'slacked'], run: terminateWorkerDuringCall },
  {
    name: 're-entrant-host-call',
    run: (mode) => {
      let inner: Promise<unknown> | undefined;
      let instance: WasmInstance | undefined;
      const wat = '(module (import "env" "back" (func $back)) (func (export "f") (call $back)) (func (export "g")))';
      const imports = {
        env: {
          back: () => {
            inner = instance!.call('g');
            return inner.then(() => undefined);
          },
        },
      };
      return withGuest(wat, mode, { imports }, async (i) => {
        instance = i;
        await expectError(`re-entrant call (${mode})`, i.call('f'), ReentrantCallError, 5_000);
        await expectError('the inner call', inner ?? Promise.resolve(), ReentrantCallError, 1_000);
        await i.call('g');
      });
    },
  },
];
