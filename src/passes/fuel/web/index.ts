// Recognition of the fuel web in Wasmtime-shaped CLIF, and the counter-location presets.
export {
  AUTO_PRESET_ORDER,
  FUEL_PRESETS,
  fuelLocationOptionSchema,
  fuelLocationOfLayout,
  fuelLocationSchema,
  locationsFor,
  SLACKFUEL_FUEL_ABI,
  WASMTIME_2022,
  WASMTIME_2026,
  type FuelLocation,
  type FuelLocationOption,
} from './presets.js';
export { FuelWebError } from './errors.js';
export {
  calleeConvention,
  calleeName,
  calleeOptionsShape,
  DEFAULT_CALLEE_OPTIONS,
  type CalleeConvention,
  type CalleeOptions,
} from './callees.js';
export { checkContext, findPinnedChecks, matchFuelCompare, recognizeCheck, type CheckContext, type FuelCheck, type FuelCompare } from './checks.js';
export { recognizeFuelWeb, type FuelCall, type FuelIncrement, type FuelParam, type FuelWeb } from './web.js';
export { findFuelWeb, type FindFuelWebOptions } from './find.js';
export { formatCharge, fuelCharges, type BlockCharge, type FuelCharges } from './charges.js';
export {
  constantDef,
  definingInst,
  findPinnedIncrements,
  isCounterArithmetic,
  isCounterFlush,
  isPinnedAccess,
  isPinnedRead,
  matchCounterAdd,
  pinnedIncrementAt,
  readsPinnedRegister,
  type CounterAdd,
  type CounterAddProblem,
  type IncrementAmount,
  type PinnedIncrement,
} from './shapes.js';
