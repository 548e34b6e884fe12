// The vmctx layout of translated wasm modules: the runtime's layout (./vmctx-layout.ts) plus the
// records only wasm code needs (tables, imported functions, func-refs, globals, stack limit).
// This is what the wasm front end receives, so the offsets live here and nowhere else.
import { z } from 'zod';
import { DEFAULT_VMCTX_LAYOUT, vmctxLayoutSchema } from './vmctx-layout.js';

const offset = z.number().int().nonnegative().multipleOf(8);

export const wasmRecordsLayoutSchema = z
  .object({
    /** store context field: the stack limit `stack_limit` compares against (0: no limit). */
    stackLimit: offset,
    /** vmctx field: pointer to the memory records, one per memory index (memory 0 is also at
     * memoryBase/memoryBound, one load closer; the runtime keeps both current). */
    memoriesPointer: offset,
    /** memory record: size, base address, current length in bytes (i64). */
    memoryStride: offset,
    memoryRecordBase: offset,
    memoryRecordLength: offset,
    /** vmctx field: pointer to the table records. */
    tablesPointer: offset,
    /** table record: size, element array address, element count (i64). */
    tableStride: offset,
    tableBase: offset,
    tableLength: offset,
    /** vmctx field: pointer to the imported-function records. */
    importedFunctionsPointer: offset,
    /** imported-function record: size, code pointer, callee vmctx. */
    importedFunctionStride: offset,
    importedFunctionCode: offset,
    importedFunctionVmctx: offset,
    /** vmctx field: pointer to the func-ref records, one per function index. */
    funcRefsPointer: offset,
    /** func-ref record: size, code pointer, vmctx, u32 canonical type id. */
    funcRefStride: offset,
    funcRefCode: offset,
    funcRefVmctx: offset,
    funcRefTypeId: offset,
    /** vmctx field: pointer to the u32 type ids the runtime gave the module's types in its
     *  store, one per type index (call_indirect compares a func-ref's id with one of them). */
    typeIdsPointer: offset,
    /** vmctx offset of the globals area (8 bytes per global); it follows the fixed part. */
    globals: offset,
  })
  .strict();

export const wasmVmctxLayoutSchema = z.object({ ...vmctxLayoutSchema.shape, ...wasmRecordsLayoutSchema.shape }).strict();
export type WasmVmctxLayout = z.infer<typeof wasmVmctxLayoutSchema>;

/** The layout translated wasm code is compiled against; it extends DEFAULT_VMCTX_LAYOUT. */
export const DEFAULT_WASM_VMCTX_LAYOUT: WasmVmctxLayout = Object.freeze(
  wasmVmctxLayoutSchema.parse({
    ...DEFAULT_VMCTX_LAYOUT,
    stackLimit: 16,
    memoriesPointer: 96,
    memoryStride: 16,
    memoryRecordBase: 0,
    memoryRecordLength: 8,
    tablesPointer: 48,
    tableStride: 16,
    tableBase: 0,
    tableLength: 8,
    importedFunctionsPointer: 56,
    importedFunctionStride: 16,
    importedFunctionCode: 0,
    importedFunctionVmctx: 8,
    funcRefsPointer: 64,
    funcRefStride: 24,
    funcRefCode: 0,
    funcRefVmctx: 8,
    funcRefTypeId: 16,
    typeIdsPointer: 104,
    globals: DEFAULT_VMCTX_LAYOUT.vmctxSize,
  }),
);

/**
 * vmctx slots only the runtime and its instrumentation use (translated wasm code never reads
 * them): the pointer to the native instance state, to the table of builtins 0–9 the builtin
 * shims call, and to the edge-profile counters of an instrumented build (src/passes/profile).
 */
export const WASM_RUNTIME_SLOTS = Object.freeze({ statePointer: 72, builtinsPointer: 80, profileCounters: 88 });
