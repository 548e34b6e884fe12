// An exported table as a value another instance can import (`WasmInstance.table(name)`,
// Wasmtime's `Table`): the importer joins the exporter's store, and its code reads and calls
// through the same table (the exporter's record, kept current by whichever instance grows it).
import { RuntimeConfigError } from '../runtime/errors.js';
import type { Store } from '../runtime/store.js';
import type { WasmTable } from './schemas.js';

export class Table {
  /** Use `WasmInstance.table(name)`. */
  constructor(
    readonly store: Store,
    /** The exporting instance's id in its store. */
    readonly member: number,
    /** The table's index in the exporter's table space. */
    readonly index: number,
    /** The table type the exporter declared. */
    readonly type: WasmTable,
    readonly name: string,
  ) {}

  /**
   * Throws unless this table can stand for an import of type `expected` (`name` is the
   * import's `module::name`): the same element type and index type. The native side checks
   * the sizes when it links (the current size at least the import's minimum; a declared maximum
   * no larger than the import's).
   */
  checkImport(expected: WasmTable, name: string): void {
    if (expected.elementKey !== this.type.elementKey) {
      throw new RuntimeConfigError(`incompatible import type for \`${name}\`: table types incompatible: expected table of \`${expected.elementKey}\`, found table of \`${this.type.elementKey}\``);
    }
    if (expected.table64 !== this.type.table64) {
      throw new RuntimeConfigError(`incompatible import type for \`${name}\`: table types incompatible: expected a ${expected.table64 ? '64' : '32'}-bit table, found a ${this.type.table64 ? '64' : '32'}-bit one`);
    }
  }
}
