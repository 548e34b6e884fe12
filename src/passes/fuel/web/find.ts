// Finds the fuel web of a function for a location option: with `auto`, every preset is tried
// in order and the first one the function proves wins; if none proves it but some location saw
// counter accesses it could not prove, that diagnostic is thrown.
import type { Function } from '../../../ir/index.js';
import { DEFAULT_CALLEE_OPTIONS, type CalleeOptions } from './callees.js';
import { FuelWebError } from './errors.js';
import { locationsFor, type FuelLocationOption } from './presets.js';
import { recognizeFuelWeb, type FuelWeb } from './web.js';

export interface FindFuelWebOptions {
  readonly location?: FuelLocationOption;
  readonly callees?: CalleeOptions;
}

/** The proven web, or null when no location has counter accesses in this function. */
export function findFuelWeb(fn: Function, options: FindFuelWebOptions = {}): FuelWeb | null {
  let firstError: FuelWebError | undefined;
  for (const location of locationsFor(options.location ?? 'auto')) {
    try {
      const web = recognizeFuelWeb(fn, location, options.callees ?? DEFAULT_CALLEE_OPTIONS);
      if (web !== null) return web;
    } catch (error) {
      if (!(error instanceof FuelWebError)) throw error;
      firstError ??= error;
    }
  }
  if (firstError !== undefined) throw firstError;
  return null;
}
