import test from 'ava';
import fc from 'fast-check';
import { defaultPipeline } from '../../src/runtime/index.js';
import { Engine, METERING_MODES, type MeteringMode } from '../../src/runtime/index.js';
import { example, fixture } from './fixture.js';

const engine = new Engine();

async function runAll(text: string, name: string, args: number[], modes: readonly MeteringMode[], passes?: string) {
  const out = new Map<string, { results: unknown[]; fuelConsumed: number | null }>();
  for (const metering of modes) {
    const instance = (await engine.compile(text, { metering, ...(passes === undefined ? {} : { passes }) })).instantiate({ imports: text.includes('%accumulate') ? { accumulate: (a, b) => Number(a) + Number(b) } : {} });
    try {
      out.set(metering, await instance.call(name, args, { fuel: 10_000_000 }));
    } finally {
      instance.dispose();
    }
  }
  return out;
}

test('every mode computes the same results; vanilla, slacked and count report identical fuel', async (t) => {
  for (const [text, name, args, expected, fuel] of [
    [example('wasmtime-fuel.clif'), 'u0:0', [1000], 500500, 6003],
    [fixture('recursion.clif'), 'u0:0', [100], 100, 403],
    [fixture('host-calls.clif'), 'u0:0', [10], 55, 43],
  ] as const) {
    const out = await runAll(text, name, [...args], METERING_MODES);
    for (const mode of METERING_MODES) t.deepEqual(out.get(mode)?.results, [expected], mode);
    t.is(out.get('vanilla')?.fuelConsumed, fuel);
    t.is(out.get('slacked')?.fuelConsumed, fuel);
    t.is(out.get('count')?.fuelConsumed, fuel);
    t.is(out.get('none')?.fuelConsumed, null);
    t.is(out.get('epoch')?.fuelConsumed, null);
  }
});

test('slacked after fuel-place and fuel-counted-loops reports the same fuel as vanilla', async (t) => {
  const pipeline = await defaultPipeline('slacked');
  t.is(pipeline, 'fuel-pinned,fuel-drop-checks,fuel-place,fuel-counted-loops');
  t.is(await defaultPipeline('count'), pipeline);
  const text = example('wasmtime-fuel.clif');
  const placed = await runAll(text, 'u0:0', [250], ['slacked'], pipeline);
  const vanilla = await runAll(text, 'u0:0', [250], ['vanilla']);
  t.is(placed.get('slacked')?.fuelConsumed, vanilla.get('vanilla')?.fuelConsumed);
  t.deepEqual(placed.get('slacked')?.results, vanilla.get('vanilla')?.results);
});

test('fuel consumed agrees between vanilla, slacked and count for any input (property)', async (t) => {
  const text = example('wasmtime-fuel.clif');
  const instances = await Promise.all((['vanilla', 'slacked', 'count'] as const).map(async (metering) => (await engine.compile(text, { metering })).instantiate()));
  try {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5000 }), async (n) => {
        const got = await Promise.all(instances.map((i) => i.call('u0:0', [n], { fuel: 1_000_000 })));
        const fuels = got.map((g) => g.fuelConsumed);
        t.deepEqual(fuels, [6 * n + 3, 6 * n + 3, 6 * n + 3]);
        return fuels.every((f) => f === 6 * n + 3);
      }),
      { numRuns: 60 },
    );
  } finally {
    for (const i of instances) i.dispose();
  }
});

test('the mode pipelines: slacked has no inline checks, none has no fuel at all, epoch checks epochs', async (t) => {
  const text = example('wasmtime-fuel.clif');
  const slacked = await engine.compile(text, { metering: 'slacked' });
  t.notRegex(slacked.text.split('function %sf_enter')[0]!, /u805306368:12/);
  t.regex(slacked.text, /set_pinned_reg/);
  const none = await engine.compile(text, { metering: 'none' });
  t.notRegex(none.text.split('function %sf_enter')[0]!, /pinned_reg|u805306368|load\.i64/);
  const epoch = await engine.compile(text, { metering: 'epoch' });
  t.regex(epoch.text, /colocated u805306368:13/);
  t.regex(epoch.text, /icmp uge/);
});
