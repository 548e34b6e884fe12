// Static increments of a compiled module: counter updates in the code of its wasm functions.
// Pinned form: the increments the shared recogniser finds (web/shapes.ts; a reload of the
// register after a call is not one); memory form (vanilla, accounting): adds to the counter web,
// which sit exactly where fuel-pinned turns them into pinned updates, so the benchmark counts
// the pinned form of the same code for those (see BENCH_MODE_SPECS).
import type { Function } from '../ir/index.js';
import { findPinnedIncrements } from '../passes/fuel/web/shapes.js';
import type { WasmModule } from '../wasm/instance.js';

/** Increments of the pinned register in one function. */
export function pinnedIncrementCount(fn: Function): number {
  return findPinnedIncrements(fn).length;
}

/** Pinned-register increments in the module's wasm functions (null for the memory form). */
export function countStaticIncrements(module: WasmModule): number | null {
  if (module.module.metering !== 'slacked' && module.module.metering !== 'count') return null;
  return module.module.functions.reduce((s, f) => s + pinnedIncrementCount(f), 0);
}
