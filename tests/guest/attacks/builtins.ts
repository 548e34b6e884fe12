// Long builtins cannot outrun the budget: bulk operations are charged before they run and the
// builtin itself refuses to run once the budget is spent, so slacked stops as soon as vanilla.
import { OutOfFuel } from '../../../src/runtime/errors.js';
import type { Attack } from '../attack.js';
import { BUDGET_MODES, expectError, withGuest } from '../guest.js';

/** Well above the time vanilla takes (~0.3 s here for the fill); slacked used to take 10-60 s. */
const BOUND_MS = 8_000;

function endless(name: string, wat: string, fuel: number): Attack {
  return {
    name,
    modes: BUDGET_MODES,
    timeoutMs: BOUND_MS + 5_000,
    timed: true,
    run: (mode) => withGuest(wat, mode, {}, (i) => expectError(`${name} (${mode})`, i.call('f', [], { fuel }), OutOfFuel, BOUND_MS)).then(() => undefined),
  };
}

const MIB = 1 << 20;

export const attacks: readonly Attack[] = [
  endless('fill-256mib-forever', `(module (memory 4096) (func (export "f") (loop $l (memory.fill (i32.const 0) (i32.const 7) (i32.const ${256 * MIB})) (br $l))))`, 1e9),
  endless('copy-128mib-forever', `(module (memory 4096) (func (export "f") (loop $l (memory.copy (i32.const 0) (i32.const ${128 * MIB}) (i32.const ${128 * MIB})) (br $l))))`, 1e9),
  endless('table-fill-forever', `(module (table 1000000 funcref) (func (export "f") (loop $l (table.fill 0 (i32.const 0) (ref.null func) (i32.const 1000000)) (br $l))))`, 1e8),
];
