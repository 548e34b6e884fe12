// The WebAssembly front end: wasm modules to Wasmtime-shaped CLIF, and running them.
export { translate, clifText, translateOptionsSchema, type TranslateOptions } from './translate.js';
export * from './schemas.js';
export { fuelCostsSchema, loadFuelCosts, VARIABLE_COST_NAMES, type FuelCosts } from './fuel-costs.js';
export { compileWasm, WasmInstance, WasmModule, wasmInstantiateOptionsSchema, type CompileWasmOptions, type WasmCallResult, type WasmImports, type WasmInstantiateOptions } from './instance.js';
export { Memory, type MemoryType } from './memory.js';
export { WasmFunction } from './wasm-function.js';
export { Table } from './table.js';
export { Global } from './global.js';
export { WasmTrap, wasmTrapKind, asWasmTrap, type WasmTrapKind } from './trap-kinds.js';
export { CompileCache, defaultCacheDir, type CacheEntry, type CacheKeyParts } from './compile-cache.js';
