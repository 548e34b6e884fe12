// Typed access to the addon's instances: a JIT module running on a thread the addon owns, driven
// in steps (call → host requests answered with resume → end), and its fuel checker.
import { z } from 'zod';
import { addon, type NativeFuelChecker, type NativeInstanceHandle, type NativeMemoryHandle } from './addon.js';
import { decodeNativeError, throughNative } from './native-errors.js';
import { jitFunctionsSchema } from './schemas.js';
import { toNativeSettings, type Settings } from './settings.js';
import { NativePanic, type SlackfuelError } from './errors.js';

const bytes = z.instanceof(Uint8Array);
const waitMicrosSchema = z.number().int().min(0).max(10_000);
const optional = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

/** One step of a call, validated. */
export const callStepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('returned'), slots: bytes, fuelCounter: z.number() }),
  z.object({ kind: z.literal('host'), slots: bytes, hostIndex: z.number().int().nonnegative(), hostMember: z.number().int().nonnegative() }),
  z.object({
    kind: z.literal('trapped'),
    fuelCounter: z.number(),
    pinned: z.number(),
    interrupted: z.boolean(),
    trapCode: optional(z.string()),
    error: z.string(),
  }),
  z.object({ kind: z.literal('failed'), error: z.string() }),
]);
export type CallStep = z.infer<typeof callStepSchema>;

export interface NativeInstanceOptions {
  readonly flags?: Settings;
  /** JSON the addon parses: layout, metered functions, memory and stack sizes. */
  readonly options: string;
  /** Join the store of this instance (same wasm thread and store context) instead of founding one. */
  readonly store?: NativeInstance;
}

/** The typed error inside a step's `error` (a native error message). */
export function stepError(message: string): SlackfuelError {
  return decodeNativeError(new Error(message)) ?? new NativePanic(message);
}

export class NativeInstance {
  readonly functions: z.infer<typeof jitFunctionsSchema>;
  readonly #handle: NativeInstanceHandle;

  constructor(text: string, o: NativeInstanceOptions) {
    const settings = toNativeSettings(o.flags);
    this.#handle = throughNative(() => addon().instantiate(text, settings, o.options, o.store === undefined ? null : o.store.#handle));
    this.functions = jitFunctionsSchema.parse(this.#handle.functions());
    this.member = z.number().int().nonnegative().parse(this.#handle.member);
  }

  /** This instance's id in its store (a host step names the member whose import it calls). */
  readonly member: number;

  async call(index: number, args: Uint8Array, fuel: number | undefined): Promise<CallStep> {
    const raw = await throughNative(() => this.#handle.call(index, args, fuel ?? null));
    return callStepSchema.parse(raw);
  }

  async resume(slots: Uint8Array, failed: boolean): Promise<CallStep> {
    const raw = await throughNative(() => this.#handle.resume(slots, failed));
    return callStepSchema.parse(raw);
  }

  /**
   * Answers a host step like `resume`, then blocks this thread up to `waitMicros` (at most
   * 10,000) for the next step: the step, or undefined when it takes longer (`nextStep()` then
   * gives it). A call making host calls in quick succession skips the event loop's wake-up.
   */
  resumeWait(slots: Uint8Array, failed: boolean, waitMicros: number): CallStep | undefined {
    const raw = throughNative(() => this.#handle.resumeWait(slots, failed, waitMicrosSchema.parse(waitMicros)));
    return raw === null || raw === undefined ? undefined : callStepSchema.parse(raw);
  }

  /** The step the last `resumeWait` stopped waiting for. */
  async nextStep(): Promise<CallStep> {
    const raw = await throughNative(() => this.#handle.nextStep());
    return callStepSchema.parse(raw);
  }

  checker(): NativeFuelChecker {
    return this.#handle.checker();
  }

  /** Wasm instances: a copy of linear memory (only while no call runs or a host function runs). */
  readMemory(offset: number, length: number, memory = 0): Uint8Array {
    return bytes.parse(throughNative(() => this.#handle.readMemory(offset, length, memory)));
  }

  /** Wasm instances: the low 64 bits of global `global`'s value. */
  globalBits(global: number): bigint {
    return BigInt(z.string().regex(/^\d+$/).parse(throughNative(() => this.#handle.globalBits(global))));
  }

  writeMemory(offset: number, data: Uint8Array, memory = 0): void {
    throughNative(() => this.#handle.writeMemory(offset, data, memory));
  }

  /** Bytes of linear memory `memory` (0 when the module has no such memory). */
  memorySize(memory = 0): number {
    return z.number().int().nonnegative().parse(throughNative(() => this.#handle.memorySize(memory)));
  }

  /** Wasm instances: a handle on linear memory `memory`, for another instance to import. */
  memory(memory: number): NativeMemoryHandle {
    return throughNative(() => this.#handle.memory(memory));
  }

  /** Wasm instances with profile counters: their values (only while no call runs). */
  readProfileCounters(): number[] {
    const raw = bytes.parse(throughNative(() => this.#handle.readProfileCounters()));
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out: number[] = [];
    for (let at = 0; at + 8 <= raw.byteLength; at += 8) out.push(Number(view.getBigUint64(at, true)));
    return out;
  }

  dispose(): void {
    this.#handle.dispose();
  }

  get disposed(): boolean {
    return this.#handle.disposed;
  }

  get threadAlive(): boolean {
    return this.#handle.threadAlive;
  }
}

/** The signal number the fuel checker sends (SIGRTMIN+6 on Linux: a real-time signal Node leaves alone). */
export function checkSignal(): number {
  return z.number().int().positive().parse(addon().checkSignal());
}
