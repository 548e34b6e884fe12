// Where the fuel counter lives: a pointer at `vmctx + contextOffset`, and the i64 counter at
// `pointer + counterOffset`. Presets for the layouts we know; `slackfuel` is our runtime's
// ABI, exported as data so the runtime and the passes share one definition.
import { z } from 'zod';
import { DEFAULT_VMCTX_LAYOUT, type VmctxLayout } from '../../../abi/vmctx-layout.js';

export const fuelLocationSchema = z
  .object({
    /** A name for diagnostics and stats. */
    name: z.string().min(1),
    /** Offset of the context pointer within the vmctx. */
    contextOffset: z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1),
    /** Offset of the i64 counter within the context the pointer points to. */
    counterOffset: z.number().int().min(-(2 ** 31)).max(2 ** 31 - 1),
  })
  .strict();
export type FuelLocation = z.infer<typeof fuelLocationSchema>;

/**
 * Wasmtime since 2023: `VMStoreContext` (first field `fuel_consumed`) reached through the
 * pointer at `vmctx+8`.
 */
export const WASMTIME_2026: FuelLocation = Object.freeze({ name: 'wasmtime-2026', contextOffset: 8, counterOffset: 0 });

/**
 * Wasmtime in 2022: `VMRuntimeLimits` (`stack_limit` at 0, `fuel_consumed` at 8 on 64-bit
 * hosts) reached through the pointer at `vmctx+8` (after the 4-byte magic, pointer-aligned).
 */
export const WASMTIME_2022: FuelLocation = Object.freeze({ name: 'wasmtime-2022', contextOffset: 8, counterOffset: 8 });

/** The counter location of a runtime vmctx layout (src/abi is the single source of truth). */
export function fuelLocationOfLayout(layout: VmctxLayout, name = 'slackfuel'): FuelLocation {
  return Object.freeze({ name, contextOffset: layout.storeContextPointer, counterOffset: layout.fuelConsumed });
}

/**
 * slackfuel's runtime ABI, read from the runtime's vmctx layout. It keeps Wasmtime 2026's
 * layout so that Wasmtime dumps run unmodified: the counter is the first i64 of the context
 * whose pointer sits at `vmctx+8`.
 */
export const SLACKFUEL_FUEL_ABI: FuelLocation = fuelLocationOfLayout(DEFAULT_VMCTX_LAYOUT);

export const FUEL_PRESETS: Readonly<Record<string, FuelLocation>> = Object.freeze({
  'wasmtime-2026': WASMTIME_2026,
  'wasmtime-2022': WASMTIME_2022,
  slackfuel: SLACKFUEL_FUEL_ABI,
});

/** The order `auto` tries presets in; the first one the function proves wins. */
export const AUTO_PRESET_ORDER: readonly FuelLocation[] = [WASMTIME_2026, WASMTIME_2022, SLACKFUEL_FUEL_ABI];

/**
 * How a pass is told where the counter is: `auto` (try every preset), a preset name, or an
 * explicit location.
 */
export const fuelLocationOptionSchema = z
  .union([z.literal('auto'), z.enum(['wasmtime-2026', 'wasmtime-2022', 'slackfuel']), fuelLocationSchema])
  .default('auto')
  .describe("where the counter lives: 'auto', a preset name, or {name, contextOffset, counterOffset}");
export type FuelLocationOption = z.output<typeof fuelLocationOptionSchema>;

/** The locations to try for an option value, in order. */
export function locationsFor(option: FuelLocationOption): readonly FuelLocation[] {
  if (option === 'auto') return AUTO_PRESET_ORDER;
  if (typeof option === 'string') return [FUEL_PRESETS[option]!];
  return [option];
}
