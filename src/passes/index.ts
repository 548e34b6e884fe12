// src/passes: the pass framework, the utility passes and the fuel passes.
export { CFG_CHANGED, CHANGED, definePass, UNCHANGED, type Pass, type PassContext, type PassResult } from './pass.js';
export {
  configurePass,
  describeOptions,
  parsePipeline,
  PassManager,
  PassOptionsError,
  PassRunError,
  PipelineError,
  PipelineSyntaxError,
  UnknownPassError,
  type ConfiguredPass,
  type FunctionRunResult,
  type PassRunRecord,
  type PassSpec,
  type PassWithOptions,
  type PipelineStep,
  type RunOptions,
} from './pass-manager.js';
export { BUILTIN_PASSES, createRegistry, defaultRegistry, loadOptionalPasses, OPTIONAL_PASSES, PassRegistry } from './registry.js';
export { blockSuccessors, functionFlowGraph } from './flow-graph.js';
export { removeUnreachableBlocks, removeUnreachablePass } from './utility/remove-unreachable.js';
export { deadCodePass } from './utility/dead-code.js';
export { mergeBlocks, mergeBlocksPass } from './utility/merge-blocks.js';
export { removeUnusedDeclarations } from './utility/declarations.js';
export { describeInst, hasSideEffects, reachableBlocks, removeDeadInstructions, valueUseCounts } from './utility/ir-utils.js';
export { fuelPinnedOptionsSchema, fuelPinnedPass, rewriteToPinned, type FuelPinnedOptions, type PinnedRewrite } from './fuel/fuel-pinned.js';
export { dropFuelChecks, fuelDropChecksOptionsSchema, fuelDropChecksPass, type DroppedChecks } from './fuel/fuel-drop-checks.js';
export * from './fuel/web/index.js';
export { fuelNotes, type BlockFuelNote, type FuelNotes } from './fuel/check/block-notes.js';
export { fuelPlacePass, fuelPlaceOptionsSchema, type FuelPlaceOptions } from './fuel/fuel-place.js';
export { fuelCountedLoopsPass, fuelCountedLoopsOptionsSchema, type FuelCountedLoopsOptions } from './fuel/fuel-counted-loops.js';
export { findCountedLoops, type CountedLoop, type CountedLoopSearch, type LoopBound, type Rejection as CountedLoopRejection } from './fuel/counted/find.js';
export { prepayLimit, stepShift, tripCount } from './fuel/counted/trip-count.js';
export { placeFuel, FuelPlaceError } from './fuel/placement-clif/index.js';
export {
  edgeCounterOptionsSchema,
  edgeProfileFromCounts,
  instrumentEdgeCounters,
  type EdgeCounterMap,
  type EdgeCounterOptions,
  type FunctionCounters,
} from './profile/edge-counters.js';
export { edgeProfileFileSchema, loadProfile, type EdgeProfileFile, type FunctionProfile } from './fuel/placement-clif/profile.js';
export { placeByProfile } from './fuel/placement-clif/profile-pipeline.js';
