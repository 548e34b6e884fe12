// Which passes exist, by pipeline name. Every built-in pass is registered when the package is
// imported; anyone can add their own with `register` (or hand pass objects straight to
// `PassManager.build`), and `loadOptionalPasses` registers passes whose modules load on demand.
import type { Pass } from './pass.js';
import { removeUnreachablePass } from './utility/remove-unreachable.js';
import { deadCodePass } from './utility/dead-code.js';
import { mergeBlocksPass } from './utility/merge-blocks.js';
import { fuelPinnedPass } from './fuel/fuel-pinned.js';
import { fuelDropChecksPass } from './fuel/fuel-drop-checks.js';
import { fuelStripPass } from './fuel/fuel-strip.js';
import { epochInsertPass } from './epoch/epoch-insert.js';
import { fuelPlacePass } from './fuel/fuel-place.js';
import { fuelCountedLoopsPass } from './fuel/fuel-counted-loops.js';

export class PassRegistry {
  readonly #passes = new Map<string, Pass>();

  /** Adds a pass; a second pass with the same name is an error. */
  register(pass: Pass): this {
    if (this.#passes.has(pass.name)) throw new Error(`a pass named '${pass.name}' is already registered`);
    this.#passes.set(pass.name, pass);
    return this;
  }

  get(name: string): Pass | undefined {
    return this.#passes.get(name);
  }

  has(name: string): boolean {
    return this.#passes.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.#passes.keys()].sort();
  }

  /** Registered passes, sorted by name. */
  list(): Pass[] {
    return this.names().map((n) => this.#passes.get(n)!);
  }
}

/** The passes every build has. */
export const BUILTIN_PASSES: readonly Pass[] = [
  removeUnreachablePass,
  deadCodePass,
  mergeBlocksPass,
  fuelPinnedPass,
  fuelDropChecksPass,
  fuelPlacePass,
  fuelCountedLoopsPass,
  fuelStripPass,
  epochInsertPass,
];

/** A pass whose module is imported only when asked for (`loadOptionalPasses`). */
export interface OptionalPass {
  readonly name: string;
  /** The export holding the Pass (any exported Pass with the right name is accepted too). */
  readonly exportName: string;
  /** Imports the module. A literal `import()` here lets bundlers include the module. */
  load(): Promise<object>;
}

/**
 * Passes `loadOptionalPasses` loads by default: none, since every built-in pass is registered on
 * import. The list is where a build that ships a pass as a separately loaded module names it.
 */
export const OPTIONAL_PASSES: readonly OptionalPass[] = [];

export function createRegistry(): PassRegistry {
  const registry = new PassRegistry();
  for (const pass of BUILTIN_PASSES) registry.register(pass);
  return registry;
}

/** The registry `PassManager.build` uses unless given another. */
export const defaultRegistry: PassRegistry = createRegistry();

function isPass(value: unknown): value is Pass {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['name'] === 'string' && typeof v['description'] === 'string' && typeof v['run'] === 'function' && typeof v['options'] === 'object';
}

/**
 * Registers every optional pass whose module loads and exports a Pass (under its declared
 * export name, or as any exported Pass with the right name). Returns the names registered now.
 * A module that cannot be found is skipped: the pass is then simply unknown.
 */
export async function loadOptionalPasses(registry: PassRegistry = defaultRegistry, entries: readonly OptionalPass[] = OPTIONAL_PASSES): Promise<string[]> {
  const loaded: string[] = [];
  for (const entry of entries) {
    if (registry.has(entry.name)) continue;
    let mod: Record<string, unknown>;
    try {
      mod = { ...(await entry.load()) };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') continue;
      throw error;
    }
    const candidates = [mod[entry.exportName], ...Object.values(mod)];
    const pass = candidates.find((c): c is Pass => isPass(c) && c.name === entry.name);
    // A concurrent call may have registered it while this one was importing.
    if (pass === undefined || registry.has(entry.name)) continue;
    registry.register(pass);
    loaded.push(entry.name);
  }
  return loaded;
}
