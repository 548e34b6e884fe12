// Public result types of the fuel equivalence checker.
import { z } from 'zod';

export const checkFuelOptionsSchema = z
  .object({
    /** Traps (`trap`, `trapz`, `trapnz`, ...) are observation points too: the counter must be exact there. */
    observeTraps: z.boolean().default(false),
    /** Safety valve against pathological inputs: the most product points the walk may create. */
    maxProductPoints: z.number().int().positive().optional(),
  })
  .strict();

export type CheckFuelOptions = z.input<typeof checkFuelOptionsSchema>;

/** How a function keeps its counter. */
export type FuelForm = 'memory' | 'pinned' | 'none';

/** A place in one function, for messages: block and instruction text. */
export interface Site {
  readonly block: string;
  readonly inst: string;
}

/** Two walks that start and end at observation points (or a closed walk) charging differently. */
export interface PathCounterexample {
  readonly kind: 'path' | 'cycle';
  /** Where the walk starts: `function entry`, `after call fn1 in block6`, ... (for a cycle, its first point). */
  readonly from: string;
  /** Where it ends: `before call fn1 in block6`, `return in block7`, ... (for a cycle, back to `from`). */
  readonly to: string;
  /** Blocks the walk passes through, in order, in each function. */
  readonly beforeBlocks: readonly string[];
  readonly afterBlocks: readonly string[];
  /** Constant fuel each function charges along the walk. */
  readonly beforeTotal: number;
  readonly afterTotal: number;
}

/** An increment of the rewritten function that subtracts fuel. */
export interface NegativeIncrementCounterexample {
  readonly kind: 'negative-increment';
  readonly block: string;
  readonly inst: string;
  readonly value: number;
}

export type FuelCounterexample = PathCounterexample | NegativeIncrementCounterexample;

/** Thrown by a walk of the rewritten function where an update makes the counter go down. */
export class NegativeCounterUpdate extends Error {
  constructor(readonly counterexample: NegativeIncrementCounterexample) {
    super(`negative increment ${counterexample.value}`);
  }
}

/**
 * The two functions cannot be compared: their non-fuel code differs, or a fuel shape is not
 * understood. Names the instruction(s) involved.
 */
export interface FuelDiagnostic {
  readonly message: string;
  readonly before?: Site;
  readonly after?: Site;
}

export interface FuelSideStats {
  readonly form: FuelForm;
  /** Constant increments met on the walk (static count, each counted once). */
  readonly increments: number;
  readonly dynamicIncrements: number;
  /** Compare-and-branch checks treated as going to their continuation. */
  readonly checks: number;
}

export interface FuelCheckStats {
  /** Paired program points of the product walk (branches, calls, returns, traps, loop points). */
  readonly productPoints: number;
  readonly productEdges: number;
  readonly observationPoints: number;
  readonly before: FuelSideStats;
  readonly after: FuelSideStats;
}

export type FuelCheckResult =
  | { readonly ok: true; readonly stats: FuelCheckStats }
  | { readonly ok: false; readonly reason: 'counterexample'; readonly counterexample: FuelCounterexample }
  | { readonly ok: false; readonly reason: 'diagnostic'; readonly diagnostic: FuelDiagnostic };

/** Thrown inside the checker and turned into a `diagnostic` result at the top. */
export class FuelCheckDiagnostic extends Error {
  override readonly name = 'FuelCheckDiagnostic';
  constructor(readonly diagnostic: FuelDiagnostic) {
    super(diagnostic.message);
  }
}
