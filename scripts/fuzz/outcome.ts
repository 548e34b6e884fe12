// What one call of an exported function came to — under Wasmtime (the reference runner's batch
// mode) or under one of our metering modes — and how two outcomes are compared. Values are
// strings: i32/i64 signed decimal, f32/f64 their IEEE bits as unsigned decimal, so NaN payloads
// compare exactly.
import { z } from 'zod';

export const NUMERIC_TYPES = ['i32', 'i64', 'f32', 'f64'] as const;
export const numericTypeSchema = z.enum(NUMERIC_TYPES);
export type NumericType = z.infer<typeof numericTypeSchema>;

export const outcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ok'), results: z.array(z.string()), fuel: z.number().int().nonnegative().nullable() }).strict(),
  /** A wasm trap (or an instantiation that trapped), by the runner's trap names. */
  z.object({ kind: z.literal('trap'), trap: z.string(), fuel: z.number().int().nonnegative().nullable() }).strict(),
  z.object({ kind: z.literal('oof') }).strict(),
  /** Anything else: an engine error, a crash, a hang. Never agrees with anything. */
  z.object({ kind: z.literal('error'), message: z.string() }).strict(),
]);
export type Outcome = z.infer<typeof outcomeSchema>;

/** The runner's answer to a call request. */
export const runnerCallSchema = z.union([
  z.object({ error: z.string() }),
  z.object({
    trap: z.string().nullable(),
    message: z.string().nullable(),
    fuelConsumed: z.number().int().nonnegative().nullable(),
    instantiateFuel: z.number().int().nonnegative().nullable(),
    results: z.array(z.string()),
  }),
]);

/**
 * The fuel of the call alone. Wasmtime 48 also charges some instantiations (a module with an
 * expression-based element segment runs compiled initialisation code: 1 unit); our instantiation
 * charges nothing (docs/fuzzing.md), so the fuzzer compares the calls.
 */
function callFuel(a: { fuelConsumed: number | null; instantiateFuel: number | null }): number | null {
  return a.fuelConsumed === null ? null : a.fuelConsumed - (a.instantiateFuel ?? 0);
}

export function fromRunner(answer: z.infer<typeof runnerCallSchema>): Outcome {
  if ('error' in answer) return { kind: 'error', message: answer.error };
  if (answer.trap === 'OutOfFuel') return { kind: 'oof' };
  if (answer.trap !== null) return { kind: 'trap', trap: answer.trap, fuel: callFuel(answer) };
  return { kind: 'ok', results: answer.results, fuel: callFuel(answer) };
}

export interface Rules {
  /** Compare fuel consumed (not for none). */
  readonly compareFuel: boolean;
  /** The fuel the whole call takes (our vanilla's exact count), when the budget is shorter. */
  readonly exact: number | null;
  /** The pinned counter our count mode (slacked's code, no budget) saw at the call's trap. */
  readonly countAtTrap: number | null;
}

/**
 * What our mode should report where Wasmtime reported `theirs`. Slacked checks the budget at
 * every return to the host and at traps, where Wasmtime (and vanilla) check only at function
 * entries and loop headers: a call that overdraws its budget after the last check returns under
 * Wasmtime but is out of fuel under slacked (docs/runtime.md, by design).
 */
export function expected(mode: string, budget: number, theirs: Outcome, rules: Rules): Outcome {
  // `uncounted` is slacked metering too (slacked without fuel-counted-loops): the same rules.
  const slacked = mode === 'slacked' || mode === 'uncounted';
  if (slacked && rules.exact !== null && rules.exact > budget && (theirs.kind === 'ok' || theirs.kind === 'trap')) return { kind: 'oof' };
  // fuel-place may charge a block's cost before the instruction that faults in it (it observes
  // calls, returns and `unreachable`, not loads): slacked then sees the budget spent at the
  // fault, and out-of-fuel takes precedence over the trap (docs/fuzzing.md).
  if (slacked && theirs.kind === 'trap' && rules.countAtTrap !== null && rules.countAtTrap >= budget) return { kind: 'oof' };
  return theirs;
}

/** How two outcomes differ ('results', 'trap-kind', 'fuel', 'outcome', ...), or null if they agree. */
export function difference(ours: Outcome, theirs: Outcome, options: { compareFuel: boolean; budget: number }): string | null {
  if (ours.kind === 'error' || theirs.kind === 'error') return 'error';
  if (ours.kind !== theirs.kind) return `outcome:${theirs.kind}->${ours.kind}`;
  // Wasmtime's remaining fuel stops at zero, so a call that overdraws reports the budget.
  const fuel = (x: number | null) => (x === null ? null : Math.min(x, options.budget));
  if (ours.kind === 'trap' && theirs.kind === 'trap') {
    if (ours.trap !== theirs.trap) return 'trap-kind';
    // Wasmtime keeps the counter in a register and stores it before calls and `unreachable`;
    // at any other trap it reports the count as of the last store, where we report the exact
    // count. And the fuel spent before a stack overflow depends on frame sizes. So fuel at a
    // trap is compared at `unreachable` only (docs/fuzzing.md).
    if (options.compareFuel && ours.trap === 'unreachable' && fuel(ours.fuel) !== fuel(theirs.fuel)) return 'fuel';
    return null;
  }
  if (ours.kind === 'ok' && theirs.kind === 'ok') {
    if (ours.results.length !== theirs.results.length || ours.results.some((r, i) => r !== theirs.results[i])) return 'results';
    if (options.compareFuel && fuel(ours.fuel) !== fuel(theirs.fuel)) return 'fuel';
  }
  return null;
}

/**
 * A difference that is not a bug: one side's stack overflowed where the other, with other
 * frame sizes, recursed further and spent the budget first (or both overflowed at different
 * depths, with different fuel). How deep recursion goes before `stack_exhaustion` is the
 * compiler's business.
 */
export function knownStackDepth(ours: Outcome, theirs: Outcome): boolean {
  const overflow = (o: Outcome) => o.kind === 'trap' && o.trap === 'stack_exhaustion';
  return (overflow(theirs) && (ours.kind === 'oof' || overflow(ours))) || (overflow(ours) && theirs.kind === 'oof');
}

/** A short text of an outcome for reports. */
export function show(o: Outcome): string {
  switch (o.kind) {
    case 'ok':
      return `ok [${o.results.join(', ')}]${o.fuel === null ? '' : ` fuel ${o.fuel}`}`;
    case 'trap':
      return `trap ${o.trap}${o.fuel === null ? '' : ` fuel ${o.fuel}`}`;
    case 'oof':
      return 'out of fuel';
    case 'error':
      return `error: ${o.message.split('\n')[0]}`;
  }
}
