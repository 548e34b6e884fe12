// The pinned-register fuel ABI: register per ISA, vmctx layout, trap codes, trampolines, builtins.
export { headersForFunctions, usesPinnedRegister } from './file-headers.js';
export { FUEL_ABI_FLAGS, PINNED_REGISTER, pinnedIsaSchema, pinnedRegister, type PinnedIsa } from './isa.js';
export { DEFAULT_VMCTX_LAYOUT, layoutJson, vmctxLayoutSchema, type VmctxLayout } from './vmctx-layout.js';
export { HOST_FAILED_TRAP, OUT_OF_FUEL_TRAP } from './trap-codes.js';
export {
  fuelConventionSchema,
  HOST_SLOT_BYTES,
  hostToWasmTrampoline,
  slotTypeSchema,
  wasmToHostTrampoline,
  type FuelConvention,
  type HostToWasmOptions,
  type SlotType,
  type WasmToHostOptions,
} from './trampolines.js';
export {
  NEW_EPOCH_BUILTIN,
  NEW_EPOCH_SIGNATURE,
  newEpochBuiltin,
  OUT_OF_GAS_BUILTIN,
  OUT_OF_GAS_SIGNATURE,
  outOfGasBuiltin,
} from './builtins.js';
export {
  DEFAULT_WASM_VMCTX_LAYOUT,
  WASM_RUNTIME_SLOTS,
  wasmRecordsLayoutSchema,
  wasmVmctxLayoutSchema,
  type WasmVmctxLayout,
} from './wasm-layout.js';
