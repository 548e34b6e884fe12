// Messages between the pipeline pool and its workers (structured clone, checked with zod on
// both sides: a worker is another realm, and its messages are data like any other input).
import { z } from 'zod';

export const workerSetupSchema = z.object({ pipeline: z.string() });
export type WorkerSetup = z.infer<typeof workerSetupSchema>;

export const taskSchema = z.object({
  id: z.number().int().nonnegative(),
  /** Header lines (`test`, `set`, `target`) parsed before each function text. */
  headers: z.string(),
  texts: z.array(z.string()),
});
export type Task = z.infer<typeof taskSchema>;

/** One function after the pipeline: printed, or the error of the pass that failed on it. */
export const functionResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), text: z.string(), pinned: z.boolean() }),
  /** `message` is the pass's own error message (PassRunError's cause). */
  z.object({ ok: z.literal(false), pass: z.string(), function: z.string(), message: z.string() }),
]);
export type FunctionResult = z.infer<typeof functionResultSchema>;

/** One input text: its functions in input order, or a syntax error. */
export const textResultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('functions'), functions: z.array(functionResultSchema) }),
  /** The caller redoes the file serially, which reports the error with its real position. */
  z.object({ kind: z.literal('parse-error'), message: z.string() }),
]);
export type TextResult = z.infer<typeof textResultSchema>;

export const replySchema = z.object({
  id: z.number().int().nonnegative(),
  results: z.array(textResultSchema),
});
export type Reply = z.infer<typeof replySchema>;
