// fuel-place's CLIF side: the pinned-form scan, the FuelModel adapter, writing a placement back,
// edge profiles and statistics.
export { FuelPlaceError } from './errors.js';
export { CONDITIONAL_TRAPS, scanPinned, type PinnedIncrementSite, type PinnedScan, type ScannedBlock, type ScannedSegment } from './scan.js';
export { buildPinnedFuelModel, type PinnedFuelModel } from './model.js';
export { applyPlacement, type AppliedPlacement } from './apply.js';
export { edgeKeyBlocks, edgeProfile, edgeProfileFileSchema, functionProfileSchema, loadProfile, profileFor, profileOptionSchema, type EdgeProfileFile, type FunctionProfile, type ProfileOption } from './profile.js';
export { placeByProfile } from './profile-pipeline.js';
export { placeStats, type PlaceStats } from './stats.js';
export { placeFuel, type PlaceFuelOptions, type PlaceFuelResult } from './place-fuel.js';
