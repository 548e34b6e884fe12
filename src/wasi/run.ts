// Runs a WASI command module (`_start`, or a named export) under a metering mode: the
// program's output goes to the given sinks, proc_exit becomes the exit code.
import { basename } from 'node:path';
import { z } from 'zod';
import { meteringModeSchema } from '../runtime/metering.js';
import { OutOfFuel } from '../runtime/errors.js';
import { compileWasm } from '../wasm/instance.js';
import { WasmTrap } from '../wasm/trap-kinds.js';
import { WasiExit, WasiHost, type BenchMarks } from './host.js';

export const runWasiOptionsSchema = z
  .object({
    metering: meteringModeSchema,
    /** Budget; ignored by none, epoch and count. */
    fuel: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    /** argv[0] (default: the program's file name) is added in front of these. */
    args: z.array(z.string()).default([]),
    programName: z.string().default('program.wasm'),
    env: z.record(z.string(), z.string()).default({}),
    /** Preopened read-only as "."; null for none. */
    dir: z.string().nullable().default(null),
    invoke: z.string().default('_start'),
    stdout: z.custom<(b: Uint8Array) => void>((f) => typeof f === 'function'),
    stderr: z.custom<(b: Uint8Array) => void>((f) => typeof f === 'function'),
    checkIntervalMs: z.union([z.number().positive().finite().max(60_000), z.literal(false)]).default(1),
    /** The checker's longest wait while the observed fuel rate allows (default max(20, interval)). */
    checkMaxIntervalMs: z.number().positive().finite().max(60_000).optional(),
  })
  .strict();
export type RunWasiOptions = z.input<typeof runWasiOptionsSchema>;

export interface WasiRunReport {
  readonly exitCode: number;
  /** Null for none and epoch, and when the run ended in a trap or OutOfFuel. */
  readonly fuelConsumed: number | null;
  /** null, 'OutOfFuel', or the wasm trap kind. */
  readonly error: string | null;
  readonly message: string | null;
  readonly marks: BenchMarks;
}

/** Exit code for a trap or OutOfFuel (what wasmtime's CLI uses for traps). */
export const TRAP_EXIT_CODE = 134;

export async function runWasi(wasm: Uint8Array, options: RunWasiOptions): Promise<WasiRunReport> {
  const o = runWasiOptionsSchema.parse(options);
  const host = new WasiHost({
    args: [basename(o.programName), ...o.args],
    env: o.env,
    preopen: o.dir,
    stdout: o.stdout,
    stderr: o.stderr,
  });
  const module = await compileWasm(wasm, o.metering);
  const instance = await module.instantiate({ imports: host.imports(), checkIntervalMs: o.checkIntervalMs, ...(o.checkMaxIntervalMs === undefined ? {} : { checkMaxIntervalMs: o.checkMaxIntervalMs }) });
  host.attach(instance);
  try {
    const r = await instance.call(o.invoke, [], o.fuel === undefined ? {} : { fuel: o.fuel });
    return { exitCode: 0, fuelConsumed: r.fuelConsumed, error: null, message: null, marks: host.marks };
  } catch (error) {
    if (error instanceof WasiExit) return { exitCode: error.code, fuelConsumed: error.fuelConsumed, error: null, message: null, marks: host.marks };
    if (error instanceof OutOfFuel) return { exitCode: TRAP_EXIT_CODE, fuelConsumed: null, error: 'OutOfFuel', message: error.message, marks: host.marks };
    if (error instanceof WasmTrap) return { exitCode: TRAP_EXIT_CODE, fuelConsumed: null, error: error.kind, message: error.message, marks: host.marks };
    throw error;
  } finally {
    instance.dispose();
  }
}
