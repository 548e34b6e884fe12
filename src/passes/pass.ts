// What a pass is: a name, a one-line description, a zod schema for its options and a `run`
// that edits one function in place and says what it changed.
import type { z } from 'zod';
import type { AnalysisCache } from '../analysis/cache.js';
import type { Function } from '../ir/index.js';

export interface PassContext<Options> {
  /** The pass's options, already validated by its schema (defaults filled in). */
  readonly options: Options;
  /** Analyses of the function being edited, cached until a pass reports a CFG change. */
  readonly analyses: AnalysisCache;
  /** Records a per-function figure (printed by `slackfuel opt --stats`), e.g. `increments.after`. */
  stat(name: string, value: number): void;
  /**
   * Tells the manager the CFG changed now (blocks or edges), so analyses asked for later in
   * the same pass are recomputed. Returning `cfgChanged: true` has the same effect afterwards.
   */
  invalidate(): void;
}

export interface PassResult {
  /** Anything in the function changed. */
  readonly changed: boolean;
  /** Blocks or edges changed: cached analyses must be dropped. Implies `changed`. */
  readonly cfgChanged: boolean;
}

export const UNCHANGED: PassResult = Object.freeze({ changed: false, cfgChanged: false });
export const CHANGED: PassResult = Object.freeze({ changed: true, cfgChanged: false });
export const CFG_CHANGED: PassResult = Object.freeze({ changed: true, cfgChanged: true });

export interface Pass<Schema extends z.ZodType = z.ZodType> {
  /** The name used in pipelines (`fuel-pinned`). */
  readonly name: string;
  /** One line for `--help` and error messages. */
  readonly description: string;
  /** Validates and defaults the options; an empty object must be accepted. */
  readonly options: Schema;
  run(fn: Function, ctx: PassContext<z.output<Schema>>): PassResult;
}

/** Identity helper that keeps the option type of a pass literal. */
export function definePass<Schema extends z.ZodType>(pass: Pass<Schema>): Pass<Schema> {
  return pass;
}
