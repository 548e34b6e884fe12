// Translated modules run on slackfuel's runtime in every metering mode and agree with V8:
// results, traps (by kind), memory contents and host calls; fuel is identical across
// vanilla, slacked (also with fuel-counted-loops) and count.
import test from 'ava';
import { compileWasm, WasmTrap, type WasmInstance } from '../../src/wasm/index.js';
import { METERING_MODES } from '../../src/runtime/metering.js';
import { BENCH_MODE_SPECS } from '../../src/bench/modes.js';
import { CASES, hostImports, IMPORTED_GLOBALS, type Arg } from './cases.js';
import { comparableTrap, runInV8, type Outcome } from './v8.js';
import { WAT_FIXTURES, wat, watModule } from './wat.js';
import { RuntimeConfigError } from '../../src/runtime/errors.js';

async function runInSlackfuel(instance: WasmInstance, name: keyof typeof CASES): Promise<{ outcomes: Outcome[]; fuel: (number | null)[]; kinds: string[] }> {
  const outcomes: Outcome[] = [];
  const fuel: (number | null)[] = [];
  const kinds: string[] = [];
  for (const c of CASES[name]) {
    try {
      const r = await instance.call(c.fn, c.args);
      outcomes.push({ results: r.results });
      fuel.push(r.fuelConsumed);
      kinds.push('ok');
    } catch (error) {
      if (!(error instanceof WasmTrap)) throw error;
      outcomes.push({ trap: comparableTrap(error.kind) });
      fuel.push(null);
      kinds.push(error.kind);
    }
  }
  return { outcomes, fuel, kinds };
}

for (const name of WAT_FIXTURES) {
  test(`${name}.wat: every metering mode agrees with V8 (results, traps, memory, host calls)`, async (t) => {
    const bytes = await watModule(name);
    const v8Log: Arg[][] = [];
    const v8 = runInV8(bytes, CASES[name], hostImports(v8Log), IMPORTED_GLOBALS);
    const fuelByMode = new Map<string, (number | null)[]>();
    let kinds: string[] | undefined;
    // Every runtime mode (slacked charges counted loops in bulk), and slacked without that.
    const variants = [...METERING_MODES.map((m) => [m, m] as const), ['slacked-uncounted', 'slacked'] as const];
    for (const [metering, runtimeMode] of variants) {
      const log: Arg[][] = [];
      const module = await compileWasm(bytes, runtimeMode, undefined, metering === 'slacked-uncounted' ? { pipeline: BENCH_MODE_SPECS['slacked-uncounted'].pipeline! } : {});
      const instance = await module.instantiate({ imports: hostImports(log), globals: IMPORTED_GLOBALS, checkIntervalMs: false });
      try {
        const ours = await runInSlackfuel(instance, name);
        CASES[name].forEach((c, i) => t.deepEqual(ours.outcomes[i], v8.outcomes[i], `${metering}: ${c.fn}(${c.args.join(', ')})`));
        t.deepEqual(log, v8Log, `${metering}: host calls`);
        if (v8.memory !== undefined) t.true(Buffer.from(instance.readMemory()).equals(Buffer.from(v8.memory)), `${metering}: memory contents`);
        fuelByMode.set(metering, ours.fuel);
        if (kinds === undefined) kinds = ours.kinds;
        else t.deepEqual(ours.kinds, kinds, `${metering}: trap kinds`);
      } finally {
        instance.dispose();
      }
    }
    const vanilla = fuelByMode.get('vanilla')!;
    t.true(vanilla.some((f) => f !== null && f > 0));
    t.deepEqual(fuelByMode.get('slacked'), vanilla);
    t.deepEqual(fuelByMode.get('count'), vanilla);
    t.deepEqual(fuelByMode.get('slacked-uncounted'), vanilla);
    t.true(fuelByMode.get('none')!.every((f) => f === null));
  });
}

