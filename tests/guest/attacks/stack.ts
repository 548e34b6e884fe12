// Unbounded recursion, whatever runs at the deepest level, ends in a stack-exhaustion trap (the
// wasm stack limit), never in the guard page under host frames (which killed the process).
import { WasiHost } from '../../../src/wasi/index.js';
import { WasmTrap, type WasmImports } from '../../../src/wasm/index.js';
import type { Attack } from '../attack.js';
import { expectError, withGuest } from '../guest.js';

const TIMEOUT = 20_000;

function stackExhaustion(error: WasmTrap): string | null {
  return error.kind === 'stack_exhaustion' ? null : `trapped with ${error.kind}, expected stack_exhaustion`;
}

/** A guest whose function `f` calls `body` and then itself, forever. */
function recursive(body: string, preamble = ''): string {
  return `(module ${preamble} (memory (export "memory") 1) (func $f (export "f") ${body} (call $f)))`;
}

function recursion(name: string, wat: string, imports: () => WasmImports = () => ({})): Attack {
  return {
    name,
    isolate: true,
    timeoutMs: TIMEOUT,
    run: (mode) => withGuest(wat, mode, { imports: imports() }, (i) => expectError(`${name} (${mode})`, i.call('f'), WasmTrap, TIMEOUT, stackExhaustion)).then(() => undefined),
  };
}

export const attacks: readonly Attack[] = [
  recursion('recursion', recursive('')),
  recursion('recursion-through-memory-grow', recursive('(drop (memory.grow (i32.const 0)))')),
  recursion('recursion-through-memory-fill', recursive('(memory.fill (i32.const 0) (i32.const 0) (i32.const 64))')),
  recursion('recursion-through-a-host-import', recursive('(call $tick)', '(import "env" "tick" (func $tick))'), () => ({ env: { tick: () => undefined } })),
  {
    name: 'recursion-through-wasi-fd_write',
    isolate: true,
    timeoutMs: TIMEOUT,
    run: async (mode) => {
      const wat = recursive('(drop (call $write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 8)))', '(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))');
      const host = new WasiHost({ args: ['guest'], env: {}, preopen: null, stdout: () => {}, stderr: () => {} });
      await withGuest(wat, mode, { imports: host.imports() }, (i) => {
        host.attach(i);
        return expectError(`fd_write recursion (${mode})`, i.call('f'), WasmTrap, TIMEOUT, stackExhaustion);
      });
    },
  },
  recursion(
    'recursion-with-a-huge-frame',
    // 64 i64 locals live across the call: Cranelift spills them all in every frame.
    `(module
      (func (export "f") (drop (call $g (i64.const 1))))
      (func $g (param i64) (result i64) ${Array.from({ length: 64 }, () => '(local i64)').join(' ')}
        ${Array.from({ length: 64 }, (_, k) => `(local.set ${k + 1} (i64.add (local.get 0) (i64.const ${k})))`).join(' ')}
        (local.set 0 (call $g (local.get 1)))
        ${Array.from({ length: 64 }, (_, k) => `(local.set 0 (i64.add (local.get 0) (local.get ${k + 1})))`).join(' ')}
        (local.get 0)))`,
  ),
];
