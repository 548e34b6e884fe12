// WASI preview1 subset for running C programs on slackfuel's runtime.
export { WasiExit, WasiExitStatusError, WasiHost, type BenchMarks, type WasiMemory, type WasiOptions } from './host.js';
export { runWasi, runWasiOptionsSchema, TRAP_EXIT_CODE, type RunWasiOptions, type WasiRunReport } from './run.js';
export { ERRNO, FILETYPE } from './errno.js';
