// slackfuel's public API.
export * from './ir/index.js';
export * from './native/index.js';
export * from './runtime/errors.js';
export * from './abi/index.js';
export {
  AsyncFuelChecker,
  Engine,
  Instance,
  Module,
  METERING_MODES,
  meteringModeSchema,
  type CallOptions,
  type CallResult,
  type CompileOptions as RuntimeCompileOptions,
  type EngineOptions,
  type HostFunction,
  type InstantiateOptions,
  type MeteringMode,
} from './runtime/index.js';
export { fuelStripPass, stripFuel } from './passes/fuel/fuel-strip.js';
export { epochInsertPass, insertEpochChecks } from './passes/epoch/index.js';
export * from './passes/index.js';
export {
  checkFuel,
  formatFuelCheck,
  formatCounterexample,
  type CheckFuelOptions,
  type FuelCheckResult,
  type FuelCounterexample,
} from './passes/fuel/check/index.js';
export { cfgToDot, dotToSvg } from './cfg-draw/index.js';
export {
  buildControlFlow,
  buildDominatorTree,
  buildPostDominatorTree,
  buildLoopForest,
  estimateFrequencies,
  AnalysisCache,
  type FlowGraph,
} from './analysis/index.js';
export { placeIncrements, checkPlacement, placementStats, type FuelModel, type Placement } from './passes/fuel/placement/index.js';
export * from './wasm/index.js';
export * from './wasi/index.js';
