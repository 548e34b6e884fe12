// The abstract counter of one function along a walk. Offsets are constant fuel relative to the
// counter at the last paired point; `undefined` means "not known here" (differs between paths),
// which is only an error if something then depends on it.
//
// Memory form (Wasmtime): the counter is a variable: `cur` is the SSA value holding it now, and
// `mem` what the memory cell holds (what a callee or the caller sees). Pinned form: the counter
// is the pinned register; `temps` are values read from it (or reloaded from memory) on their way
// to `set_pinned_reg`.
import type { Value } from '../../../ir/index.js';
import type { FuelForm } from './types.js';

export type Offset = number | undefined;
export type Current = { readonly value: Value; readonly offset: number } | 'none' | 'unknown';

export interface FuelState {
  cur: Current;
  mem: Offset;
  pinned: Offset;
  temps: Map<Value, Offset>;
}

/** The state at function entry and right after a call: everything equals the counter. */
export function freshState(): FuelState {
  return { cur: 'none', mem: 0, pinned: 0, temps: new Map() };
}

export function cloneState(s: FuelState): FuelState {
  return { cur: s.cur, mem: s.mem, pinned: s.pinned, temps: new Map(s.temps) };
}

/** The counter as the function's own accounting sees it between observation points. */
export function counterOf(s: FuelState, form: FuelForm): Offset {
  if (form === 'none') return 0;
  if (form === 'pinned') return s.pinned;
  if (s.cur === 'unknown') return undefined;
  return s.cur === 'none' ? s.mem : s.cur.offset;
}

/** The counter an observer (callee, caller, trap handler) reads. */
export function observedOf(s: FuelState, form: FuelForm): Offset {
  if (form === 'none') return 0;
  return form === 'pinned' ? s.pinned : s.mem;
}

const shift = (o: Offset, by: number): Offset => (o === undefined ? undefined : o - by);

/** The same state with every offset taken relative to `by` (the counter becomes 0). */
export function normalize(s: FuelState, by: number): FuelState {
  const temps = new Map<Value, Offset>();
  for (const [v, o] of s.temps) temps.set(v, shift(o, by));
  const cur: Current = typeof s.cur === 'object' ? { value: s.cur.value, offset: s.cur.offset - by } : s.cur;
  return { cur, mem: shift(s.mem, by), pinned: shift(s.pinned, by), temps };
}

/** Least upper bound: what both states agree on. Returns `a` itself when nothing changes. */
export function joinStates(a: FuelState, b: FuelState): FuelState {
  let changed = false;
  let cur: Current = a.cur;
  if (!sameCurrent(a.cur, b.cur)) {
    cur = 'unknown';
    changed = a.cur !== 'unknown';
  }
  const mem = a.mem === b.mem ? a.mem : undefined;
  const pinned = a.pinned === b.pinned ? a.pinned : undefined;
  if (mem !== a.mem || pinned !== a.pinned) changed = true;
  const temps = new Map(a.temps);
  for (const [v, o] of b.temps) {
    if (!temps.has(v)) {
      temps.set(v, undefined);
      changed = true;
    } else if (temps.get(v) !== o && temps.get(v) !== undefined) {
      temps.set(v, undefined);
      changed = true;
    }
  }
  for (const v of a.temps.keys()) {
    if (!b.temps.has(v) && temps.get(v) !== undefined) {
      temps.set(v, undefined);
      changed = true;
    }
  }
  return changed ? { cur, mem, pinned, temps } : a;
}

function sameCurrent(a: Current, b: Current): boolean {
  if (typeof a === 'object' && typeof b === 'object') return a.value === b.value && a.offset === b.offset;
  return a === b;
}