test('every trap kind is reported with its kind', async (t) => {
  const instance = await (await compileWasm(await watModule('traps'), 'vanilla')).instantiate();
  const kindOf = async (fn: string, ...args: Arg[]) => {
    const error = await t.throwsAsync(instance.call(fn, args), { instanceOf: WasmTrap });
    return error?.kind;
  };
  t.is(await kindOf('unreachable'), 'unreachable');
  t.is(await kindOf('oob_load', 65533), 'memory_out_of_bounds');
  t.is(await kindOf('oob_fill', 65000, 537), 'memory_out_of_bounds');
  t.is(await kindOf('oob_table', 4), 'table_out_of_bounds');
  t.is(await kindOf('div_zero', 1, 0), 'division_by_zero');
  t.is(await kindOf('int_overflow', -2147483648, -1), 'integer_overflow');
  t.is(await kindOf('bad_conversion', 3e10), 'integer_overflow');
  t.is(await kindOf('nan_conversion', NaN), 'invalid_conversion');
  t.is(await kindOf('indirect_null', 1), 'indirect_call_null');
  t.is(await kindOf('indirect_mismatch', 0), 'indirect_call_signature_mismatch');
  t.is(await kindOf('indirect_oob', 4), 'table_out_of_bounds');
  t.is(await kindOf('stack_exhaustion', 0), 'stack_exhaustion');
  instance.dispose();
});

test('out of fuel in a wasm loop, in vanilla and slacked', async (t) => {
  const bytes = await watModule('control');
  for (const metering of ['vanilla', 'slacked'] as const) {
    const instance = await (await compileWasm(bytes, metering)).instantiate();
    const full = await instance.call('fib', [50]);
    await t.throwsAsync(instance.call('fib', [50], { fuel: full.fuelConsumed! - 10 }), { name: 'OutOfFuel' });
    t.deepEqual((await instance.call('fib', [50], { fuel: full.fuelConsumed! + 10 })).results, [12586269025n]);
    instance.dispose();
  }
});

test('instantiation errors: missing imports (functions and memories), out-of-bounds segments (as V8)', async (t) => {
  const calls = await compileWasm(await watModule('calls'), 'none');
  await t.throwsAsync(calls.instantiate({ imports: { env: { log: () => undefined } } }), { instanceOf: RuntimeConfigError, message: /missing import env\.add3/ });
  const imported = await compileWasm(await wat('(module (import "env" "mem" (memory 1)))'), 'none');
  await t.throwsAsync(imported.instantiate(), { instanceOf: RuntimeConfigError, message: /missing import env\.mem \(a memory\)/ });
  const segment = await wat('(module (memory 1) (data (i32.const 65535) "ab"))');
  t.throws(() => new WebAssembly.Instance(new WebAssembly.Module(segment), {}));
  await t.throwsAsync((await compileWasm(segment, 'vanilla')).instantiate(), { message: /instantiation failed: data segment out of bounds/ });
  const start = await wat('(module (func $s unreachable) (start $s))');
  const error = await t.throwsAsync((await compileWasm(start, 'slacked')).instantiate(), { instanceOf: WasmTrap });
  t.is(error?.kind, 'unreachable');
});

test('compileWasm reuses prepared CLIF: same code, same fuel, no passes run; a mismatched module is refused', async (t) => {
  const bytes = await wat(`(module (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $s)))`);
  const placed = await compileWasm(bytes, 'slacked');
  const reused = await compileWasm(bytes, 'count', undefined, { pipeline: placed.module.pipeline, prepared: placed.module.functions });
  t.is(reused.pipelineMs, 0);
  t.deepEqual(
    reused.module.functions.map((f) => f.name),
    placed.module.functions.map((f) => f.name),
  );
  const a = await placed.instantiate();
  const b = await reused.instantiate();
  try {
    const x = await a.call('sum', [100]);
    const y = await b.call('sum', [100]);
    t.deepEqual(y, x);
    t.is(x.results[0], 5050);
  } finally {
    a.dispose();
    b.dispose();
  }
  await t.throwsAsync(compileWasm(bytes, 'count', undefined, { prepared: [] }), { instanceOf: RuntimeConfigError });
});
