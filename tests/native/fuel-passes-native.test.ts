// The Rust fuel passes (native/src/fuel_passes) against the TypeScript passes they port: the
// same printed output on every function of the built-in suite and of third-party modules, the
// same refusals, and the same run results and fuel through the translate fast path.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinPrograms } from '../../src/bench/suite.js';
import { parse, print, type Function } from '../../src/ir/index.js';
import { addon } from '../../src/native/addon.js';
import { ClifSyntaxError, NativePassError } from '../../src/native/errors.js';
import { throughNative } from '../../src/native/native-errors.js';
import { runNativePasses } from '../../src/native/native-passes.js';
import { checkFuel } from '../../src/passes/fuel/check/check-fuel.js';
import { runSlacked } from './run-slacked.js';
import { rewriteToPinned } from '../../src/passes/fuel/fuel-pinned.js';
import { FuelWebError } from '../../src/passes/fuel/web/errors.js';
import { findPinnedIncrements } from '../../src/passes/fuel/web/shapes.js';
import { RuntimeConfigError } from '../../src/runtime/errors.js';
import { applyPipeline } from '../../src/runtime/metering.js';
import { splitNativePrefix } from '../../src/wasm/native-prefix.js';
import { clifText, translate } from '../../src/wasm/translate.js';
import { runCli } from '../helpers/cli.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const benchDir = join(root, 'bench');
const thirdParty = (name: string) => join(root, 'tests', 'fixtures', 'third-party', `${name}.wasm`);
const PIPELINE = 'fuel-pinned,fuel-drop-checks';

/** The TypeScript pipeline's output, one printed function per function of `text`. */
async function tsOutput(text: string, pipeline = PIPELINE): Promise<string[]> {
  const fns = parse(text).functions;
  await applyPipeline(fns, pipeline);
  return fns.map((fn) => print(fn).trimEnd());
}

async function suiteModules(): Promise<Array<{ name: string; wasm: Uint8Array }>> {
  const programs = await builtinPrograms(benchDir, true);
  const third = await Promise.all(['lz4', 'cmark'].map(async (name) => ({ name, wasm: new Uint8Array(await readFile(thirdParty(name))) })));
  return [...programs.map((p) => ({ name: p.name, wasm: p.wasm })), ...third];
}

test('the Rust passes print exactly what the TypeScript passes print, on every function of the suite, lz4 and cmark', async (t) => {
  const modules = await suiteModules();
  t.true(modules.length >= 20);
  let functions = 0;
  let increments = 0;
  for (const m of modules) {
    const text = clifText(translate(m.wasm, { metering: 'vanilla' }));
    const expected = await tsOutput(text);
    const native = runNativePasses(text, PIPELINE);
    t.is(native.functions.length, expected.length, m.name);
    native.functions.forEach((got, i) => {
      if (got.trimEnd() !== expected[i]) t.fail(`${m.name}: function ${i} differs\n--- TypeScript\n${expected[i]}\n--- Rust\n${got}`);
    });
    functions += expected.length;
    increments += native.increments;
    t.true(native.droppedChecks > 0, `${m.name}: checks were dropped`);
    t.true(native.passMs > 0 && native.passCpuMs !== null && native.passCpuMs > 0, `${m.name}: the passes time themselves`);
  }
  t.true(functions > 1500);
  t.true(increments > 1000);
});

test('the Rust passes print exactly what the TypeScript passes print on sqlite and lua (large functions, many loops)', async (t) => {
  for (const name of ['sqlite', 'lua']) {
    const text = clifText(translate(new Uint8Array(await readFile(thirdParty(name))), { metering: 'vanilla' }));
    const expected = await tsOutput(text);
    const native = runNativePasses(text, PIPELINE);
    t.is(native.functions.length, expected.length, name);
    const differing = native.functions.map((got, i) => (got.trimEnd() === expected[i] ? -1 : i)).filter((i) => i >= 0);
    t.deepEqual(differing, [], name);
    t.true(native.increments > 10000, name);
  }
});

test('fuel-pinned alone and fuel-drop-checks alone (memory form) match the TypeScript passes too', async (t) => {
  const text = clifText(translate(new Uint8Array(await readFile(thirdParty('lz4'))), { metering: 'vanilla' }));
  for (const pipeline of ['fuel-pinned', 'fuel-drop-checks']) {
    const fns = parse(text).functions;
    await applyPipeline(fns, pipeline);
    const native = runNativePasses(text, pipeline);
    t.deepEqual(
      native.functions.map((f) => f.trimEnd()),
      fns.map((fn) => print(fn).trimEnd()),
      pipeline,
    );
  }
});

