// `slackfuel run FILE --fn NAME ...`: the second form of `run`, one function under a metering
// mode. Kept apart from run.ts, which dispatches to it when --fn is given.
import { z } from 'zod';
import { GuestTrapError, UsageError, type CommandIO } from '../command.js';
import { enforcesBudget, meteringOptionSchema, meteringSpec } from '../metering-option.js';
import { Engine, OutOfFuel } from '../../runtime/index.js';
import { TRAP_EXIT_CODE } from '../../wasi/run.js';
import { SlackfuelError, Trap } from '../../runtime/errors.js';
import type { ClifValue } from '../../native/values.js';
import type { Settings } from '../../native/settings.js';

export const runFunctionOptionsSchema = z
  .object({
    file: z.string(),
    fn: z.string().min(1),
    args: z.array(z.string()),
    fuel: z
      .string()
      .regex(/^\d+$/, '--fuel takes a non-negative integer')
      .transform(Number)
      .refine((n) => Number.isSafeInteger(n), '--fuel is too large')
      .optional(),
    metering: z.string().pipe(meteringOptionSchema),
    passes: z.string().optional(),
    json: z.boolean(),
    checkIntervalMs: z
      .string()
      .transform(Number)
      .refine((n) => Number.isFinite(n) && n > 0 && n <= 60_000, '--check-interval takes milliseconds in (0, 60000]')
      .optional(),
    checkMaxIntervalMs: z
      .string()
      .transform(Number)
      .refine((n) => Number.isFinite(n) && n > 0 && n <= 60_000, '--check-max-interval takes milliseconds in (0, 60000]')
      .optional(),
  })
  .strict();
export type RunFunctionOptions = z.input<typeof runFunctionOptionsSchema>;

function parseArg(text: string, type: string): ClifValue {
  const t = text.trim();
  if (type === 'f32' || type === 'f64') {
    const n = Number(t);
    if (Number.isNaN(n) && t.toLowerCase() !== 'nan') throw new UsageError(`--args: '${text}' is not a number for ${type}`);
    return n;
  }
  if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) throw new UsageError(`--args: '${text}' is not an integer for ${type}`);
  const neg = t.startsWith('-');
  const big = BigInt(neg ? t.slice(1) : t) * (neg ? -1n : 1n);
  return type === 'i64' || type === 'i128' ? big : Number(big);
}

function jsonValue(v: ClifValue): number | string {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  return v;
}

export async function runFunction(raw: RunFunctionOptions, flags: Settings, io: CommandIO): Promise<number> {
  const parsed = runFunctionOptionsSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'option'}: ${i.message}`).join('; '));
  const o = parsed.data;
  const spec = meteringSpec(o.metering);
  if (o.fuel !== undefined && !enforcesBudget(o.metering)) throw new UsageError(`--fuel: --metering ${o.metering} enforces no fuel budget (vanilla, slacked and slacked-placed do)`);
  const passes = o.passes ?? spec.pipeline;
  const text = await io.readInput(o.file);
  const engine = new Engine({ flags });
  const module = await engine.compile(text, { metering: spec.metering, ...(passes === undefined ? {} : { passes }), ...(spec.reservePinnedRegister === undefined ? {} : { reservePinnedRegister: spec.reservePinnedRegister }) });
  const target = module.exports.find((e) => e.name === o.fn || e.name === `%${o.fn}`);
  if (target === undefined) {
    throw new UsageError(`no wasm-shaped function ${o.fn} in ${o.file} (functions taking (i64 vmctx, i64, ...) with the tail convention: ${module.exports.map((e) => e.name).join(', ') || 'none'})`);
  }
  const argTexts = o.args.flatMap((a) => a.split(',')).filter((a) => a.trim() !== '');
  if (argTexts.length !== target.params.length) throw new UsageError(`${target.name} takes ${target.params.length} argument(s) (${target.params.join(', ')}), got ${argTexts.length}`);
  const args = argTexts.map((a, i) => parseArg(a, target.params[i]!));
  const instance = module.instantiate({
    ...(o.checkIntervalMs === undefined ? {} : { checkIntervalMs: o.checkIntervalMs }),
    ...(o.checkMaxIntervalMs === undefined ? {} : { checkMaxIntervalMs: o.checkMaxIntervalMs }),
  });
  try {
    const result = await instance.call(target.name, args, o.fuel === undefined ? {} : { fuel: o.fuel });
    if (o.json) io.out(`${JSON.stringify({ results: result.results.map(jsonValue), fuelConsumed: result.fuelConsumed })}\n`);
    else {
      io.out(`${target.name}(${argTexts.join(', ')}) = ${result.results.map(String).join(', ') || '(no results)'}\n`);
      io.out(`fuel consumed: ${result.fuelConsumed ?? 'not metered'} (metering ${o.metering}${module.pipeline === '' ? '' : `, passes ${module.pipeline}`})\n`);
    }
    return 0;
  } catch (error) {
    // Out of fuel and traps end like run-wasm's: exit 134, the message in the one trap format
    // (or the JSON object, with --json).
    if (error instanceof OutOfFuel) {
      if (!o.json) throw new GuestTrapError('OutOfFuel', error.message);
      io.out(`${JSON.stringify({ error: 'OutOfFuel', message: error.message, budget: error.budget, detectedBy: error.detectedBy })}\n`);
      return TRAP_EXIT_CODE;
    }
    if (error instanceof Trap) {
      if (!o.json) throw new GuestTrapError(error.trapCode, error.message);
      io.out(`${JSON.stringify({ error: 'Trap', message: error.message, trapCode: error.trapCode, function: error.functionName ?? null })}\n`);
      return TRAP_EXIT_CODE;
    }
    if (error instanceof SlackfuelError && o.json) {
      io.out(`${JSON.stringify({ error: error.name, message: error.message })}\n`);
      return 1;
    }
    throw error;
  } finally {
    instance.dispose();
  }
}
