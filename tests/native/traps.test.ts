import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jit, type ClifValue } from '../../src/native/index.js';
import { Trap } from '../../src/runtime/errors.js';
import { fixture } from './fixture.js';

const traps = jit(fixture('traps.clif'));

function trapOf(name: string, args: readonly ClifValue[]): Trap {
  try {
    traps.call(name, args);
  } catch (error) {
    if (error instanceof Trap) return error;
    throw error;
  }
  throw new Error(`${name} did not trap`);
}

test('trap user1 is a Trap with code user1', (t) => {
  const trap = trapOf('user_trap', []);
  t.is(trap.trapCode, 'user1');
  t.is(trap.functionName, '%user_trap');
  t.is(trap.signal, 'SIGILL');
  t.regex(trap.message, /^trap user1 in %user_trap at offset \d+ \(SIGILL\)$/);
});

test('trapz traps only on zero, with its own code', (t) => {
  t.is(trapOf('trap_if_zero', [0]).trapCode, 'user7');
  t.deepEqual(traps.call('trap_if_zero', [5]), [5]);
});

test('integer division by zero and overflow', (t) => {
  const divz = trapOf('divide', [1, 0]);
  t.is(divz.trapCode, 'int_divz');
  t.is(divz.signal, 'SIGFPE');
  t.deepEqual(traps.call('divide', [7, 2]), [3]);
  t.is(trapOf('signed_divide', [5n, 0n]).trapCode, 'int_divz');
  t.is(trapOf('signed_divide', [-(2n ** 63n), -1n]).trapCode, 'int_ovf');
});

test('uadd_overflow_trap traps on unsigned overflow only', (t) => {
  t.deepEqual(traps.call('checked_add', [2n ** 62n, 2n ** 62n]), [2n ** 63n * -1n]);
  const trap = trapOf('checked_add', [-1n, 2n]);
  t.is(trap.trapCode, 'user3');
  t.is(trap.functionName, '%checked_add');
});

test('a faulting heap load reports its heap_oob trap code (SIGSEGV)', (t) => {
  const trap = trapOf('heap_load', [8n]);
  t.is(trap.trapCode, 'heap_oob');
  t.is(trap.signal, 'SIGSEGV');
  t.is(trap.offset, trapOf('heap_load', [0n]).offset);
});

test('unbounded recursion overflows the stack into a stk_ovf Trap, repeatedly', (t) => {
  for (let i = 0; i < 3; i++) {
    const trap = trapOf('deep', [0n]);
    t.is(trap.trapCode, 'stk_ovf');
    t.is(trap.functionName, '%deep');
  }
});

test('a trap in a callee names the callee; the module keeps working after traps', (t) => {
  t.is(trapOf('calls_trapping', [0]).functionName, '%trap_if_zero');
  t.deepEqual(traps.call('calls_trapping', [1]), [101]);
  for (let i = 0; i < 1000; i++) trapOf('divide', [i, 0]);
  t.deepEqual(traps.call('divide', [1000, 10]), [100]);
});

// The project's TypeScript lib settings do not declare the WebAssembly global; describe what we use.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
  RuntimeError: new (message?: string) => Error;
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

const outOfBoundsWasm = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type: () -> i32
  0x03, 0x02, 0x01, 0x00, // one function of type 0
  0x05, 0x03, 0x01, 0x00, 0x01, // memory: 1 page
  0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f"
  0x0a, 0x0c, 0x01, 0x0a, 0x00, 0x41, 0x80, 0x80, 0xc0, 0x00, 0x28, 0x02, 0x00, 0x0b, // i32.load (i32.const 0x100000)
]);

test("faults outside our code chain to V8: WebAssembly's out-of-bounds trap still works", (t) => {
  trapOf('user_trap', []); // our handlers are installed by now
  const instance = new wasm.Instance(new wasm.Module(outOfBoundsWasm));
  const f = instance.exports['f'] as () => number;
  for (let i = 0; i < 3; i++) {
    t.throws(() => f(), { instanceOf: wasm.RuntimeError, message: /memory access out of bounds/ });
    t.is(trapOf('heap_load', [8n]).trapCode, 'heap_oob');
  }
});

test('a SIGSEGV that is not ours still reaches the default action', (t) => {
  const script = `
    import { jit } from './src/native/index.js';
    const m = jit('function %f() {\\nblock0:\\n    trap user1\\n}\\n');
    try { m.call('f', []); } catch (e) { console.log(e.name, e.trapCode); }
    process.kill(process.pid, 'SIGSEGV');
    setTimeout(() => console.log('survived'), 2000);
  `;
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const child = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  t.is(child.stdout.trim(), 'Trap user1');
  t.is(child.signal, 'SIGSEGV');
});