test('the translate fast path runs the passes before printing: same text, or proven by checkFuel with the same increments', async (t) => {
  for (const m of await suiteModules()) {
    const vanilla = parse(clifText(translate(m.wasm, { metering: 'vanilla' }))).functions;
    const expected = await tsOutput(clifText(translate(m.wasm, { metering: 'vanilla' })));
    const fast = translate(m.wasm, { metering: 'vanilla', nativePasses: PIPELINE });
    t.not(fast.rewriteMicros, undefined);
    const after = parse(clifText(fast)).functions;
    t.is(after.length, vanilla.length);
    after.forEach((fn: Function, i) => {
      if (print(fn).trimEnd() === expected[i]) return;
      // The front end's own function numbers new values after its dead ones: prove it instead.
      const proof = checkFuel(vanilla[i]!, fn);
      if (!proof.ok) t.fail(`${m.name}: function ${i}: ${JSON.stringify(proof)}`);
      const reference = parse(expected[i]!).functions[0]!;
      t.is(findPinnedIncrements(fn).length, findPinnedIncrements(reference).length, `${m.name}: function ${i}`);
    });
  }
  t.pass();
});

const ESCAPE = `function u0:0(i64 vmctx, i64) -> i64 tail {
block0(v0: i64, v1: i64):
    v2 = load.i64 notrap aligned readonly v0+8
    v3 = load.i64 notrap aligned v2
    v4 = iconst.i64 1
    v5 = iadd v3, v4
    store notrap aligned v5, v2
    v6 = imul v5, v5
    return v6
}
`;

const UNSTORED_RETURN = `function u0:0(i64 vmctx, i64) -> i64 tail {
block0(v0: i64, v1: i64):
    v2 = load.i64 notrap aligned readonly v0+8
    v3 = load.i64 notrap aligned v2
    v4 = iconst.i64 1
    v5 = iadd v3, v4
    store notrap aligned v5, v2
    v6 = iadd v5, v4
    return v1
}
`;

const INVALID = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/fuel/invalid/');

// The walk that proves a web reports the first violation in reverse post-order once the states
// are final; in a loop the Rust walk may stop after one round, so the loops among these check
// that it names the same violation as the TypeScript one.
for (const name of readdirSync(INVALID).filter((f) => f.endsWith('.clif'))) {
  test(`invalid/${name}: Rust refuses with the TypeScript diagnostic`, (t) => {
    const text = readFileSync(join(INVALID, name), 'utf8');
    const ts = t.throws(() => rewriteToPinned(parse(text).functions[0]!), { instanceOf: FuelWebError });
    const rust = t.throws(() => runNativePasses(text, PIPELINE), { instanceOf: NativePassError });
    t.true(rust!.message.endsWith(ts!.message), `${rust!.message}\n${ts!.message}`);
    t.is(rust!.pass, 'fuel-pinned');
  });
}

for (const [name, text, pattern] of [
  ['an escaping counter', ESCAPE, /escapes into an instruction that is not an increment/],
  ['a return with the counter not stored', UNSTORED_RETURN, /returns while the counter v6 has not been stored/],
] as const) {
  test(`a fuel shape the passes refuse (${name}) gives the TypeScript diagnostic as a NativePassError`, (t) => {
    const ts = t.throws(() => rewriteToPinned(parse(text).functions[0]!), { instanceOf: FuelWebError });
    const rust = t.throws(() => runNativePasses(text, PIPELINE), { instanceOf: NativePassError });
    t.regex(rust!.message, pattern);
    t.true(rust!.message.endsWith(ts!.message), `${rust!.message}\n${ts!.message}`);
    t.is(rust!.pass, 'fuel-pinned');
    t.is(rust!.location, 'wasmtime-2026');
    t.is(rust!.functionName, 'u0:0');
  });
}

test('malformed CLIF is a ClifSyntaxError, an unknown pass a NativePassError or a RuntimeConfigError', async (t) => {
  t.throws(() => runNativePasses('function u0:0() {\nblock0:\n    v1 = iadd v9\n', PIPELINE), { instanceOf: ClifSyntaxError });
  t.throws(() => runNativePasses(ESCAPE, 'fuel-strip'), { message: /native pipeline lists only/ });
  const raw = t.throws(() => throughNative(() => addon().runNativePasses(ESCAPE, 'fuel-strip')), { instanceOf: NativePassError });
  t.regex(raw!.message, /no pass `fuel-strip`/);
  const wasm = new Uint8Array(await readFile(thirdParty('lz4')));
  t.throws(() => translate(wasm, { metering: 'vanilla', nativePasses: 'fuel-strip' }), { instanceOf: RuntimeConfigError });
});

