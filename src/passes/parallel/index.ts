// Running a pipeline over functions on worker threads (see pool.ts).
export { defaultJobs, jobsFor, jobsSchema, PARALLEL_THRESHOLD_CHARS, PipelinePool, PipelineWorkerError, runPipelineOnTexts } from './pool.js';
export type { FunctionResult, TextResult } from './protocol.js';
export { splitFunctions } from './split.js';
