// The pass framework: pipeline syntax, validation errors that list what is valid, option
// defaults, statistics, and analysis caching with invalidation on CFG changes.
import test from 'ava';
import { z } from 'zod';
import { formatFunctionName, parse, type Function } from '../../src/ir/index.js';
import {
  CFG_CHANGED,
  createRegistry,
  defaultRegistry,
  definePass,
  describeOptions,
  fuelPinnedPass,
  loadOptionalPasses,
  parsePipeline,
  PassManager,
  PassOptionsError,
  PassRegistry,
  PipelineSyntaxError,
  UNCHANGED,
  UnknownPassError,
} from '../../src/passes/index.js';

test('pipeline text: names, key=value options, lists, JSON values and JSON objects', (t) => {
  t.deepEqual(parsePipeline('fuel-pinned,fuel-drop-checks'), [{ name: 'fuel-pinned' }, { name: 'fuel-drop-checks' }]);
  t.deepEqual(parsePipeline(' dce , merge-blocks{thread=false, merge=true} '), [
    { name: 'dce' },
    { name: 'merge-blocks', options: { thread: false, merge: true } },
  ]);
  t.deepEqual(parsePipeline('fuel-pinned{non-pinned=[u805306368:*,%*],indirect=non-pinned,location=wasmtime-2022}'), [
    { name: 'fuel-pinned', options: { nonPinned: ['u805306368:*', '%*'], indirect: 'non-pinned', location: 'wasmtime-2022' } },
  ]);
  t.deepEqual(parsePipeline('fuel-pinned{"location": {"name": "x", "contextOffset": 16, "counterOffset": 8}}'), [
    { name: 'fuel-pinned', options: { location: { name: 'x', contextOffset: 16, counterOffset: 8 } } },
  ]);
  t.deepEqual(parsePipeline('p{n=3,s="a,b",e=[]}'), [{ name: 'p', options: { n: 3, s: 'a,b', e: [] } }]);
});

test('pipeline syntax errors say where', (t) => {
  for (const bad of ['', 'a,,b', 'a{x=1', 'a{x}', 'a{x=}', '1pass', 'a{x=1}b', 'a{x="unterminated}']) {
    const error = t.throws(() => parsePipeline(bad), { instanceOf: PipelineSyntaxError }, bad);
    t.regex(error?.message ?? '', /column \d+/);
  }
});

test('an unknown pass lists the valid ones', (t) => {
  const error = t.throws(() => PassManager.build('fuel-pinned,fuel-magic'), { instanceOf: UnknownPassError });
  t.is(error?.passName, 'fuel-magic');
  for (const name of ['dce', 'fuel-drop-checks', 'fuel-pinned', 'merge-blocks', 'remove-unreachable']) t.true(error!.message.includes(name));
});

test('bad options list the problem and the option schema', (t) => {
  const error = t.throws(() => PassManager.build('fuel-pinned{indirect=sometimes}'), { instanceOf: PassOptionsError });
  t.true(error!.message.includes('indirect'));
  t.true(error!.message.includes('"pinned" | "non-pinned"'));
  t.true(error!.message.includes('nonPinned: list of string'));
  const unknown = t.throws(() => PassManager.build([{ name: 'dce', options: { aggressive: true } }]), { instanceOf: PassOptionsError });
  t.true(unknown!.message.includes('aggressive'));
  t.true(unknown!.message.includes('options of dce: none'));
  const pattern = t.throws(() => PassManager.build('fuel-drop-checks{non-pinned=[fn3]}'), { instanceOf: PassOptionsError });
  t.true(pattern!.message.includes('uNS:IDX'));
});

test('options are validated once and defaults filled in', (t) => {
  const manager = PassManager.build([{ name: 'fuel-pinned' }, { name: 'merge-blocks', options: { thread: false } }]);
  t.deepEqual(manager.steps[0]!.options, { location: 'auto', nonPinned: ['u805306368:*', 'u1:*', '%*'], indirect: 'pinned' });
  t.deepEqual(manager.steps[1]!.options, { thread: false, merge: true });
  t.true(describeOptions(fuelPinnedPass).startsWith('options of fuel-pinned:\n  location:'));
});

