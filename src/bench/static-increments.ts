// Static increments of a compiled module: counter updates in the code of its wasm functions.
// Pinned form: `set_pinned_reg`; memory form (vanilla, accounting): adds to the counter web,
// which sit exactly where fuel-pinned turns them into pinned updates, so the benchmark counts
// the pinned form of the same code for those (see BENCH_MODE_SPECS).
import type { Function } from '../ir/index.js';
import type { WasmModule } from '../wasm/instance.js';

function pinnedUpdates(fn: Function): number {
  let n = 0;
  for (const b of fn.layout.blocks()) for (const i of fn.layout.blockInsts(b)) if (fn.dfg.insts[i]!.opcode === 'set_pinned_reg') n++;
  return n;
}

/** Pinned-register updates in the module's wasm functions (null for the memory form). */
export function countStaticIncrements(module: WasmModule): number | null {
  if (module.module.metering !== 'slacked' && module.module.metering !== 'count') return null;
  return module.module.functions.reduce((s, f) => s + pinnedUpdates(f), 0);
}
