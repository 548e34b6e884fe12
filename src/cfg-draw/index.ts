// Pictures of a function's CFG with fuel marked (`slackfuel cfg`).
export { cfgToDot, type DotOptions } from './dot.js';
export { dotToSvg } from './svg.js';
export { fuelNotes, type BlockFuelNote, type FuelNotes } from './fuel-notes.js';