function counting(name: string, changesCfg: boolean, seen: number[]) {
  return definePass({
    name,
    description: `test pass ${name}`,
    options: z.object({}).strict(),
    run(_fn: Function, ctx) {
      ctx.analyses.dominators();
      seen.push(ctx.analyses.computations);
      ctx.stat(`${name}.ran`, 1);
      return changesCfg ? CFG_CHANGED : UNCHANGED;
    },
  });
}

test('analyses are cached across passes until one reports a CFG change', (t) => {
  const seen: number[] = [];
  const registry = new PassRegistry().register(counting('look', false, seen)).register(counting('cut', true, seen));
  const fn = parse('function %f() {\nblock0:\n    jump block1\n\nblock1:\n    return\n}').functions[0]!;
  const result = PassManager.build('look,look,cut,look', registry).run(fn);
  // cfg + dominators once; reused by the second `look` and by `cut`; recomputed after `cut`.
  t.deepEqual(seen, [2, 2, 2, 4]);
  t.is(result.analysisComputations, 4);
  t.deepEqual([...result.stats.keys()], ['look.ran', 'cut.ran']);
  t.deepEqual(
    result.passes.map((p) => [p.pass, p.changed, p.cfgChanged]),
    [
      ['look', false, false],
      ['look', false, false],
      ['cut', true, true],
      ['look', false, false],
    ],
  );
  t.true(result.changed);
});

test('every built-in pass is registered on import; a registry refuses duplicate names', (t) => {
  for (const name of ['fuel-pinned', 'fuel-drop-checks', 'fuel-place', 'fuel-strip', 'epoch-insert', 'dce', 'merge-blocks', 'remove-unreachable']) {
    t.true(defaultRegistry.has(name), name);
  }
  t.is(PassManager.build('fuel-pinned,fuel-drop-checks,fuel-place').steps.length, 3);
  const registry = createRegistry();
  t.true(registry.has('fuel-place'));
  t.throws(() => registry.register(fuelPinnedPass), { message: /already registered/ });
});

test('optional passes load on demand, once, and a missing module is skipped', async (t) => {
  const registry = createRegistry();
  t.deepEqual(await loadOptionalPasses(registry), [], 'the built-in passes need no loading');
  const missing = new URL('./no-such-module.js', import.meta.url).href;
  const entries = [
    { name: 'optional-test', exportName: 'optionalTestPass', load: () => import('./optional-pass.fixture.js') },
    { name: 'absent', exportName: 'nothing', load: () => import(missing) as Promise<object> },
  ];
  const results = await Promise.all([loadOptionalPasses(registry, entries), loadOptionalPasses(registry, entries)]);
  t.deepEqual(results.flat(), ['optional-test']);
  t.is(PassManager.build('optional-test', registry).steps[0]!.pass.name, 'optional-test');
  t.false(registry.has('absent'));
});

test('PassManager takes pass objects, registered or not, with or without options', (t) => {
  const seen: string[] = [];
  const tag = definePass({
    name: 'tag',
    description: 'records the function it saw',
    options: z.object({ prefix: z.string().default('saw') }).strict(),
    run: (fn, ctx) => {
      seen.push(`${ctx.options.prefix} ${formatFunctionName(fn.name)}`);
      return UNCHANGED;
    },
  });
  const [fn] = parse('function %f() {\nblock0:\n    return\n}\n').functions;
  const manager = PassManager.build([tag, { pass: tag, options: { prefix: 'again' } }, { name: 'dce' }]);
  t.deepEqual(manager.steps.map((s) => s.pass.name), ['tag', 'tag', 'dce']);
  manager.run(fn!);
  t.deepEqual(seen, ['saw %f', 'again %f']);
  t.false(defaultRegistry.has('tag'), 'a pass object is not registered by being run');
  t.throws(() => PassManager.build([{ pass: tag, options: { prefix: 3 } }]), { instanceOf: PassOptionsError, message: /prefix/ });
});