test('the refusal names the first pass that met the shape', (t) => {
  // fuel-drop-checks on the memory form recognizes the web first, so it is the one refusing.
  const err = t.throws(() => runNativePasses(UNSTORED_RETURN, 'fuel-drop-checks,fuel-pinned'), { instanceOf: NativePassError });
  t.is(err!.pass, 'fuel-drop-checks');
  t.regex(err!.message, /^u0:0: fuel-drop-checks: `return v1` in block0: returns while the counter v6 has not been stored/);
});

test('with fuel-place (native/src/fuel_place) the whole slacked placement pipeline prints what the TypeScript one prints', async (t) => {
  const placed = 'fuel-pinned,fuel-drop-checks,fuel-place';
  let functions = 0;
  for (const m of await suiteModules()) {
    const text = clifText(translate(m.wasm, { metering: 'vanilla' }));
    const expected = await tsOutput(text, placed);
    const native = runNativePasses(text, placed);
    t.is(native.functions.length, expected.length, m.name);
    native.functions.forEach((got, i) => {
      if (got.trimEnd() !== expected[i]) t.fail(`${m.name}: function ${i} differs\n--- TypeScript\n${expected[i]}\n--- Rust\n${got}`);
    });
    functions += expected.length;
  }
  t.true(functions > 1500);
});

test('splitNativePrefix keeps the leading plain native passes and leaves the rest to TypeScript', (t) => {
  t.deepEqual(splitNativePrefix('fuel-pinned,fuel-drop-checks,fuel-place,fuel-counted-loops'), { native: 'fuel-pinned,fuel-drop-checks,fuel-place,fuel-counted-loops', rest: '' });
  t.deepEqual(splitNativePrefix('fuel-pinned,fuel-drop-checks,fuel-place,fuel-counted-loops{observeTraps=true}'), { native: 'fuel-pinned,fuel-drop-checks,fuel-place', rest: 'fuel-counted-loops{observeTraps=true}' });
  t.deepEqual(splitNativePrefix('fuel-pinned{location=wasmtime-2022},fuel-drop-checks'), { native: '', rest: 'fuel-pinned{location=wasmtime-2022},fuel-drop-checks' });
  t.deepEqual(splitNativePrefix('fuel-strip'), { native: '', rest: 'fuel-strip' });
});

test('a module compiled through the native passes runs with the same output and fuel as through the TypeScript passes (slacked)', async (t) => {
  const programs = await builtinPrograms(benchDir, true, new Set(['calls', 'sort']));
  for (const p of programs) {
    const viaTs = await runSlacked(p, false);
    const viaRust = await runSlacked(p, true);
    t.is(viaRust.out, p.expected ?? '', p.name);
    t.deepEqual(viaRust, viaTs, p.name);
    t.true((viaRust.fuel ?? 0) > 0);
  }
});

test('CLI: opt --native-passes and run-wasm --native-passes give the TypeScript path\'s code and run', async (t) => {
  const lz4 = clifText(translate(new Uint8Array(await readFile(thirdParty('lz4'))), { metering: 'vanilla' }));
  const viaTs = runCli(['opt', '--passes', PIPELINE, '-'], lz4);
  const viaRust = runCli(['opt', '--native-passes', '--passes', PIPELINE, '-'], lz4);
  t.is(viaRust.code, 0, viaRust.stderr);
  t.is(viaRust.stdout, viaTs.stdout);
  t.true(viaRust.stdout.startsWith('set enable_pinned_reg=true'));
  const refused = runCli(['opt', '--native-passes', '--passes', PIPELINE, '-'], ESCAPE);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /fuel-pinned: `v6 = imul v5, v5` in block0: the fuel counter v5 escapes/);
  t.is(runCli(['opt', '--native-passes', '--stats', '--passes', PIPELINE, '-'], lz4).code, 2);
  t.regex(runCli(['opt', '--help']).stdout, /--native-passes/);
  const [fib] = await builtinPrograms(benchDir, true, new Set(['fib']));
  const args = ['run-wasm', '--metering', 'slacked', '--no-cache', '--report', '-', join(benchDir, 'wasm', 'fib.wasm'), ...fib!.args];
  const a = runCli(args);
  const b = runCli([...args.slice(0, 1), '--native-passes', ...args.slice(1)]);
  t.is(b.code, 0, b.stderr);
  t.is(b.stdout, a.stdout);
  t.regex(runCli(['run-wasm', '--help']).stdout, /--native-passes/);
});
