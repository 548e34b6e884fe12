// The fuel-cost table (Wasmtime 48's `Config::operator_cost`): a partial table keyed by the
// operator names Wasmtime uses (`I32Add`, `MemoryFill`, ... — wasmparser's Operator variants)
// plus `variable` per-byte/per-element costs of the bulk operations. Unset entries keep
// Wasmtime's defaults. The shape is checked here; the operator names by the front end, which
// knows them all (a misspelt name is a TranslateError 'invalid-options', never ignored).
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { RuntimeConfigError } from '../runtime/errors.js';

/** Wasmtime stores every cost in a u8. */
const cost = z.number().int().min(0).max(255);

export const VARIABLE_COST_NAMES = [
  'memory_copy_per_byte',
  'memory_fill_per_byte',
  'memory_init_per_byte',
  'memory_grow_per_page',
  'table_copy_per_element',
  'table_fill_per_element',
  'table_init_per_element',
  'table_grow_per_element',
  // The GC proposal's: accepted so a Wasmtime table loads unchanged; the front end refuses GC.
  'array_copy_per_element',
  'array_fill_per_element',
  'array_new_data_per_element',
  'array_init_data_per_element',
  'array_new_elem_per_element',
  'array_init_elem_per_element',
  'array_new_default_per_element',
  'array_new_per_element',
] as const;

export const variableCostsSchema = z.partialRecord(z.enum(VARIABLE_COST_NAMES), cost);

export const fuelCostsSchema = z
  .object({ variable: variableCostsSchema.optional() })
  .catchall(cost)
  .superRefine((table, ctx) => {
    for (const name of Object.keys(table)) {
      if (name !== 'variable' && !/^[A-Z][A-Za-z0-9]*$/.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `'${name}' is not an operator name (Wasmtime spells them I32Add, MemoryFill, ...)` });
      }
    }
  });
/** Per-byte / per-element costs by Wasmtime's field names. */
export type VariableCosts = Partial<Record<(typeof VARIABLE_COST_NAMES)[number], number>>;
/** A partial cost table: flat costs by operator name, and `variable`. */
export interface FuelCosts {
  readonly [operator: string]: number | VariableCosts | undefined;
  readonly variable?: VariableCosts;
}

/** Reads and checks a cost table from a JSON file (the CLI's `--fuel-costs FILE.json`). */
export async function loadFuelCosts(path: string): Promise<FuelCosts> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RuntimeConfigError(`cannot read the fuel-cost table ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RuntimeConfigError(`the fuel-cost table ${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = fuelCostsSchema.safeParse(json);
  if (!parsed.success) throw new RuntimeConfigError(`bad fuel-cost table ${path}: ${z.prettifyError(parsed.error)}`);
  return parsed.data as FuelCosts;
}
