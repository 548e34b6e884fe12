// Loads the native addon (native/slackfuel.node, built by scripts/build-native.mjs) on first use,
// so that importing slackfuel never fails just because the addon is not built yet.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NativeAddonError } from './errors.js';

/** One `name=value` Cranelift setting as the addon takes it. */
export interface NativeSetting {
  name: string;
  value: string;
}

/** The JIT module object the addon returns; wrapped by `JitModule` in ./jit.ts. */
export interface NativeJitModule {
  functions(): unknown;
  call(index: number, args: Uint8Array): unknown;
  dispose(): void;
  readonly disposed: boolean;
}

/** A running instance (src/native/instance.ts wraps it). */
export interface NativeInstanceHandle {
  functions(): unknown;
  call(index: number, args: Uint8Array, fuel: number | undefined | null): Promise<unknown>;
  resume(slots: Uint8Array, failed: boolean): Promise<unknown>;
  resumeWait(slots: Uint8Array, failed: boolean, waitMicros: number): unknown;
  nextStep(): Promise<unknown>;
  checker(): NativeFuelChecker;
  readMemory(offset: number, length: number, memory?: number): Uint8Array;
  globalBits(global: number): string;
  writeMemory(offset: number, bytes: Uint8Array, memory?: number): void;
  memorySize(memory?: number): number;
  readProfileCounters(): Uint8Array;
  memory(memory: number): NativeMemoryHandle;
  dispose(): void;
  readonly disposed: boolean;
  readonly threadAlive: boolean;
  /** This instance's id in its store. */
  readonly member: number;
}

/** A linear memory an instance defines or imports, kept alive while a handle or instance holds it. */
export interface NativeMemoryHandle {
  readonly id: number;
  readonly byteLength: number;
  kind(): unknown;
}

/** The fuel checker bound to an instance's wasm thread. */
export interface NativeFuelChecker {
  check(): boolean;
  start(intervalMs: number, maxIntervalMs?: number | null): void;
  stop(): void;
  readonly sent: number;
}

/** The raw addon surface. Results are `unknown` on purpose: callers validate them with zod. */
export interface NativeAddon {
  verify(text: string, settings: NativeSetting[]): unknown;
  canonicalPrint(text: string): unknown;
  fuelPlace(text: string, options: Record<string, unknown>, profiles?: unknown[] | null): unknown;
  compile(text: string, isa: string, optLevel: string | undefined | null, settings: NativeSetting[]): unknown;
  timeCompile(text: string, isa: string, optLevel: string | undefined | null, settings: NativeSetting[]): unknown;
  runCommands(text: string): unknown;
  hostIsa(): string | null | undefined;
  registeredCodeRanges(): number;
  jit(text: string, settings: NativeSetting[], target?: number | null): NativeJitModule;
  runTargets(text: string): unknown;
  displayValues(types: string[], slots: Uint8Array): unknown;
  instantiate(text: string, settings: NativeSetting[], options: string, store: NativeInstanceHandle | null): NativeInstanceHandle;
  checkSignal(): number;
  translateWasm(wasm: Uint8Array, options: string, nativePasses?: string | null): string;
  runNativePasses(text: string, pipeline: string): unknown;
}

// Candidates relative to this file: src/native/ when run from source, dist/ when bundled.
const candidates = ['../../native/slackfuel.node', '../native/slackfuel.node'];

let loaded: NativeAddon | undefined;

/** Where the addon is loaded from (SLACKFUEL_NATIVE_ADDON, else next to the package). Throws when it is not built. */
export function addonPath(): string {
  return locate();
}

function locate(): string {
  const override = process.env['SLACKFUEL_NATIVE_ADDON'];
  if (override !== undefined && override !== '') return override;
  for (const relative of candidates) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new NativeAddonError(
    'the native addon (native/slackfuel.node) is not built: run `npm ci` or `node scripts/build-native.mjs` (needs cargo)',
  );
}

/** The addon, loaded once. Throws NativeAddonError when it is missing or cannot be loaded. */
export function addon(): NativeAddon {
  if (loaded) return loaded;
  const path = locate();
  const require = createRequire(import.meta.url);
  try {
    loaded = require(path) as NativeAddon;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NativeAddonError(`cannot load the native addon at ${path}: ${reason}`);
  }
  return loaded;
}
