// An exported global as a value another instance can import (`WasmInstance.global(name)`,
// Wasmtime's `Global`): the importer joins the exporter's store, and both read and write the
// one value (a mutable global is shared, not copied).
import { RuntimeConfigError } from '../runtime/errors.js';
import type { Store } from '../runtime/store.js';
import type { WasmGlobal } from './schemas.js';

const text = (g: WasmGlobal): string => `${g.mutable ? 'mutable ' : ''}${g.typeKey}`;

export class Global {
  /** Use `WasmInstance.global(name)`. */
  constructor(
    readonly store: Store,
    /** The exporting instance's id in its store. */
    readonly member: number,
    /** The global's index in the exporter's global space. */
    readonly index: number,
    readonly type: WasmGlobal,
    readonly name: string,
    /** The value's low 64 bits now (for constant expressions of the importer). */
    readonly bits: () => bigint,
  ) {}

  /** Throws unless this global can stand for an import of type `expected` (`name` is the
   *  import's `module::name`): the same value type and the same mutability, as Wasmtime requires. */
  checkImport(expected: WasmGlobal, name: string): void {
    if (expected.typeKey !== this.type.typeKey || expected.mutable !== this.type.mutable) {
      throw new RuntimeConfigError(`incompatible import type for \`${name}\`: global types incompatible: expected global of type \`${text(expected)}\`, found global of type \`${text(this.type)}\``);
    }
  }
}
