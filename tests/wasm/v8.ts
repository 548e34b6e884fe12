// Runs the same calls in Node's own WebAssembly engine (V8) and normalises the outcomes so they
// compare with slackfuel's: results as arrays, traps as their wasm kind.
import type { WasmTrapKind } from '../../src/wasm/index.js';
import type { Arg, Case } from './cases.js';

export type Outcome = { results: Arg[] } | { trap: WasmTrapKind | 'indirect_call' };

/** V8 does not tell a null entry from a signature mismatch; both compare as `indirect_call`. */
export function normaliseTrap(kind: WasmTrapKind): WasmTrapKind | 'indirect_call' {
  return kind === 'indirect_call_null' || kind === 'indirect_call_signature_mismatch' ? 'indirect_call' : kind;
}

const V8_MESSAGES: readonly [RegExp, WasmTrapKind | 'indirect_call'][] = [
  [/^unreachable/, 'unreachable'],
  [/memory access out of bounds/, 'memory_out_of_bounds'],
  [/table index is out of bounds|table access out of bounds|element segment out of bounds/, 'table_out_of_bounds'],
  [/null function or function signature mismatch|function signature mismatch|null function/, 'indirect_call'],
  [/divide by zero|remainder by zero/, 'division_by_zero'],
  [/divide result unrepresentable/, 'integer_overflow'],
  [/float unrepresentable in integer range/, 'integer_overflow'],
  [/Maximum call stack size exceeded/, 'stack_exhaustion'],
];

function classify(error: unknown): WasmTrapKind | 'indirect_call' {
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, kind] of V8_MESSAGES) if (pattern.test(message)) return kind;
  throw new Error(`V8 raised something that is not a wasm trap: ${message}`);
}

/** V8 reports float→int NaN and overflow alike; so do we for comparison. */
export function comparableTrap(kind: WasmTrapKind): WasmTrapKind | 'indirect_call' {
  return kind === 'invalid_conversion' ? 'integer_overflow' : normaliseTrap(kind);
}

export interface V8Run {
  readonly outcomes: Outcome[];
  readonly memory: Uint8Array | undefined;
}

export function runInV8(bytes: Uint8Array, cases: readonly Case[], imports: Record<string, Record<string, unknown>>, globals: Record<string, number>): V8Run {
  const env: Record<string, unknown> = { ...(imports['env'] ?? {}) };
  for (const [key, value] of Object.entries(globals)) env[key.slice(key.indexOf('.') + 1)] = value;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { ...imports, env });
  const outcomes = cases.map((c): Outcome => {
    const fn = instance.exports[c.fn];
    if (typeof fn !== 'function') throw new Error(`V8: no export ${c.fn}`);
    try {
      const value: unknown = fn(...c.args);
      const results = value === undefined ? [] : Array.isArray(value) ? (value as Arg[]) : [value as Arg];
      return { results };
    } catch (error) {
      return { trap: classify(error) };
    }
  });
  const memory = instance.exports['memory'];
  return { outcomes, memory: memory instanceof WebAssembly.Memory ? new Uint8Array(memory.buffer.slice(0)) : undefined };
}
