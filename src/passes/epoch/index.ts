// Epoch interruption (Wasmtime's scheme), for comparing metering costs.
export { epochInsertOptionsSchema, epochInsertPass, insertEpochChecks, type EpochInsertOptions } from './epoch-insert.js';
