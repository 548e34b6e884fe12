// The vmctx layout the runtime uses, as data. The native addon receives it as JSON and never
// declares offsets of its own; the trampolines and the epoch pass read their offsets from here.
//
// Compatible with Wasmtime (2026) where that costs nothing: the fuel counter is the first i64 of
// a store context whose pointer sits at vmctx+8, and the epoch deadline follows it.
import { z } from 'zod';

const offset = z.number().int().nonnegative().multipleOf(8);

export const vmctxLayoutSchema = z
  .object({
    /** Bytes of the vmctx; everything past the last field is room to grow. */
    vmctxSize: z.number().int().positive().multipleOf(16),
    /** Bytes of the store context. */
    storeContextSize: z.number().int().positive().multipleOf(16),
    /** vmctx field: pointer to the store context. */
    storeContextPointer: offset,
    /** vmctx field: pointer to the engine's epoch counter (an i64). */
    epochCounterPointer: offset,
    /** vmctx fields: linear memory base address and size in bytes. */
    memoryBase: offset,
    memoryBound: offset,
    /** vmctx field: address of the native host-call dispatcher (C calling convention). */
    hostDispatch: offset,
    /** store context field: the fuel counter (negative while fuel remains). */
    fuelConsumed: offset,
    /** store context field: the epoch deadline (an unsigned i64). */
    epochDeadline: offset,
  })
  .strict()
  .superRefine((l, ctx) => {
    const vm = [l.storeContextPointer, l.epochCounterPointer, l.memoryBase, l.memoryBound, l.hostDispatch];
    if (vm.some((o) => o + 8 > l.vmctxSize)) ctx.addIssue({ code: 'custom', message: 'a vmctx field lies outside vmctxSize' });
    if (new Set(vm).size !== vm.length) ctx.addIssue({ code: 'custom', message: 'two vmctx fields overlap' });
    const store = [l.fuelConsumed, l.epochDeadline];
    if (store.some((o) => o + 8 > l.storeContextSize)) ctx.addIssue({ code: 'custom', message: 'a store context field lies outside storeContextSize' });
    if (new Set(store).size !== store.length) ctx.addIssue({ code: 'custom', message: 'two store context fields overlap' });
  });
export type VmctxLayout = z.infer<typeof vmctxLayoutSchema>;

/** The layout slackfuel's runtime uses. vmctx+0 is reserved (Wasmtime keeps a magic number there). */
export const DEFAULT_VMCTX_LAYOUT: VmctxLayout = Object.freeze(
  vmctxLayoutSchema.parse({
    vmctxSize: 128,
    storeContextSize: 64,
    storeContextPointer: 8,
    epochCounterPointer: 16,
    memoryBase: 24,
    memoryBound: 32,
    hostDispatch: 40,
    fuelConsumed: 0,
    epochDeadline: 8,
  }),
);

/** The layout as the native addon takes it. */
export function layoutJson(layout: VmctxLayout = DEFAULT_VMCTX_LAYOUT): string {
  return JSON.stringify(vmctxLayoutSchema.parse(layout));
}
