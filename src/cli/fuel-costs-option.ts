// `--fuel-costs FILE.json` (wasm2clif, run-wasm): Wasmtime's operator-cost table from a file. A
// table that cannot be read or is malformed is the user's mistake, so it is a usage error.
import { RuntimeConfigError } from '../runtime/errors.js';
import { loadFuelCosts, type FuelCosts } from '../wasm/fuel-costs.js';
import { UsageError } from './command.js';

export async function fuelCostsOption(path: string): Promise<FuelCosts> {
  try {
    return await loadFuelCosts(path);
  } catch (error) {
    if (error instanceof RuntimeConfigError) throw new UsageError(error.message);
    throw error;
  }
}
