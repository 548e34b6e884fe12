// Running metered CLIF: Engine → Module → Instance, metering modes, the asynchronous checker.
export { Engine, compileOptionsSchema, engineOptionsSchema, type CompileOptions, type EngineOptions } from './engine.js';
export { Module, instantiateOptionsSchema, type InstantiateOptions } from './module.js';
export { Instance, callOptionsSchema, type CallOptions, type CallResult, type HostFunction } from './instance.js';
export { Store } from './store.js';
export { AsyncFuelChecker, checkIntervalSchema } from './checker.js';
export { accountsFuel, applyPipeline, defaultPipeline, fuelConvention, METERING_MODES, meteringModeSchema, PINNED_FUEL_PIPELINE, SLACKED_FUEL_PIPELINE, UNCOUNTED_FUEL_PIPELINE, type MeteringMode } from './metering.js';
export { assemble, type Assembled, type WasmExport, type WasmImport } from './assemble.js';
export { OutOfFuel, RuntimeConfigError, type OutOfFuelDetection } from './errors.js';
export { compareModes, median, type CompareOptions, type ModeRow } from './compare-modes.js';
