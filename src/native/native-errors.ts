// Decodes the structured errors the addon throws (a marker plus JSON) into typed error classes.
import { z } from 'zod';
import {
  CallError,
  ClifSyntaxError,
  CompileError,
  ModuleDisposedError,
  NativeFuelPlaceError,
  NativePanic,
  NativePassError,
  SettingError,
  TranslateError,
  Trap,
  VerifierError,
  type SlackfuelError,
} from './errors.js';
import { verifierProblemSchema } from './schemas.js';

const MARKER = 'slackfuel-native-error:';

const payloadSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ClifSyntaxError'), message: z.string(), line: z.number().int() }),
  z.object({ kind: z.literal('VerifierError'), message: z.string(), errors: z.array(verifierProblemSchema) }),
  z.object({ kind: z.literal('SettingError'), message: z.string(), setting: z.string() }),
  z.object({ kind: z.literal('CompileError'), message: z.string(), function: z.string().nullable() }),
  z.object({ kind: z.literal('NativePanic'), message: z.string() }),
  z.object({ kind: z.literal('FuelPlaceError'), message: z.string(), function: z.string() }),
  z.object({
    kind: z.literal('Trap'),
    message: z.string(),
    trapCode: z.string(),
    function: z.string().nullable(),
    offset: z.number().int().nullable(),
    signal: z.string(),
  }),
  z.object({ kind: z.literal('ModuleDisposedError'), message: z.string() }),
  z.object({ kind: z.literal('CallError'), message: z.string() }),
  z.object({
    kind: z.literal('FuelPassError'),
    message: z.string(),
    pass: z.string().nullable(),
    location: z.string().nullable(),
    function: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('TranslateError'),
    message: z.string(),
    translateKind: z.enum(['invalid', 'unsupported', 'invalid-options']),
    feature: z.string().nullable(),
    instruction: z.string().nullable(),
    offset: z.number().int().nonnegative().nullable(),
  }),
]);

/** The typed error for something the addon threw, or undefined if it is not one of ours. */
export function decodeNativeError(error: unknown): SlackfuelError | undefined {
  if (!(error instanceof Error) || !error.message.startsWith(MARKER)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(error.message.slice(MARKER.length));
  } catch {
    return new NativePanic(`unreadable native error: ${error.message}`);
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return new NativePanic(`malformed native error: ${error.message}`);
  const p = parsed.data;
  switch (p.kind) {
    case 'ClifSyntaxError':
      return new ClifSyntaxError(p.message, p.line);
    case 'VerifierError':
      return new VerifierError(p.message, p.errors);
    case 'SettingError':
      return new SettingError(p.message, p.setting);
    case 'CompileError':
      return new CompileError(p.message, p.function ?? undefined);
    case 'NativePanic':
      return new NativePanic(p.message);
    case 'FuelPlaceError':
      return new NativeFuelPlaceError(p.message, p.function);
    case 'Trap':
      return new Trap(p.message, p.trapCode, p.function ?? undefined, p.offset ?? undefined, p.signal);
    case 'ModuleDisposedError':
      return new ModuleDisposedError(p.message);
    case 'CallError':
      return new CallError(p.message);
    case 'FuelPassError':
      return new NativePassError(p.message, p.pass ?? undefined, p.location ?? undefined, p.function ?? undefined);
    case 'TranslateError':
      return new TranslateError(p.message, p.translateKind, p.feature ?? undefined, p.instruction ?? undefined, p.offset ?? undefined);
  }
}

/** Runs a call into the addon, rethrowing its errors as typed errors. */
export function throughNative<T>(operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw decodeNativeError(error) ?? error;
  }
}
