// Differential testing against V8 with generated modules: wasm-smith modules from a fixed seed
// list (tests/wasm/smith/, written by `cargo run --release --example smith_modules -- DIR 0 40`
// in native/frontend), run in Node's WebAssembly and in slackfuel in every metering mode:
// instantiation, every exported function's result or trap, and memory contents must agree.
// SLACKFUEL_SMITH_DIR=DIR runs another set (a longer campaign generated the same way).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { METERING_MODES } from '../../src/runtime/metering.js';
import { compileWasm, translate, WasmTrap, type TranslatedModule, type WasmInstance } from '../../src/wasm/index.js';
import type { Arg } from './cases.js';
import { comparableTrap, type Outcome } from './v8.js';

const dir = process.env['SLACKFUEL_SMITH_DIR'] ?? fileURLToPath(new URL('smith/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.wasm')).sort();

interface Call {
  readonly name: string;
  readonly args: Arg[];
}

const NUMERIC = new Set(['i32', 'i64', 'f32', 'f64']);

/** Exported functions with numeric signatures, with deterministic arguments. */
function calls(m: TranslatedModule): Call[] {
  return m.exports
    .filter((e) => e.kind === 'func')
    .flatMap((e) => {
      const type = m.types[m.functionTypes[e.index]!]!;
      if (![...type.params, ...type.results].every((t) => NUMERIC.has(t))) return [];
      const args = type.params.map((t, i): Arg => (t === 'i32' ? (i * 77 + 3) | 0 : t === 'i64' ? BigInt(i * 1000 + 5) : i + 0.5));
      return [{ name: e.name, args }];
    });
}

function v8Trap(error: unknown): Outcome {
  const message = error instanceof Error ? error.message : String(error);
  const table: [RegExp, Outcome][] = [
    [/^unreachable/, { trap: 'unreachable' }],
    [/memory access out of bounds/, { trap: 'memory_out_of_bounds' }],
    [/table index is out of bounds|table access out of bounds|element segment out of bounds|table .* out of bounds/, { trap: 'table_out_of_bounds' }],
    [/null function or function signature mismatch|function signature mismatch|null function/, { trap: 'indirect_call' }],
    [/divide by zero|remainder by zero/, { trap: 'division_by_zero' }],
    [/divide result unrepresentable|float unrepresentable/, { trap: 'integer_overflow' }],
    [/Maximum call stack size exceeded/, { trap: 'stack_exhaustion' }],
    [/data segment .*out of bounds|segment is out of bounds/, { trap: 'memory_out_of_bounds' }],
  ];
  for (const [pattern, outcome] of table) if (pattern.test(message)) return outcome;
  throw new Error(`V8 raised something that is not a wasm trap: ${message}`);
}

function runV8(bytes: Uint8Array, list: readonly Call[], memoryExport: string | undefined) {
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  } catch (error) {
    return { instantiated: false as const, error };
  }
  const outcomes = list.map((c): Outcome => {
    const fn = instance.exports[c.name] as (...a: Arg[]) => unknown;
    try {
      const value = fn(...c.args);
      return { results: value === undefined ? [] : Array.isArray(value) ? (value as Arg[]) : [value as Arg] };
    } catch (error) {
      return v8Trap(error);
    }
  });
  const memory = memoryExport === undefined ? undefined : instance.exports[memoryExport];
  return { instantiated: true as const, outcomes, memory: memory instanceof WebAssembly.Memory ? new Uint8Array(memory.buffer.slice(0)) : undefined };
}

async function runOurs(instance: WasmInstance, list: readonly Call[]): Promise<{ outcomes: Outcome[]; fuel: (number | null)[] }> {
  const outcomes: Outcome[] = [];
  const fuel: (number | null)[] = [];
  for (const c of list) {
    try {
      const r = await instance.call(c.name, c.args);
      outcomes.push({ results: r.results });
      fuel.push(r.fuelConsumed);
    } catch (error) {
      if (!(error instanceof WasmTrap)) throw error;
      outcomes.push({ trap: comparableTrap(error.kind) });
      fuel.push(null);
    }
  }
  return { outcomes, fuel };
}

test('the seed list is there', (t) => {
  t.true(files.length >= 40);
});

for (const file of files) {
  test(`wasm-smith ${file}: V8 and every metering mode agree`, async (t) => {
    const bytes = new Uint8Array(readFileSync(join(dir, file)));
    const meta = translate(bytes);
    const list = calls(meta);
    const memoryExport = meta.exports.find((e) => e.kind === 'memory')?.name;
    const v8 = runV8(bytes, list, memoryExport);
    const fuelByMode = new Map<string, (number | null)[]>();
    for (const metering of METERING_MODES) {
      const module = await compileWasm(bytes, metering);
      if (!v8.instantiated) {
        // V8 refused to instantiate (an active segment out of bounds): so must we.
        await t.throwsAsync(module.instantiate({ checkIntervalMs: false }), undefined, metering);
        continue;
      }
      const instance = await module.instantiate({ checkIntervalMs: false });
      try {
        const ours = await runOurs(instance, list);
        list.forEach((c, i) => t.deepEqual(ours.outcomes[i], v8.outcomes[i], `${metering}: ${c.name}(${c.args.join(', ')})`));
        if (v8.memory !== undefined) t.true(Buffer.from(instance.readMemory()).equals(Buffer.from(v8.memory)), `${metering}: memory`);
        fuelByMode.set(metering, ours.fuel);
      } finally {
        instance.dispose();
      }
    }
    if (v8.instantiated) {
      t.deepEqual(fuelByMode.get('slacked'), fuelByMode.get('vanilla'));
      t.deepEqual(fuelByMode.get('count'), fuelByMode.get('vanilla'));
    }
    t.pass();
  });
}
