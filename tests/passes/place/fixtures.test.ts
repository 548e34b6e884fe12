// End to end on every Wasmtime-shaped fixture (tests/fixtures/fuel): the full pipeline
// fuel-pinned,fuel-drop-checks,fuel-place gives code that Cranelift's verifier accepts with
// enable_pinned_reg, that checkFuel proves against the original, and that — JIT-compiled with a
// generated harness — returns the same results and the same final counter as the original.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { modernize, parse, print, type Function } from '../../../src/ir/index.js';
import { jit, verify, type ClifValue } from '../../../src/native/index.js';
import { checkFuel } from '../../../src/passes/fuel/check/index.js';
import { Trap } from '../../../src/runtime/errors.js';
import { loadOptionalPasses, PassManager } from '../../../src/passes/index.js';
import { harnessModule, type HarnessSpec } from './harness.js';

await loadOptionalPasses();

const dir = fileURLToPath(new URL('../../fixtures/fuel/', import.meta.url));
const fixtures = [...readdirSync(dir), ...readdirSync(`${dir}folded/`).map((f) => `folded/${f}`)].filter(
  (f) => f.endsWith('.clif') && !f.endsWith('.expected.clif') && !f.endsWith('.reference.clif'),
);
const PIPELINE = 'fuel-pinned,fuel-drop-checks,fuel-place';

const read = (name: string): Function => parse(readFileSync(dir + name, 'utf8')).functions[0]!;
/** What checkFuel compares against: the fixture, or its `.reference.clif` (optimizer-folded increments). */
const reference = (name: string): Function => {
  try {
    return parse(readFileSync(dir + name.replace(/\.clif$/, '.reference.clif'), 'utf8')).functions[0]!;
  } catch {
    return read(name);
  }
};
const run = (name: string, pipeline: string): Function => {
  const f = read(name);
  PassManager.build(pipeline).run(f);
  return f;
};

test('every fixture is covered', (t) => {
  t.true(fixtures.length >= 15);
});

for (const name of fixtures) {
  test(`${name}: the placed output is proven against the original and passes Cranelift's verifier`, (t) => {
    const placed = run(name, PIPELINE);
    const check = checkFuel(reference(name), placed);
    t.true(check.ok, JSON.stringify(check));
    modernize(placed);
    t.deepEqual(verify(print(placed), { enable_pinned_reg: true }), { ok: true });
  });
}

const placedDir = fileURLToPath(new URL('../../fixtures/place/', import.meta.url));
for (const name of fixtures) {
  const golden = `${placedDir}${name.replace(/^.*\//, '').replace(/\.clif$/, '.placed.clif')}`;
  test(`${name}: the pipeline prints exactly tests/fixtures/place/${golden.replace(/^.*\//, '')}`, (t) => {
    t.is(print(run(name, PIPELINE)), readFileSync(golden, 'utf8'));
  });
  test(`${name}: with observeTraps the output is proven with traps observed`, (t) => {
    const placed = run(name, 'fuel-pinned,fuel-drop-checks,fuel-place{observeTraps=true}');
    const check = checkFuel(reference(name), placed, { observeTraps: true });
    t.true(check.ok, JSON.stringify(check));
  });
}

// How each fixture reaches its vmctx: 2022 shapes keep the counter at VMRuntimeLimits+8 and
// call builtins through the array at vmctx+32; imports sit at fixed vmctx offsets.
function specOf(name: string): HarnessSpec {
  const v2022 = name.includes('2022');
  const imports =
    name === 'calls-2026.clif'
      ? [{ offset: 72, signature: '(i64 vmctx, i64, i32) -> i32 tail' }]
      : name === 'switch-calls-2022.clif'
        ? [{ offset: 48, signature: '(i64 vmctx, i64, i32) -> i32 fast' }]
        : [];
  return { fuelOffset: v2022 ? 8 : 0, builtins2022: v2022, imports };
}

// A count-down loop would run 2^32 times from 0.
const LOOPS = new Set(['loop-2022-opt.clif', 'loop-2026.clif', 'nested-loops-2026-opt.clif']);

type Outcome = { readonly values: ClifValue[] } | { readonly trap: string };

function outcomes(moduleText: string, argSets: readonly ClifValue[][]): Outcome[] {
  const m = jit(moduleText, { flags: { enable_pinned_reg: true } });
  try {
    return argSets.map((args) => {
      try {
        return { values: m.call('harness', args) };
      } catch (error) {
        // Same trap code in the same function; offsets differ with the code.
        if (error instanceof Trap) return { trap: `${error.trapCode} in ${error.functionName ?? '?'}` };
        throw error;
      }
    });
  } finally {
    m.dispose();
  }
}

for (const name of fixtures) {
  // Flag-based checks (`ifcmp`) have no current-dialect spelling, so the bundled Cranelift
  // cannot compile those originals; they are compared with the pinned rewrite before placement,
  // which checkFuel proves against the original above.
  const flags = readFileSync(dir + name, 'utf8').includes('ifcmp');
  const baseline = flags ? 'the pinned rewrite' : 'the original';
  test(`${name}: JIT-compiled, the placed version gives the same results and final counter as ${baseline}`, (t) => {
    const spec = specOf(name);
    const original = flags ? run(name, 'fuel-pinned,fuel-drop-checks') : read(name);
    modernize(original);
    const placed = run(name, PIPELINE);
    modernize(placed);
    const before = harnessModule(print(original), spec, flags);
    const after = harnessModule(print(placed), spec, true);
    const userParams = parse(before).functions.find((f) => print(f).startsWith('function %harness'))!.signature.params.length - 1;
    const values = LOOPS.has(name) ? [1, 2, 5, 9] : [0, 1, 2, 5, 9];
    const argSets: ClifValue[][] = [];
    for (const budget of [1_000_000n, 3n]) for (const v of values) argSets.push([...new Array<number>(userParams).fill(v), budget]);
    const expected = outcomes(before, argSets);
    const actual = outcomes(after, argSets);
    t.deepEqual(actual, expected);
    // The run did something: at least one call finished with fuel charged.
    t.true(expected.some((o) => 'values' in o && (o.values.at(-1) as bigint) > -1_000_000n));
  });
}
