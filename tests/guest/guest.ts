// What the attack files share: compiling a WAT guest in a mode, running it with a deadline, and
// checking how the call ended.
import { parse as parseWat } from '@bytecodealliance/jco';
import type { MeteringMode } from '../../src/runtime/metering.js';
import { compileWasm, type WasmInstance, type WasmInstantiateOptions } from '../../src/wasm/index.js';

const modules = new Map<string, Promise<Uint8Array>>();

/** The binary of a WAT text (assembled once per text). */
export function wasmOf(wat: string): Promise<Uint8Array> {
  let bytes = modules.get(wat);
  if (bytes === undefined) modules.set(wat, (bytes = parseWat(wat)));
  return bytes;
}

/** Instantiates `wat` in `mode`, runs `body`, and always disposes the instance. */
export async function withGuest<T>(wat: string, mode: MeteringMode, options: Omit<WasmInstantiateOptions, 'metering'>, body: (instance: WasmInstance) => Promise<T>): Promise<T> {
  const module = await compileWasm(await wasmOf(wat), mode);
  const instance = await module.instantiate(options);
  try {
    return await body(instance);
  } finally {
    instance.dispose();
  }
}

/** How a promise ended, within `ms` milliseconds ('hang' if it did not). */
export async function settle<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: unknown } | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), ms)));
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Throws unless the call ended with an error of class `kind` (and, given, `check(error)`). */
export async function expectError<E>(what: string, promise: Promise<unknown>, kind: abstract new (...args: never[]) => E, ms: number, check?: (error: E) => string | null): Promise<E> {
  const outcome = await settle(promise, ms);
  if (outcome === 'hang') throw new Error(`${what}: still running after ${ms} ms`);
  if (!('error' in outcome)) throw new Error(`${what}: returned ${JSON.stringify(outcome.value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}, expected ${kind.name}`);
  if (!(outcome.error instanceof kind)) throw new Error(`${what}: ended with ${String(outcome.error)}, expected ${kind.name}`);
  const problem = check?.(outcome.error) ?? null;
  if (problem !== null) throw new Error(`${what}: ${problem}`);
  return outcome.error;
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The modes that account fuel and take a budget. */
export const BUDGET_MODES = ['vanilla', 'slacked'] as const satisfies readonly MeteringMode[];
