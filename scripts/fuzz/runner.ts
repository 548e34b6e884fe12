// The Wasmtime reference runner in batch mode (peers/wasmtime-runner, `batch`): one process for
// the whole fuzzing run, one JSON request and one JSON answer per line.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { fromRunner, numericTypeSchema, runnerCallSchema, type Outcome } from './outcome.js';

export const DEFAULT_RUNNER = new URL('../../peers/wasmtime-runner/target/release/wasmtime-runner', import.meta.url).pathname;

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
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting: ((line: string) => void)[] = [];
  #exited: string | null = null;

  constructor(runner: string = DEFAULT_RUNNER, fuelCostsFile?: string) {
    this.#child = spawn(runner, ['batch', ...(fuelCostsFile === undefined ? [] : ['--fuel-costs', fuelCostsFile])], { stdio: 'pipe' });
    this.#child.stderr.on('data', (d: Buffer) => process.stderr.write(`wasmtime-runner: ${d.toString()}`));
    createInterface({ input: this.#child.stdout }).on('line', (line) => this.#waiting.shift()?.(line));
    this.#child.on('exit', (code, signal) => {
      this.#exited = `the runner exited (${code ?? signal})`;
      for (const w of this.#waiting.splice(0)) w(JSON.stringify({ error: this.#exited }));
    });
    this.#child.on('error', (e) => {
      // A runner that cannot start (or dies this way) answers every pending request with the
      // reason, so no caller waits forever.
      this.#exited = `the runner failed: ${e.message}`;
      for (const w of this.#waiting.splice(0)) w(JSON.stringify({ error: this.#exited }));
    });
  }

  #ask(request: object): Promise<unknown> {
    if (this.#exited !== null) return Promise.resolve({ error: this.#exited });
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
