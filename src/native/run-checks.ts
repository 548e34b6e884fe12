// Cranelift-style runtests: `; run: %f(1, 2) == 3`, `; run: %f(...) != [a, b]` and
// `; print: %f(...)` comments after a function are parsed by cranelift-reader, executed on the
// JIT and compared bit for bit, as Cranelift's runtests do. A file's `target` lines each run the
// checks once, with the `set` lines written before them; targets this host cannot run (another
// architecture, an ISA feature the CPU lacks) are skipped with the reason. Arguments and results
// of any type that fits a 16-byte slot (integers to i128, f16 to f128, 128-bit vectors) pass
// through the slots of the JIT's trampolines.
import { SlackfuelError } from './errors.js';
import { addon } from './addon.js';
import { jit, type JitModule } from './jit.js';
import { throughNative } from './native-errors.js';
import { displayedValuesSchema, runChecksSchema, runTargetsSchema, type NativeRunCheck, type RunTarget, type RunValue } from './schemas.js';
import type { Settings } from './settings.js';
import { SLOT_BYTES } from './values.js';

export type { RunTarget } from './schemas.js';

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
  /** The target it ran on, as `runtestTargets` describes it (`host` for a file without targets). */
  readonly target: string;
  /** True when a `run` comparison held or a `print` ran without trapping. */
  readonly ok: boolean;
  /** The results as Cranelift's runtest displays them (absent when the call failed). */
  readonly actual?: string;
  /** Why it failed: a trap or another error. */
  readonly error?: string;
}

/** The run commands of `clifText`, parsed by cranelift-reader against each function's signature. */
export function parseRunCommands(clifText: string): RunCommand[] {
  const parsed: NativeRunCheck[] = runChecksSchema.parse(throughNative(() => addon().runCommands(clifText)));
  return parsed;
}

/**
 * The targets the checks of `clifText` run on: one per `target` line (with the `set` lines before
 * it), or `host` when it has none. `skip` says why this host cannot run one.
 */
export function runtestTargets(clifText: string): RunTarget[] {
  return runTargetsSchema.parse(throughNative(() => addon().runTargets(clifText)));
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

function display(types: readonly string[], results: Uint8Array): string {
  return displayedValuesSchema.parse(throughNative(() => addon().displayValues([...types], results)));
}

function execute(module: JitModule, command: RunCommand, target: string): RunCheckResult {
  try {
    const f = module.function(command.invoke);
    const results = module.callSlots(command.invoke, encodeArgs(command.args));
    const actual = display(f.returns, results);
    if (command.kind === 'print') return { command, target, ok: true, actual };
    const equal =
      command.expected.length === f.returns.length &&
      command.expected.every((v, i) => sameBits(results, i, v));
    return { command, target, ok: command.comparison === '!=' ? !equal : equal, actual };
  } catch (error) {
    if (error instanceof SlackfuelError) return { command, target, ok: false, error: `${error.name}: ${error.message}` };
    throw error;
  }
}

/**
 * Runs every `; run:` / `; print:` command of `clifText` on every target of the file this host
 * can run (see `runtestTargets`). Compilation problems (syntax, verifier, settings) throw; a trap
 * or a mismatch is a failed check, reported in the results.
 */
export function runChecks(clifText: string, options: { readonly flags?: Settings } = {}): RunCheckResult[] {
  const commands = parseRunCommands(clifText);
  if (commands.length === 0) return [];
  const results: RunCheckResult[] = [];
  for (const target of runtestTargets(clifText)) {
    if (target.skip !== undefined) continue;
    const module = jit(clifText, { ...options, target: target.index });
    try {
      for (const command of commands) results.push(execute(module, command, target.description));
    } finally {
      module.dispose();
    }
  }
  return results;
}
