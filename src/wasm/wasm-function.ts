// An exported wasm function as a value another instance can import (`WasmInstance.func(name)`,
// Wasmtime's `Func`): the importer joins the exporter's store and its code calls the function
// directly, charging the store's one fuel counter, as a Wasmtime `Linker` links instances.
import { RuntimeConfigError } from '../runtime/errors.js';
import type { Store } from '../runtime/store.js';
import type { WasmFuncType, WasmValueType } from './schemas.js';

/** Printed as Wasmtime prints a function type in its import errors: `(i32, i64) -> (f32)`. */
function typeText(type: WasmFuncType): string {
  return `(${type.params.join(', ')}) -> (${type.results.join(', ')})`;
}

const isReference = (t: WasmValueType): boolean => t === 'funcref' || t === 'externref';

export class WasmFunction {
  /** Use `WasmInstance.func(name)`. */
  constructor(
    readonly store: Store,
    /** The exporting instance's id in its store. */
    readonly member: number,
    /** The function's index in the exporter's function space. */
    readonly index: number,
    readonly type: WasmFuncType,
    readonly name: string,
  ) {}

  /**
   * Throws unless this function can stand for an import of type `expected` (`name` is the
   * import's `module::name`): the same parameter and result types, with Wasmtime's wording.
   * Reference-typed parameters and results are refused: each instance numbers function types
   * on its own, so a func-ref passed between instances could pass another's signature check.
   */
  checkImport(expected: WasmFuncType, name: string): void {
    const same = (a: readonly WasmValueType[], b: readonly WasmValueType[]) => a.length === b.length && a.every((t, i) => t === b[i]);
    if (!same(expected.params, this.type.params) || !same(expected.results, this.type.results)) {
      throw new RuntimeConfigError(`incompatible import type for \`${name}\`: function types incompatible: expected func of type \`${typeText(expected)}\`, found func of type \`${typeText(this.type)}\``);
    }
    if ([...expected.params, ...expected.results].some(isReference)) {
      throw new RuntimeConfigError(`import \`${name}\`: a function with reference-typed parameters or results cannot be linked to another instance yet (give a host function instead)`);
    }
  }
}
