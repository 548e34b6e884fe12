// zod schemas for everything that crosses from the native addon into TypeScript.
import { z } from 'zod';

const bytes = z.instanceof(Uint8Array);

export const verifierProblemSchema = z.object({
  function: z.string(),
  location: z.string(),
  instruction: z.string().optional(),
  message: z.string(),
});

export const verifierProblemsSchema = z.array(verifierProblemSchema);

export const canonicalPrintSchema = z.array(z.string());

export const compiledFunctionsSchema = z.array(
  z.object({
    name: z.string(),
    code: bytes,
    codeSize: z.number().int().nonnegative(),
    disassembly: z.string(),
  }),
);

export const jitFunctionsSchema = z.array(
  z.object({
    name: z.string(),
    params: z.array(z.string()),
    returns: z.array(z.string()),
    codeSize: z.number().int().nonnegative(),
    lineOffset: z.number().int().min(0).max(63),
    notCallable: z.string().optional(),
  }),
);

const runValueSchema = z.object({ ty: z.string(), bytes, display: z.string() });

export const runChecksSchema = z.array(
  z.object({
    function: z.string(),
    line: z.number().int().positive(),
    text: z.string(),
    kind: z.enum(['run', 'print']),
    invoke: z.string(),
    args: z.array(runValueSchema),
    comparison: z.enum(['==', '!=']).optional(),
    expected: z.array(runValueSchema),
  }),
);

export const resultSlotsSchema = bytes;

export const runTargetsSchema = z.array(
  z.object({
    index: z.number().int().nonnegative(),
    description: z.string(),
    skip: z.string().optional(),
  }),
);

export const displayedValuesSchema = z.string();

export type RunValue = z.infer<typeof runValueSchema>;
export type RunTarget = z.infer<typeof runTargetsSchema>[number];
export type NativeRunCheck = z.infer<typeof runChecksSchema>[number];
