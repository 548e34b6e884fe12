// The Wasmtime reference runner in batch mode (peers/wasmtime-runner, `batch`): one process for
// the whole fuzzing run, one JSON request and one JSON answer per line.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { fromRunner, numericTypeSchema, runnerCallSchema, type Outcome } from './outcome.js';

export const DEFAULT_RUNNER = new URL('../../peers/wasmtime-runner/target/release/wasmtime-runner', import.meta.url).pathname;

/**
 * Bytes of linear memory a call may have on both sides (Wasmtime's StoreLimits, our
 * maxMemoryBytes). 4 GiB leaves every 32-bit memory alone and stops a 64-bit memory that
 * declares no maximum from doubling until the machine runs out (Wasmtime copies it to grow it:
 * seed 65031 took 24 GB before the OOM killer stopped the runner).
 */
export const FUZZ_MAX_MEMORY_BYTES = 2 ** 32;

const exportsSchema = z.union([
  z.object({ error: z.string() }),
  z.object({
    exports: z.array(z.object({ name: z.string(), params: z.array(z.string()), results: z.array(z.string()) })),
    imports: z.number().int(),
  }),
]);

export interface ExportedFunction {
  readonly name: string;
  readonly params: readonly z.infer<typeof numericTypeSchema>[];
  readonly results: readonly z.infer<typeof numericTypeSchema>[];
}

export class WasmtimeBatch {
  readonly #argv: readonly string[];
  readonly #runner: string;
  #child!: ChildProcessWithoutNullStreams;
  #waiting: ((line: string) => void)[] = [];
  #exited: string | null = null;
  /** Runners started after one died: a module that kills the runner costs its own calls only. */
  restarts = 0;

  constructor(runner: string = DEFAULT_RUNNER, fuelCostsFile?: string) {
    this.#runner = runner;
    this.#argv = ['batch', '--max-memory-bytes', String(FUZZ_MAX_MEMORY_BYTES), ...(fuelCostsFile === undefined ? [] : ['--fuel-costs', fuelCostsFile])];
    this.#start();
  }

  #start(): void {
    const child = spawn(this.#runner, this.#argv, { stdio: 'pipe' });
    const waiting: ((line: string) => void)[] = [];
    this.#child = child;
    this.#waiting = waiting;
    this.#exited = null;
    child.stderr.on('data', (d: Buffer) => process.stderr.write(`wasmtime-runner: ${d.toString()}`));
    createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(line));
    // A runner that dies (or cannot start) answers every pending request with the reason, so
    // no caller waits forever; the next request starts a new one.
    const fail = (reason: string) => {
      if (this.#child === child) this.#exited = reason;
      for (const w of waiting.splice(0)) w(JSON.stringify({ error: reason }));
    };
    child.on('exit', (code, signal) => fail(`the runner exited (${code ?? signal})`));
    child.on('error', (e) => fail(`the runner failed: ${e.message}`));
  }

  #ask(request: object): Promise<unknown> {
    if (this.#exited !== null) {
      // Only a runner that ran before is restarted: one that cannot start says so every time.
      if (this.#exited.startsWith('the runner failed')) return Promise.resolve({ error: this.#exited });
      this.restarts++;
      this.#start();
    }
    return new Promise((resolve) => {
      this.#waiting.push((line) => {
        try {
          resolve(JSON.parse(line));
        } catch {
          resolve({ error: `unreadable answer: ${line}` });
        }
      });
      this.#child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** The module's exported functions whose signatures are numeric, or the reason it was refused. */
  async exports(module: string): Promise<{ functions: ExportedFunction[]; skipped: number } | { error: string }> {
    const answer = exportsSchema.parse(await this.#ask({ op: 'exports', module }));
    if ('error' in answer) return answer;
    const functions: ExportedFunction[] = [];
    let skipped = 0;
    for (const e of answer.exports) {
      const params = z.array(numericTypeSchema).safeParse(e.params);
      const results = z.array(numericTypeSchema).safeParse(e.results);
      if (params.success && results.success) functions.push({ name: e.name, params: params.data, results: results.data });
      else skipped++;
    }
    return { functions, skipped };
  }

  /** One call on a fresh instance: `fuel` null runs without metering. */
  async call(module: string, name: string, args: readonly string[], fuel: number | null): Promise<Outcome> {
    return (await this.callWithInstantiation(module, name, args, fuel)).outcome;
  }

  /** `call`, also reporting the fuel Wasmtime charged to instantiate (0 without fuel). */
  async callWithInstantiation(module: string, name: string, args: readonly string[], fuel: number | null): Promise<{ outcome: Outcome; instantiateFuel: number }> {
    const answer = runnerCallSchema.parse(await this.#ask({ op: 'call', module, name, args, mode: fuel === null ? 'none' : 'fuel', ...(fuel === null ? {} : { fuel }) }));
    return { outcome: fromRunner(answer), instantiateFuel: 'error' in answer ? 0 : (answer.instantiateFuel ?? 0) };
  }

  close(): void {
    this.#child.stdin.end();
  }
}
