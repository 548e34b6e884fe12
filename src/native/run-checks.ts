// Cranelift-style `; run:` checks: `; run: %f(1, 2) == 3` and `; run: %f(...) == [a, b]` comments
// after a function are parsed by cranelift-reader, executed on the JIT, and compared bit for bit
// (as Cranelift's runtests do). `; print: %f(...)` commands just report the results.
import { SlackfuelError } from './errors.js';
import { addon } from './addon.js';
import { jit, type JitModule } from './jit.js';
import { throughNative } from './native-errors.js';
import { runChecksSchema, type NativeRunCheck, type RunValue } from './schemas.js';
import type { Settings } from './settings.js';
import { isScalarType, readValue, SLOT_BYTES, slotView } from './values.js';

/** One `; run:` or `; print:` command of a CLIF file. */
export interface RunCommand {
  /** The function the comment follows. */
  readonly function: string;
  readonly line: number;
  /** As Cranelift prints it, e.g. `run: %f(1, 2) == 3`. */
  readonly text: string;
  readonly kind: 'run' | 'print';
  /** The function to call, `%name`. */
  readonly invoke: string;
  readonly args: readonly RunValue[];
  readonly comparison?: '==' | '!=';
  readonly expected: readonly RunValue[];
}

export interface RunCheckResult {
  readonly command: RunCommand;
  /** True when a `run` comparison held or a `print` ran without trapping. */
  readonly ok: boolean;
  /** The results, formatted (absent when the call failed). */
  readonly actual?: string;
  /** Why it failed: a trap or another error. */
  readonly error?: string;
}

/** The run commands of `clifText`, parsed by cranelift-reader against each function's signature. */
export function parseRunCommands(clifText: string): RunCommand[] {
  const parsed: NativeRunCheck[] = runChecksSchema.parse(throughNative(() => addon().runCommands(clifText)));
  return parsed;
}

function encodeArgs(values: readonly RunValue[]): Uint8Array {
  const buffer = new Uint8Array(values.length * SLOT_BYTES);
  values.forEach((v, i) => buffer.set(v.bytes.subarray(0, SLOT_BYTES), i * SLOT_BYTES));
  return buffer;
}

function sameBits(results: Uint8Array, index: number, expected: RunValue): boolean {
  const slot = results.subarray(index * SLOT_BYTES, index * SLOT_BYTES + expected.bytes.length);
  return slot.length === expected.bytes.length && slot.every((byte, i) => byte === expected.bytes[i]);
}

function formatResults(results: Uint8Array, types: readonly string[]): string {
  const shown = types.map((ty, i) => (isScalarType(ty) ? String(readValue(slotView(results, i), ty)) : `<${ty}>`));
  return shown.length === 1 ? (shown[0] as string) : `[${shown.join(', ')}]`;
}

function execute(module: JitModule, command: RunCommand): RunCheckResult {
  try {
    const f = module.function(command.invoke);
    const results = module.callSlots(command.invoke, encodeArgs(command.args));
    const actual = formatResults(results, f.returns);
    if (command.kind === 'print') return { command, ok: true, actual };
    const equal =
      command.expected.length === f.returns.length && command.expected.every((v, i) => sameBits(results, i, v));
    return { command, ok: command.comparison === '!=' ? !equal : equal, actual };
  } catch (error) {
    if (error instanceof SlackfuelError) return { command, ok: false, error: `${error.name}: ${error.message}` };
    throw error;
  }
}

/**
 * Runs every `; run:` / `; print:` command of `clifText`. Compilation problems (syntax, verifier,
 * settings) throw; a trap or a mismatch is a failed check, reported in the results.
 */
export function runChecks(clifText: string, options: { readonly flags?: Settings } = {}): RunCheckResult[] {
  const commands = parseRunCommands(clifText);
  if (commands.length === 0) return [];
  const module = jit(clifText, options);
  try {
    return commands.map((command) => execute(module, command));
  } finally {
    module.dispose();
  }
}
