// The fuel oracle: what real Wasmtime 48 reports (tests/fixtures/wasmtime/fuel.json, recorded by
// `npm run peer:record` with the reference runner) against our vanilla and slacked: the same
// fuel to the unit, the same exit code and output, on the WASI fixtures, the benchmark programs
// at their quick sizes, and the operator cases of ops.wat. `slacked` charges counted loops in
// bulk (fuel-counted-loops after fuel-place, the default); `slacked-uncounted` is slacked without.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from '@bytecodealliance/jco';
import test from 'ava';
import { BENCH_MODE_SPECS } from '../../src/bench/modes.js';
import { runWasi } from '../../src/wasi/index.js';
import { compileWasm, Global, Memory, Table, WasmFunction, WasmTrap, type WasmImports, type WasmInstance, type WasmModule } from '../../src/wasm/index.js';
import { loadFuelCosts } from '../../src/wasm/fuel-costs.js';
import { FUEL_CASES, FUEL_COSTS_FIXTURE, fuelFixtureSchema, WAT_FILES, WASMTIME_FUEL_FIXTURE, watFixtureUrl, type FuelCase, type WatFile } from './fuel-cases.js';

const fixture = fuelFixtureSchema.parse(JSON.parse(readFileSync(WASMTIME_FUEL_FIXTURE, 'utf8')));
const recorded = new Map(fixture.cases.map((c) => [c.name, c]));
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const costTable = await loadFuelCosts(FUEL_COSTS_FIXTURE);
const watWasm = Object.fromEntries(WAT_FILES.map((f) => [f, parse(readFileSync(watFixtureUrl(f), 'utf8'))])) as Record<WatFile, Promise<Uint8Array>>;

type Variant = 'vanilla' | 'slacked' | 'slacked-uncounted';
const UNCOUNTED_PIPELINE = BENCH_MODE_SPECS['slacked-uncounted'].pipeline!;

async function ours(c: FuelCase, variant: Variant): Promise<{ fuel: number | null; exitCode: number; stdoutSha256: string; results: string[]; trap?: string }> {
  const metering = variant === 'vanilla' ? 'vanilla' : 'slacked';
  const pipeline = variant === 'slacked-uncounted' ? { pipeline: UNCOUNTED_PIPELINE } : {};
  if (c.kind === 'wat') {
    const options = { ...pipeline, ...(c.costs === true ? { fuelCosts: costTable } : {}) };
    const module = await compileWasm(await watWasm[c.file], metering, undefined, options);
    // A preloaded library: instantiated first, its exports linked into the case's module.
    const lib = c.preload === undefined ? undefined : await (await compileWasm(await watWasm[c.preload], metering, undefined, options)).instantiate({});
    const imports: WasmImports = lib === undefined ? {} : { lib: linkedExports(lib, module) };
    const instance = await module.instantiate({ imports });
    try {
      const r = await instance.call(c.invoke, [...c.invokeArgs]);
      const startup = (instance.instantiationFuel ?? 0) + (lib?.instantiationFuel ?? 0);
      return { fuel: r.fuelConsumed === null ? null : r.fuelConsumed + startup, exitCode: 0, stdoutSha256: sha256(new Uint8Array()), results: r.results.map(String) };
    } catch (error) {
      // A trapping export: Wasmtime's trap is compared by kind only (no fuel is reported back).
      if (!(error instanceof WasmTrap)) throw error;
      return { fuel: null, exitCode: 0, stdoutSha256: '', results: [], trap: error.kind };
    } finally {
      instance.dispose();
      lib?.dispose();
    }
  }
  const out: Uint8Array[] = [];
  const linkedWasi = c.kind === 'wasi-linked';
  const r = await runWasi(linkedWasi ? await watWasm[c.file] : readFileSync(c.wasm), {
    metering,
    ...pipeline,
    args: [...c.args],
    programName: `${c.name.split('/')[1]}.wasm`,
    env: c.kind === 'wasi' ? c.env : {},
    dir: c.kind === 'wasi' ? c.dir : null,
    stdout: (b) => out.push(b.slice()),
    stderr: () => {},
    ...(c.kind === 'bench' && c.costs === true ? { fuelCosts: costTable } : {}),
    ...(linkedWasi ? { preload: [{ name: 'lib', wasm: await watWasm[c.preload] }] } : {}),
  });
  return { fuel: r.fuelConsumed, exitCode: r.exitCode, stdoutSha256: sha256(Buffer.concat(out)), results: [] };
}

/** What `module` imports from `lib`, taken from `lib`'s exports (functions, memories, tables, globals). */
function linkedExports(lib: WasmInstance, module: WasmModule): Record<string, WasmFunction | Memory | Table | Global> {
  const out: Record<string, WasmFunction | Memory | Table | Global> = {};
  for (const imp of module.translated.imports) {
    if (imp.module !== 'lib') continue;
    out[imp.name] = imp.kind === 'memory' ? lib.memory(imp.name) : imp.kind === 'table' ? lib.table(imp.name) : imp.kind === 'global' ? lib.global(imp.name) : lib.func(imp.name);
  }
  return out;
}

test('the fixture covers every case and names the Wasmtime version', (t) => {
  t.regex(fixture.wasmtime, /^48\.\d+\.\d+$/);
  t.deepEqual(fixture.cases.map((c) => c.name).sort(), FUEL_CASES.map((c) => c.name).sort());
});

// Serial: run together, the 162 cases start their timers at once and queue on two cores (with a
// checker thread signalling each slacked run), so under load the last ones time out without being
// slow; one at a time the file takes ~35 s here against ~110 s concurrently.
for (const c of FUEL_CASES) {
  test.serial(`${c.name}: our fuel is Wasmtime's to the unit (vanilla, slacked${c.kind === 'bench' ? '' : ', slacked-uncounted'})`, async (t) => {
    t.timeout(180_000);
    const want = recorded.get(c.name);
    if (want === undefined) return t.fail(`${c.name} is not in ${WASMTIME_FUEL_FIXTURE}: run npm run peer:record`);
    for (const metering of c.kind === 'bench' ? (['vanilla', 'slacked'] as const) : (['vanilla', 'slacked', 'slacked-uncounted'] as const)) {
      const got = await ours(c, metering);
      if (want.trap !== null && c.kind === 'wat') {
        t.is(got.trap, want.trap, `${metering}: the same trap as Wasmtime`);
        continue;
      }
      t.is(got.fuel, want.fuel, `${metering}: fuel`);
      t.is(got.exitCode, want.exitCode, `${metering}: exit code`);
      t.is(got.stdoutSha256, want.stdoutSha256, `${metering}: stdout`);
      if (c.kind === 'wat') t.deepEqual(got.results, want.results, `${metering}: results`);
    }
  });
}
