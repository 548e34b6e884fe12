// Runs a pass pipeline over many functions on worker threads. Functions are independent, so
// each worker parses, runs and prints its share; results come back in input order, so the
// output is the serial output byte for byte. Texts go in and out (a structured clone of a
// Function would cost as much as printing it). Tasks go out in input order: sending the
// largest functions first made each worker run them before V8 had optimised the passes, which
// cost more (2 s of CPU on 20 MB of CLIF) than a large function finishing last alone.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { replySchema, type Task, type TextResult, type WorkerSetup } from './protocol.js';

/**
 * Below this much CLIF the workers cost more than they save: each starts a fresh isolate
 * (~0.2-0.4 s) whose passes run unoptimised until V8 has compiled them again (~0.5 s), which
 * is about what the whole pipeline takes on a few MB of CLIF (docs/results.md, issue 16).
 */
export const PARALLEL_THRESHOLD_CHARS = 16 << 20;

/** Small functions travel together, up to this many characters per task. */
const TASK_CHARS = 256 * 1024;

export const jobsSchema = z.number().int().min(1).max(256);

/** The default pool size: one worker per core the process may use. */
export function defaultJobs(): number {
  return Math.max(1, Math.min(256, availableParallelism()));
}

/**
 * How many workers to use for `chars` characters of CLIF: `jobs` when given (1 = serial),
 * otherwise every core when the text is above the threshold.
 */
export function jobsFor(chars: number, jobs?: number): number {
  if (jobs !== undefined) return jobsSchema.parse(jobs);
  return chars >= PARALLEL_THRESHOLD_CHARS ? defaultJobs() : 1;
}

export class PipelineWorkerError extends Error {
  override readonly name = 'PipelineWorkerError';
}

/**
 * The passes allocate many short-lived objects; a larger young generation than V8's default
 * lets more of them die before a scavenge (on one thread, --max-semi-space-size=32 saved
 * ~9 % of the CPU time of `opt` over the built-in suite's CLIF).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 96 };

/**
 * Starts one worker. Built, the worker is JavaScript next to this file; under tsx (tests,
 * `npm run slackfuel`) it is TypeScript, and a worker does not inherit tsx's loader, so a
 * small bootstrap registers it first.
 */
function startWorker(setup: WorkerSetup): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./pipeline-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(bootstrap, { eval: true, workerData: setup, resourceLimits: WORKER_LIMITS });
  }
  return new Worker(new URL('./pipeline-worker.js', import.meta.url), { workerData: setup, resourceLimits: WORKER_LIMITS });
}

/** Groups consecutive texts into tasks, in input order. */
function makeTasks(texts: readonly string[], headers: string, firstId: number): Array<{ task: Task; first: number; chars: number }> {
  const tasks: Array<{ task: Task; first: number; chars: number }> = [];
  let current: string[] = [];
  let first = 0;
  let chars = 0;
  const flush = (next: number) => {
    if (current.length > 0) tasks.push({ task: { id: firstId + tasks.length, headers, texts: current }, first, chars });
    current = [];
    first = next;
    chars = 0;
  };
  texts.forEach((text, i) => {
    if (chars > 0 && chars + text.length > TASK_CHARS) flush(i);
    current.push(text);
    chars += text.length;
  });
  flush(texts.length);
  return tasks;
}

/**
 * Worker threads that run one pipeline (a registered-pass pipeline string). They start on the
 * first `run` and stay until `close`, so several files share their start-up.
 */
export class PipelinePool {
  readonly #pipeline: string;
  readonly #jobs: number;
  #workers: Worker[] = [];
  #nextId = 0;
  #busy = false;

  constructor(pipeline: string, jobs: number) {
    this.#pipeline = pipeline;
    this.#jobs = jobsSchema.parse(jobs);
  }

  /**
   * Runs the pipeline on every function of every text; `headers` (a file's `set`/`target`
   * lines) is parsed before each text. Results are in the order of `texts`.
   */
  async run(texts: readonly string[], headers = ''): Promise<TextResult[]> {
    if (this.#busy) throw new PipelineWorkerError('a PipelinePool runs one batch at a time');
    this.#busy = true;
    try {
      return await this.#run(texts, headers);
    } finally {
      this.#busy = false;
    }
  }

  async close(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #start(): Worker {
    const worker = startWorker({ pipeline: this.#pipeline });
    // Between batches nobody else listens: an error must not crash the process, and a worker
    // that has exited leaves the pool (the next batch starts a new one).
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      this.#workers = this.#workers.filter((w) => w !== worker);
    });
    return worker;
  }

  async #run(texts: readonly string[], headers: string): Promise<TextResult[]> {
    const tasks = makeTasks(texts, headers, this.#nextId);
    this.#nextId += tasks.length;
    const results = new Array<TextResult | undefined>(texts.length);
    while (this.#workers.length < Math.min(this.#jobs, tasks.length)) this.#workers.push(this.#start());
    const workers = this.#workers.slice(0, Math.min(this.#jobs, tasks.length));
    const listeners: Array<() => void> = [];
    try {
      await new Promise<void>((resolve, reject) => {
        let next = 0;
        let pending = tasks.length;
        if (pending === 0) resolve();
        const byId = new Map(tasks.map((t) => [t.task.id, t]));
        const feed = (worker: Worker) => {
          if (next < tasks.length) worker.postMessage(tasks[next++]!.task);
        };
        for (const worker of workers) {
          const onMessage = (message: unknown) => {
            const reply = replySchema.safeParse(message);
            const task = reply.success ? byId.get(reply.data.id) : undefined;
            if (!reply.success || task === undefined || reply.data.results.length !== task.task.texts.length) {
              reject(new PipelineWorkerError('a pipeline worker sent a malformed reply'));
              return;
            }
            reply.data.results.forEach((r, i) => (results[task.first + i] = r));
            if (--pending === 0) resolve();
            else feed(worker);
          };
          const onError = (error: Error) => reject(new PipelineWorkerError(`a pipeline worker failed: ${error.message}`, { cause: error }));
          const onExit = (code: number) => reject(new PipelineWorkerError(`a pipeline worker exited (code ${code}) with work pending`));
          worker.on('message', onMessage).on('error', onError).on('exit', onExit);
          listeners.push(() => worker.off('message', onMessage).off('error', onError).off('exit', onExit));
          feed(worker);
        }
      });
    } catch (error) {
      // A worker in an unknown state is not reused.
      await this.close();
      throw error;
    } finally {
      for (const detach of listeners) detach();
    }
    return results.map((r) => {
      if (r === undefined) throw new PipelineWorkerError('a pipeline worker left a function out');
      return r;
    });
  }
}

/** One batch on a pool of its own (started and closed here). */
export async function runPipelineOnTexts(texts: readonly string[], pipeline: string, jobs: number, headers = ''): Promise<TextResult[]> {
  const pool = new PipelinePool(pipeline, jobs);
  try {
    return await pool.run(texts, headers);
  } finally {
    await pool.close();
  }
}
