// Node's own signal listeners cannot switch slackfuel off: `process.on` for the checker's signal
// or for a trap signal installs libuv's handler over ours, and the runtime puts its own back
// (chaining to libuv's) at the next entry into wasm and at every check.
import { OutOfFuel } from '../../../src/runtime/errors.js';
import { WasmTrap } from '../../../src/wasm/index.js';
import type { Attack } from '../attack.js';
import { expectError, withGuest } from '../guest.js';

const LOOP = '(module (func (export "f") (loop $l (br $l))))';
const DIVIDE = '(module (func (export "f") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))';
const UNREACHABLE = '(module (func (export "f") unreachable))';

/** Runs `body` with a no-op listener for `signal` registered after the runtime's handlers. */
async function withListener(signal: NodeJS.Signals, body: () => Promise<unknown>): Promise<void> {
  // Make sure our handlers are installed first, as in an embedder that loads slackfuel early.
  await withGuest(UNREACHABLE, 'none', {}, (i) => i.call('f').catch(() => undefined));
  const listener = (): void => {};
  process.on(signal, listener);
  try {
    await body();
  } finally {
    process.off(signal, listener);
  }
}

function trapAfterListener(name: string, signal: NodeJS.Signals, wat: string, args: number[], kind: string): Attack {
  return {
    name,
    isolate: true,
    timeoutMs: 10_000,
    run: (mode) =>
      withListener(signal, () =>
        withGuest(wat, mode, {}, (i) => expectError(`${name} (${mode})`, i.call('f', args), WasmTrap, 5_000, (e) => (e.kind === kind ? null : `trapped with ${e.kind}`))),
      ),
  };
}

// Spins about a second (count down from 2^30), then traps.
const SPIN_THEN_TRAP = `(module (func (export "f") (local i32) (local.set 0 (i32.const 0x40000000))
  (loop $l (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br_if $l (local.get 0))) unreachable))`;

export const attacks: readonly Attack[] = [
  {
    // The listener arrives while the call runs, before its trap: the handler sentinel puts ours
    // back within milliseconds, so the fault (re-executed after libuv's handler returns) ends
    // as a trap instead of looping forever.
    name: 'sigill-listener-registered-mid-call',
    modes: ['none', 'vanilla'],
    isolate: true,
    timeoutMs: 15_000,
    run: (mode) =>
      withGuest(SPIN_THEN_TRAP, mode, {}, async (i) => {
        const call = i.call('f');
        await new Promise((r) => setTimeout(r, 20));
        const listener = (): void => {};
        process.on('SIGILL', listener);
        try {
          await expectError(`trap after a mid-call listener (${mode})`, call, WasmTrap, 10_000, (e) => (e.kind === 'unreachable' ? null : `trapped with ${e.kind}`));
        } finally {
          process.off('SIGILL', listener);
        }
      }),
  },
  {
    name: 'sigusr1-listener-then-endless-loop',
    modes: ['slacked'],
    isolate: true,
    timeoutMs: 10_000,
    run: (mode) => withListener('SIGUSR1', () => withGuest(LOOP, mode, {}, (i) => expectError(`endless loop (${mode})`, i.call('f', [], { fuel: 1e7 }), OutOfFuel, 5_000))),
  },
  trapAfterListener('sigill-listener-then-unreachable', 'SIGILL', UNREACHABLE, [], 'unreachable'),
  trapAfterListener('sigfpe-listener-then-division-by-zero', 'SIGFPE', DIVIDE, [0], 'division_by_zero'),
];
