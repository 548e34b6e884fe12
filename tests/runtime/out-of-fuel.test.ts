import test from 'ava';
import { Engine, OutOfFuel } from '../../src/runtime/index.js';
import { Trap } from '../../src/runtime/errors.js';
import { fixture } from './fixture.js';

const engine = new Engine();

test('an infinite loop under slacked ends in OutOfFuel, detected by the asynchronous checker', async (t) => {
  const instance = (await engine.compile(fixture('infinite-loop.clif'), { metering: 'slacked' })).instantiate({ checkIntervalMs: 1 });
  try {
    const error = await t.throwsAsync(instance.call('u0:0', [0], { fuel: 5_000_000 }), { instanceOf: OutOfFuel });
    t.is(error?.detectedBy, 'checker');
    t.is(error?.budget, 5_000_000);
    // The instance stays usable after an asynchronous unwind.
    await t.throwsAsync(instance.call('u0:0', [0], { fuel: 1000 }), { instanceOf: OutOfFuel });
  } finally {
    instance.dispose();
  }
});

test('an infinite loop under vanilla ends in OutOfFuel at its loop-header check', async (t) => {
  const instance = (await engine.compile(fixture('infinite-loop.clif'), { metering: 'vanilla' })).instantiate();
  try {
    const error = await t.throwsAsync(instance.call('u0:0', [0], { fuel: 100_000 }), { instanceOf: OutOfFuel });
    t.is(error?.detectedBy, 'boundary');
  } finally {
    instance.dispose();
  }
});

test('unbounded recursion with a budget below the stack limit ends in OutOfFuel, with or without a checker', async (t) => {
  const module = await engine.compile(fixture('recursion.clif'), { metering: 'slacked' });
  // Without a checker the recursion reaches the stack limit; that trap, taken with F >= 0, is OutOfFuel.
  const unchecked = module.instantiate({ checkIntervalMs: false });
  const checked = module.instantiate({ checkIntervalMs: 0.5 });
  try {
    const a = await t.throwsAsync(unchecked.call('u0:1', [0], { fuel: 50_000 }), { instanceOf: OutOfFuel });
    t.is(a?.detectedBy, 'trap');
    const b = await t.throwsAsync(checked.call('u0:1', [0], { fuel: 50_000 }), { instanceOf: OutOfFuel });
    t.true(b?.detectedBy === 'checker' || b?.detectedBy === 'trap');
    // With a budget larger than the stack allows, the stack overflow is a plain Trap.
    const c = await t.throwsAsync(unchecked.call('u0:1', [0], { fuel: 1e12 }), { instanceOf: Trap });
    t.is(c?.trapCode, 'stk_ovf');
  } finally {
    unchecked.dispose();
    checked.dispose();
  }
});

test('a zero or too small budget is OutOfFuel before or at the end of the call, never a result', async (t) => {
  for (const metering of ['slacked', 'vanilla'] as const) {
    const instance = (await engine.compile(fixture('recursion.clif'), { metering })).instantiate();
    try {
      await t.throwsAsync(instance.call('u0:0', [3], { fuel: 0 }), { instanceOf: OutOfFuel }, metering);
      // Cost of u0:0(3) is 15: slacked refuses to return with the budget exhausted (F = 0).
      const exact = instance.call('u0:0', [3], { fuel: 15 });
      if (metering === 'slacked') await t.throwsAsync(exact, { instanceOf: OutOfFuel });
      else t.deepEqual(await exact, { results: [3], fuelConsumed: 15 });
      t.deepEqual(await instance.call('u0:0', [3], { fuel: 16 }), { results: [3], fuelConsumed: 15 });
    } finally {
      instance.dispose();
    }
  }
});

test('count mode only counts: no budget applies, the fuel consumed is reported', async (t) => {
  const instance = (await engine.compile(fixture('recursion.clif'), { metering: 'count' })).instantiate();
  try {
    t.deepEqual(await instance.call('u0:0', [50], { fuel: 1 }), { results: [50], fuelConsumed: 203 });
  } finally {
    instance.dispose();
  }
});

test('a trap with fuel left stays a Trap', async (t) => {
  const text = `function u0:0(i64 vmctx, i64, i32) -> i32 tail {
block0(v0: i64, v1: i64, v2: i32):
    v3 = iconst.i32 7
    v4 = udiv v3, v2
    return v4
}
`;
  for (const metering of ['slacked', 'vanilla', 'none'] as const) {
    const instance = (await engine.compile(text, { metering })).instantiate();
    try {
      const error = await t.throwsAsync(instance.call('u0:0', [0], { fuel: 100 }), { instanceOf: Trap });
      t.is(error?.trapCode, 'int_divz');
      t.deepEqual((await instance.call('u0:0', [7], { fuel: 100 })).results, [1]);
    } finally {
      instance.dispose();
    }
  }
});
