// Runs one function under every metering mode, interleaved, and reports results, fuel and the
// median run time of each mode (and its ratio to `none`). Used by `slackfuel demo` and the
// runtime benchmark.
import type { ClifValue } from '../native/values.js';
import { Engine } from './engine.js';
import type { HostFunction } from './instance.js';
import { METERING_MODES, type MeteringMode } from './metering.js';

export interface ModeRow {
  readonly mode: MeteringMode;
  readonly pipeline: string;
  readonly results: ClifValue[];
  readonly fuelConsumed: number | null;
  /** Median wall-clock time of one call, in milliseconds. */
  readonly medianMs: number;
  /** medianMs / none's medianMs. */
  readonly ratioToNone: number;
}

export interface CompareOptions {
  readonly fn: string;
  readonly args: readonly ClifValue[];
  readonly fuel?: number;
  /** Timed calls per mode (after one warm-up call), interleaved across modes. */
  readonly repeats?: number;
  readonly imports?: Record<string, HostFunction>;
  readonly modes?: readonly MeteringMode[];
  readonly checkIntervalMs?: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function compareModes(clifText: string, o: CompareOptions, engine: Engine = new Engine()): Promise<ModeRow[]> {
  const modes = o.modes ?? METERING_MODES;
  const repeats = o.repeats ?? 7;
  const prepared = await Promise.all(
    modes.map(async (mode) => {
      const module = await engine.compile(clifText, { metering: mode });
      const instance = module.instantiate({ imports: o.imports ?? {}, ...(o.checkIntervalMs === undefined ? {} : { checkIntervalMs: o.checkIntervalMs }) });
      return { mode, module, instance, times: [] as number[] };
    }),
  );
  const call = (p: (typeof prepared)[number]) => p.instance.call(o.fn, o.args, o.fuel === undefined ? {} : { fuel: o.fuel });
  try {
    const first = new Map<MeteringMode, Awaited<ReturnType<typeof call>>>();
    for (const p of prepared) first.set(p.mode, await call(p));
    for (let r = 0; r < repeats; r++) {
      for (const p of prepared) {
        const t0 = performance.now();
        await call(p);
        p.times.push(performance.now() - t0);
      }
    }
    const base = prepared.find((p) => p.mode === 'none');
    const baseMs = base === undefined ? Number.NaN : median(base.times);
    return prepared.map((p) => {
      const m = median(p.times);
      const result = first.get(p.mode)!;
      return { mode: p.mode, pipeline: p.module.pipeline, results: result.results, fuelConsumed: result.fuelConsumed, medianMs: m, ratioToNone: m / baseMs };
    });
  } finally {
    for (const p of prepared) p.instance.dispose();
  }
}
