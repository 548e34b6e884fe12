// A linear memory one wasm instance exports and others import, as `WebAssembly.Memory` or
// Wasmtime's `Memory` is passed from one instance to the next: `instance.memory('mem')`, then
// `instantiate({ imports: { env: { mem } } })`. The native side counts references, so the memory
// outlives the instance that defined it while an importer or this handle holds it.
import { z } from 'zod';
import type { NativeMemoryHandle } from '../native/addon.js';
import { throughNative } from '../native/native-errors.js';
import { RuntimeConfigError } from '../runtime/errors.js';
import type { CallGate } from '../runtime/call-gate.js';
import type { WasmMemory } from './schemas.js';

const WASM_PAGE = 65536;

const memoryKindSchema = z
  .object({
    pages: z.number().int().nonnegative(),
    declaredMax: z.number().int().nonnegative().nullish(),
    memory64: z.boolean(),
    guardBytes: z.number().int().nonnegative().nullish(),
    maxPages: z.number().int().nonnegative(),
  })
  .strict();

/** A memory's type as an import is checked against it (Wasmtime's `MemoryType`). */
export interface MemoryType {
  /** Current size in pages (Wasmtime compares an import's minimum with it). */
  readonly minimum: number;
  /** The maximum the defining module declared, if any. */
  readonly maximum: number | null;
  readonly memory64: boolean;
  /** Always false: shared memories (threads) are refused by the front end. */
  readonly shared: boolean;
}

export class Memory {
  readonly #handle: NativeMemoryHandle;
  /** The group of instances using this memory; calls into them are serialised. */
  readonly gate: CallGate;

  /** Use `WasmInstance.memory(name)`. */
  constructor(handle: NativeMemoryHandle, gate: CallGate) {
    this.#handle = handle;
    this.gate = gate;
  }

  /** The id the addon's instantiation takes. */
  get id(): number {
    return z.number().int().positive().parse(throughNative(() => this.#handle.id));
  }

  /** Current size in bytes (a grow by any instance using it shows at once). */
  get byteLength(): number {
    return z.number().int().nonnegative().parse(throughNative(() => this.#handle.byteLength));
  }

  get type(): MemoryType {
    const k = memoryKindSchema.parse(throughNative(() => this.#handle.kind()));
    return { minimum: k.pages, maximum: k.declaredMax ?? null, memory64: k.memory64, shared: false };
  }

  /** Whether this memory satisfies an import of type `expected`; throws Wasmtime's message if not. */
  checkImport(expected: WasmMemory, name: string): void {
    const actual = this.type;
    const fail = (why: string) => new RuntimeConfigError(`incompatible import type for \`${name}\`: memory types incompatible: ${why}`);
    const kind = (shared: boolean) => (shared ? 'shared' : 'non-shared');
    if (expected.shared !== actual.shared) throw fail(`expected ${kind(expected.shared)} memory, found ${kind(actual.shared)} memory`);
    const index = (wide: boolean) => (wide ? '64-bit' : '32-bit');
    if (expected.memory64 !== actual.memory64) throw fail(`expected ${index(expected.memory64)} memory, found ${index(actual.memory64)} memory`);
    const fits =
      expected.minPages <= actual.minimum && (expected.maxPages === null || (actual.maximum !== null && actual.maximum <= expected.maxPages));
    if (!fits) {
      const limits = (min: number, max: number | null) => `min: ${min}, max: ${max ?? 'none'}`;
      throw fail(`expected memory limits (${limits(expected.minPages, expected.maxPages)}) doesn't match provided memory limits (${limits(actual.minimum, actual.maximum)})`);
    }
  }

  /** Pages in `byteLength`. */
  get pages(): number {
    return this.byteLength / WASM_PAGE;
  }
}
