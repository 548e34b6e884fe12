// One differential check: an exported function with given arguments, run under Wasmtime and our
// modes (none, vanilla, slacked, uncounted, count, count-uncounted), compared by the rules of ./outcome.ts.
// Wasmtime's side is an interface so the fuzzer asks the live runner and the corpus test
// (tests/fuzz/corpus.test.ts) replays what the runner answered when the corpus was recorded.
import type { WasmModule } from '../../src/wasm/instance.js';
import { difference, expected, knownStackDepth, type Outcome, type Rules } from './outcome.js';
import { callOurs, type OurMode, type Signature } from './ours.js';

/** Wasmtime's answers for one call: `fuel` null runs without metering. */
export interface WasmtimeSide {
  call(fuel: number | null): Promise<{ outcome: Outcome; instantiateFuel: number }>;
}

export interface Comparison {
  readonly mode: OurMode;
  readonly budget: number;
  readonly ours: Outcome;
  readonly theirs: Outcome;
  /** null: agree; 'known:stack-depth' a documented difference; anything else a difference. */
  readonly difference: string | null;
}

/**
 * Runs the check: Wasmtime with `budget`, then vanilla and slacked with it; when Wasmtime
 * finished (returned or trapped), Wasmtime unmetered against our none, count against the
 * metered run, and a budget of half the call's exact cost (so it runs out mid-call) under
 * vanilla and slacked. Returns every comparison made, and whether Wasmtime's runner failed.
 */
export async function checkCall(
  modules: Record<OurMode, WasmModule>,
  f: Signature,
  args: readonly string[],
  budget: number,
  wasmtime: WasmtimeSide,
): Promise<{ comparisons: Comparison[]; wasmtimeInstantiateFuel: number; runnerError: Outcome | null }> {
  const comparisons: Comparison[] = [];
  const compare = async (mode: OurMode, b: number, theirs: Outcome, rules: Rules): Promise<Outcome> => {
    const ours = await callOurs(modules[mode], f, args, b);
    const d = difference(ours, expected(mode, b, theirs, rules), { compareFuel: rules.compareFuel, budget: b });
    comparisons.push({ mode, budget: b, ours, theirs, difference: d !== null && knownStackDepth(ours, theirs) ? 'known:stack-depth' : d });
    return ours;
  };
  const { outcome: fuelled, instantiateFuel } = await wasmtime.call(budget);
  if (fuelled.kind === 'error') return { comparisons, wasmtimeInstantiateFuel: instantiateFuel, runnerError: fuelled };
  const none: Rules = { compareFuel: false, exact: null, countAtTrap: null };
  const metered: Rules = { compareFuel: true, exact: null, countAtTrap: null };
  const vanilla = await compare('vanilla', budget, fuelled, metered);
  if (fuelled.kind === 'oof') {
    // It may not terminate: nothing runs unbounded.
    await compare('slacked', budget, fuelled, metered);
    await compare('uncounted', budget, fuelled, metered);
    return { comparisons, wasmtimeInstantiateFuel: instantiateFuel, runnerError: null };
  }
  await compare('none', budget, (await wasmtime.call(null)).outcome, none);
  await compare('count', budget, fuelled, metered);
  // Whether the code had spent the budget at a trap, from the code without prepaid loops: count
  // (no budget) always takes a prepaid copy, whose counter at a trap inside it is ahead by the
  // loop's residue; with a budget the copy runs only when the budget covers the whole loop, and
  // elsewhere the two codes' counters agree.
  const uncountedCount = await compare('count-uncounted', budget, fuelled, metered);
  const countAtTrap = uncountedCount.kind === 'trap' ? uncountedCount.fuel : null;
  await compare('slacked', budget, fuelled, { ...metered, countAtTrap });
  await compare('uncounted', budget, fuelled, { ...metered, countAtTrap });
  // A budget that runs out mid-call: half of the call's exact cost (our vanilla's count;
  // Wasmtime's count at a trap is as of its last store of the counter). Not after a stack
  // overflow: that count depends on how deep our native stack lets the guest go, so a budget
  // derived from it would change with every change to our frames (and could not be replayed).
  const overflowed = vanilla.kind === 'trap' && vanilla.trap === 'stack_exhaustion';
  const exact = (vanilla.kind === 'ok' || vanilla.kind === 'trap') && !overflowed ? vanilla.fuel : null;
  if (exact !== null && exact >= 4) {
    const half = Math.floor(exact / 2);
    const short = (await wasmtime.call(half + instantiateFuel)).outcome;
    const rules: Rules = { compareFuel: true, exact, countAtTrap };
    await compare('vanilla', half, short, rules);
    await compare('slacked', half, short, rules);
    await compare('uncounted', half, short, rules);
  }
  return { comparisons, wasmtimeInstantiateFuel: instantiateFuel, runnerError: null };
}
