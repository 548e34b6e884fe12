// The fuel equivalence checker (docs/check-fuel.md).
export { checkFuel } from './check-fuel.js';
export { formatCounterexample, formatDiagnostic, formatFuelCheck } from './format.js';
export { detectCounterLocation, FuelView, FunctionScan, type CounterLocation, type FuelCheck, type Increment, type Side } from './fuel-view.js';
export {
  checkFuelOptionsSchema,
  FuelCheckDiagnostic,
  type CheckFuelOptions,
  type FuelCheckResult,
  type FuelCheckStats,
  type FuelCounterexample,
  type FuelDiagnostic,
  type FuelForm,
  type FuelSideStats,
  type NegativeIncrementCounterexample,
  type PathCounterexample,
  type Site,
} from './types.js';
