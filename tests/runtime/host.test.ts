import test from 'ava';
import { Engine, OutOfFuel, RuntimeConfigError } from '../../src/runtime/index.js';
import { fixture } from './fixture.js';

const engine = new Engine();
const text = fixture('host-calls.clif');

test('CLIF calls host functions through wasm→host trampolines; the wasm thread waits for them', async (t) => {
  const seen: Array<[number, number]> = [];
  const instance = (await engine.compile(text, { metering: 'slacked' })).instantiate({
    imports: {
      accumulate: (acc, i) => {
        seen.push([Number(acc), Number(i)]);
        return Number(acc) + Number(i) * 2;
      },
    },
  });
  try {
    t.deepEqual(await instance.call('u0:0', [4], { fuel: 1000 }), { results: [20], fuelConsumed: 19 });
    t.deepEqual(seen, [
      [0, 4],
      [8, 3],
      [14, 2],
      [18, 1],
    ]);
  } finally {
    instance.dispose();
  }
});

test('asynchronous host functions are awaited', async (t) => {
  const instance = (await engine.compile(text, { metering: 'count' })).instantiate({
    imports: { '%accumulate': async (acc, i) => new Promise((resolve) => setTimeout(() => resolve(Number(acc) + Number(i)), 2)) },
  });
  try {
    t.deepEqual(await instance.call('u0:0', [5]), { results: [15], fuelConsumed: 23 });
  } finally {
    instance.dispose();
  }
});

test('no host import is entered once the counter is >= 0 (slacked); vanilla enters one more', async (t) => {
  // Cost: 2 on entry, 4 per iteration before its host call. Budget 20: F = -2 before the 5th
  // increment, +2 at the 5th host call.
  for (const [metering, calls] of [
    ['slacked', 4],
    ['vanilla', 5],
  ] as const) {
    let count = 0;
    const instance = (await engine.compile(text, { metering })).instantiate({ imports: { accumulate: (a) => (count++, a) } });
    try {
      await t.throwsAsync(instance.call('u0:0', [10], { fuel: 20 }), { instanceOf: OutOfFuel });
      t.is(count, calls, metering);
    } finally {
      instance.dispose();
    }
  }
});

test('an error thrown by a host function rejects the call with that error', async (t) => {
  const boom = new Error('host says no');
  const instance = (await engine.compile(text, { metering: 'slacked' })).instantiate({
    imports: {
      accumulate: (acc) => {
        if (Number(acc) > 5) throw boom;
        return Number(acc) + 3;
      },
    },
  });
  try {
    t.is(await t.throwsAsync(instance.call('u0:0', [10], { fuel: 1000 })), boom);
    t.deepEqual((await instance.call('u0:0', [2], { fuel: 1000 })).results, [6]);
  } finally {
    instance.dispose();
  }
});

test('missing or unknown host functions are configuration errors', async (t) => {
  const module = await engine.compile(text, { metering: 'slacked' });
  t.throws(() => module.instantiate(), { instanceOf: RuntimeConfigError, message: /missing host function %accumulate/ });
  t.throws(() => module.instantiate({ imports: { accumulate: () => 0, other: () => 0 } }), { instanceOf: RuntimeConfigError });
});
