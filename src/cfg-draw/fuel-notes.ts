// What the picture says about fuel, per block: computed by the fuel passes' public API
// (`fuelNotes` in src/passes/fuel/check/block-notes.ts), re-exported for the drawing's users.
export { fuelNotes, type BlockFuelNote, type FuelNotes } from '../passes/index.js';
