// Sizes the guest chooses are bounded by what the embedder grants: growth past a limit fails
// as wasm expects (-1), instantiation past one is a typed error, and memory costs nothing
// until touched.
import { Engine } from '../../../src/runtime/engine.js';
import { ResourceLimitError } from '../../../src/runtime/errors.js';
import { compileWasm } from '../../../src/wasm/index.js';
import { WasiExit, WasiExitStatusError, WasiHost } from '../../../src/wasi/index.js';
import type { Attack } from '../attack.js';
import { assert, expectError, wasmOf, withGuest } from '../guest.js';

const GROW_TABLE = `(module (table 1 funcref) (func (export "f") (result i32) (table.grow 0 (ref.null func) (i32.const 2147483647))))`;
const GROW_MEMORY = `(module (memory 1) (func (export "f") (param i32) (result i32) (memory.grow (local.get 0))))`;

function rssBytes(): number {
  return process.memoryUsage().rss;
}

export const attacks: readonly Attack[] = [
  {
    name: 'table-grow-by-2^31-1',
    run: (mode) =>
      withGuest(GROW_TABLE, mode, {}, async (i) => {
        const { results } = await i.call('f');
        assert(results[0] === -1, `table.grow returned ${String(results[0])}, expected -1`);
      }),
  },
  {
    name: 'memory-grow-past-the-limit',
    run: (mode) =>
      withGuest(GROW_MEMORY, mode, { limits: { maxMemoryBytes: 3 * 65536 } }, async (i) => {
        const first = (await i.call('f', [2])).results[0];
        assert(first === 1, `memory.grow(2) returned ${String(first)}, expected 1`);
        const second = (await i.call('f', [1])).results[0];
        assert(second === -1, `memory.grow past the limit returned ${String(second)}, expected -1`);
        assert(i.memorySize === 3 * 65536, `memory is ${i.memorySize} bytes after a refused grow`);
      }),
  },
  {
    name: 'memory-grow-by-65535-pages-commits-nothing',
    modes: ['none', 'slacked'],
    // Alone in its process: RSS is process-wide.
    isolate: true,
    run: (mode) =>
      withGuest(GROW_MEMORY, mode, {}, async (i) => {
        const before = rssBytes();
        const old = (await i.call('f', [65535])).results[0];
        assert(old === 1, `memory.grow(65535) returned ${String(old)}, expected 1`);
        const grown = rssBytes() - before;
        assert(grown < 64 << 20, `RSS grew by ${grown} bytes for an untouched 4 GiB memory`);
      }),
  },
  {
    name: 'instantiation-past-the-limits',
    run: async (mode) => {
      const memory = await compileWasm(await wasmOf('(module (memory 16))'), mode);
      await expectError('memory minimum over maxMemoryBytes', memory.instantiate({ limits: { maxMemoryBytes: 65536 } }), ResourceLimitError, 5_000);
      const table = await compileWasm(await wasmOf('(module (table 100 funcref))'), mode);
      await expectError('table minimum over maxTableElements', table.instantiate({ limits: { maxTableElements: 10 } }), ResourceLimitError, 5_000);
    },
  },
  {
    name: 'instances-past-the-limit',
    run: async (mode) => {
      const module = await compileWasm(await wasmOf('(module (func (export "f")))'), mode, new Engine());
      const limits = { maxInstances: 2 };
      const a = await module.instantiate({ limits });
      const b = await module.instantiate({ limits });
      await expectError('a third live instance', module.instantiate({ limits }), ResourceLimitError, 5_000);
      a.dispose();
      const c = await module.instantiate({ limits });
      b.dispose();
      c.dispose();
    },
  },
  {
    name: 'proc_exit-with-an-inexpressible-status',
    run: async (mode) => {
      const wat = `(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32))) (memory (export "memory") 1)
        (func (export "f") (param i32) (call $exit (local.get 0))))`;
      const host = new WasiHost({ args: ['guest'], env: {}, preopen: null, stdout: () => {}, stderr: () => {} });
      await withGuest(wat, mode, { imports: host.imports() }, async (i) => {
        host.attach(i);
        await expectError('proc_exit(65536)', i.call('f', [65536]), WasiExitStatusError, 5_000);
        await expectError('proc_exit(126)', i.call('f', [126]), WasiExitStatusError, 5_000);
        await expectError('proc_exit(125)', i.call('f', [125]), WasiExit, 5_000, (e) => (e.code === 125 ? null : `exit code ${e.code}`));
      });
    },
  },
];
