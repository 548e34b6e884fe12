// An exported wasm function as a value another instance can import (`WasmInstance.func(name)`,
// Wasmtime's `Func`): the importer joins the exporter's store and its code calls the function
// directly, charging the store's one fuel counter, as a Wasmtime `Linker` links instances.
import { RuntimeConfigError } from '../runtime/errors.js';
import type { Store } from '../runtime/store.js';
import type { WasmFuncType } from './schemas.js';

/** Printed as Wasmtime prints a function type in its import errors: `(i32, i64) -> (f32)`. */
function typeText(type: WasmFuncType): string {
  return `(${type.params.join(', ')}) -> (${type.results.join(', ')})`;
}

export class WasmFunction {
  /** Use `WasmInstance.func(name)`. */
  constructor(
    readonly store: Store,
    /** The exporting instance's id in its store. */
    readonly member: number,
    /** The function's index in the exporter's function space. */
    readonly index: number,
    readonly type: WasmFuncType,
    /** The type's structural key (the front end's `typeKeys`). */
    readonly typeKey: string,
    readonly name: string,
    /** Calls it without arguments in its own instance (a start function that is this import). */
    readonly call: (options: { fuel?: number }) => Promise<{ fuelConsumed: number | null }>,
  ) {}

  /**
   * Throws unless this function can stand for an import of type `expected`, whose structural
   * key is `expectedKey` (`name` is the import's `module::name`), with Wasmtime's wording. The
   * types must be the same type: equal keys (references compared by the types they reference).
   */
  checkImport(expected: WasmFuncType, expectedKey: string, name: string): void {
    if (expectedKey !== this.typeKey) {
      throw new RuntimeConfigError(`incompatible import type for \`${name}\`: function types incompatible: expected func of type \`${typeText(expected)}\`, found func of type \`${typeText(this.type)}\``);
    }
  }
}
