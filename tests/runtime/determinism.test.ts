import test from 'ava';
import { Engine, OutOfFuel } from '../../src/runtime/index.js';
import { example } from './fixture.js';

const engine = new Engine();

type Outcome = { results: unknown[]; fuelConsumed: number | null } | 'OutOfFuel';

async function outcome(p: Promise<{ results: unknown[]; fuelConsumed: number | null }>): Promise<Outcome> {
  try {
    return await p;
  } catch (error) {
    if (error instanceof OutOfFuel) return 'OutOfFuel';
    throw error;
  }
}

test('outcomes and fuel do not depend on the checker interval (0.1 ms to 100 ms) over budgets around the exact cost', async (t) => {
  const n = 3_000_000;
  const cost = 6 * n + 3;
  const budgets = [0, 1, cost / 2, cost - 7, cost - 1, cost, cost + 1, cost + 7, 2 * cost].map(Math.round);
  const module = await engine.compile(example('wasmtime-fuel.clif'), { metering: 'slacked' });
  const reference = module.instantiate({ checkIntervalMs: false });
  const expected: Outcome[] = [];
  for (const fuel of budgets) expected.push(await outcome(reference.call('u0:0', [n], { fuel })));
  reference.dispose();
  t.deepEqual(expected.slice(-3), [
    { results: [Number((BigInt(n) * BigInt(n + 1)) / 2n) | 0], fuelConsumed: cost },
    { results: [Number((BigInt(n) * BigInt(n + 1)) / 2n) | 0], fuelConsumed: cost },
    { results: [Number((BigInt(n) * BigInt(n + 1)) / 2n) | 0], fuelConsumed: cost },
  ]);
  t.true(expected.slice(0, 6).every((o) => o === 'OutOfFuel'));
  let interrupted = 0;
  for (const interval of [0.1, 0.3, 1, 5, 20, 100]) {
    const instance = module.instantiate({ checkIntervalMs: interval });
    try {
      for (let round = 0; round < 2; round++) {
        for (const [i, fuel] of budgets.entries()) {
          const got = await outcome(
            instance.call('u0:0', [n], { fuel }).catch((error: unknown) => {
              if (error instanceof OutOfFuel && error.detectedBy === 'checker') interrupted++;
              throw error;
            }),
          );
          t.deepEqual(got, expected[i], `interval ${interval} ms, budget ${fuel}`);
        }
      }
    } finally {
      instance.dispose();
    }
  }
  // The checker really interrupted some of these runs (the budgets below the cost at short intervals).
  t.true(interrupted > 0, `interrupted ${interrupted} times`);
});
