// Fuel increment placement on an abstract model (see model.ts and docs/analysis.md).
export {
  FuelModelError,
  validateFuelModel,
  type BlockEnd,
  type Boundary,
  type FuelBlock,
  type FuelModel,
  type FuelSegment,
  type Placement,
  type Site,
} from './model.js';
export { buildChargeGraph, type ChargeGraph, type Step } from './charge-graph.js';
export {
  edgeIsFolded,
  originalPlacement,
  placeIncrements,
  placementOptionsSchema,
  type FrequencySource,
  type PlacementOptions,
} from './place.js';
export { checkPlacement, type CheckResult, type NegativeIncrement, type PathMismatch, type PathStep } from './check.js';
export { countIncrements, placementStats, type PlacementCounts, type PlacementStats } from './stats.js';
export { PotentialSystem } from './potentials.js';
