// After a host call the main thread waits, blocked, up to `hostStepWaitMicros` for the call's
// next step, then awaits it through the event loop (docs/runtime.md, "Host calls"). Either way
// the call must see the same results, fuel and errors.
import test from 'ava';
import { ModuleDisposedError } from '../../src/native/errors.js';
import { Engine, instantiateOptionsSchema, OutOfFuel } from '../../src/runtime/index.js';
import { fixture } from './fixture.js';

const engine = new Engine();
const hostCalls = fixture('host-calls.clif');
const hostThenLoop = fixture('host-then-loop.clif');

for (const metering of ['vanilla', 'slacked'] as const) {
  test(`${metering}: every wait gives the same results and fuel over 500 host calls`, async (t) => {
    const module = await engine.compile(hostCalls, { metering });
    const outcomes = [];
    for (const hostStepWaitMicros of [0, 1, 100, 10_000]) {
      let calls = 0;
      const instance = module.instantiate({ hostStepWaitMicros, imports: { accumulate: (acc, i) => (calls++, Number(acc) + Number(i)) } });
      try {
        outcomes.push({ ...(await instance.call('u0:0', [500], { fuel: 1_000_000 })), calls });
      } finally {
        instance.dispose();
      }
    }
    // 2 on entry, 4 per iteration, 1 at exit; the sum of 1..500.
    for (const o of outcomes) t.deepEqual(o, { results: [125_250], fuelConsumed: 2 + 4 * 500 + 1, calls: 500 });
  });
}

test('a step that comes after the wait is awaited instead, with the same result', async (t) => {
  const module = await engine.compile(hostThenLoop, { metering: 'none' });
  for (const hostStepWaitMicros of [0, 1, 100]) {
    const instance = module.instantiate({ hostStepWaitMicros, imports: { ping: (n) => Number(n) * 2 } });
    try {
      // 30 million iterations take milliseconds: far beyond any of these waits.
      t.deepEqual((await instance.call('u0:0', [30_000_000])).results, [90_000_000], `wait ${hostStepWaitMicros}`);
    } finally {
      instance.dispose();
    }
  }
});

test('the native side: resumeWait gives a late step to nextStep, exactly once', async (t) => {
  const module = await engine.compile(hostThenLoop, { metering: 'none' });
  const { instance, native } = module.instantiateWithNative({ imports: { ping: (n) => n } });
  try {
    // The entry trampoline takes (vmctx, n); the native side fills in the vmctx slot.
    const args = new Uint8Array(16);
    new DataView(args.buffer).setInt32(0, 30_000_000, true);
    const entry = native.functions.findIndex((f) => f.name.startsWith('%sf_enter_'));
    const first = await native.call(entry, args, undefined);
    t.is(first.kind, 'host');
    const answer = new Uint8Array(16);
    new DataView(answer.buffer).setInt32(0, 7, true);
    // The loop after the answer runs for milliseconds: a 1 µs wait gives up.
    t.is(native.resumeWait(answer, false, 1), undefined);
    const late = await native.nextStep();
    t.is(late.kind, 'returned');
    t.is(late.kind === 'returned' ? new DataView(late.slots.buffer, late.slots.byteOffset).getInt32(0, true) : undefined, 30_000_007);
    // Nothing is pending any more: a second nextStep is a failed step, not a hang.
    const none = await native.nextStep();
    t.is(none.kind, 'failed');
  } finally {
    instance.dispose();
  }
});

test('a host function that throws while steps are awaited in place rejects the call with its error', async (t) => {
  const module = await engine.compile(hostCalls, { metering: 'slacked' });
  const instance = module.instantiate({
    imports: {
      accumulate: (acc, i) => {
        if (Number(i) === 3) throw new RangeError('three');
        return Number(acc) + Number(i);
      },
    },
  });
  try {
    await t.throwsAsync(instance.call('u0:0', [10], { fuel: 10_000 }), { instanceOf: RangeError, message: 'three' });
  } finally {
    instance.dispose();
  }
});

test('hostStepWaitMicros is validated', (t) => {
  t.is(instantiateOptionsSchema.parse({}).hostStepWaitMicros, 100);
  for (const bad of [-1, 1.5, 10_001]) t.false(instantiateOptionsSchema.safeParse({ hostStepWaitMicros: bad }).success, String(bad));
});

test('a host function that disposes its own instance ends the call with ModuleDisposedError, waiting or not', async (t) => {
  const module = await engine.compile(hostCalls, { metering: 'slacked' });
  for (const hostStepWaitMicros of [0, 100]) {
    const instance = module.instantiate({
      hostStepWaitMicros,
      imports: {
        accumulate: (acc, i) => {
          if (Number(i) === 2) instance.dispose();
          return Number(acc) + Number(i);
        },
      },
    });
    await t.throwsAsync(instance.call('u0:0', [5], { fuel: 10_000 }), { instanceOf: ModuleDisposedError }, `wait ${hostStepWaitMicros}`);
    t.true(instance.disposed);
  }
});

test('checks every 0.1 ms while steps are awaited in place change no outcome: the budget runs out at the same host call', async (t) => {
  // 2 on entry and 4 per iteration before its host call: after k calls' increments the counter
  // is 2 + 4k - 1,002, and the boundary check refuses the call that brings it to 0 (k = 250).
  const module = await engine.compile(hostCalls, { metering: 'slacked' });
  for (const hostStepWaitMicros of [0, 100, 10_000]) {
    let calls = 0;
    const instance = module.instantiate({ hostStepWaitMicros, checkIntervalMs: 0.1, imports: { accumulate: (acc) => (calls++, acc) } });
    try {
      await t.throwsAsync(instance.call('u0:0', [100_000], { fuel: 1_002 }), { instanceOf: OutOfFuel });
      t.is(calls, 249, `wait ${hostStepWaitMicros}`);
    } finally {
      instance.dispose();
    }
  }
});
