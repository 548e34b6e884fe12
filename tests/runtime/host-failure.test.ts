// A host import that fails in any way (throws a non-Error, returns what its signature cannot
// hold) fails the call with a typed error; the wasm thread and Node go on, and the same instance
// serves the next call. The native side of this (a panic in the dispatcher becomes a failed host
// call, never an unwind into JIT code) is the Rust test in native/src/runtime/host_dispatch.rs.
import test from 'ava';
import { CallError } from '../../src/native/errors.js';
import { Engine } from '../../src/runtime/index.js';
import { fixture } from './fixture.js';

const engine = new Engine();
const text = fixture('host-calls.clif');

function instantiate(accumulate: (acc: unknown, i: unknown) => unknown) {
  return engine.compile(text, { metering: 'slacked' }).then((m) => m.instantiate({ imports: { accumulate: accumulate as never } }));
}

test('a host import that throws a non-Error value rejects the call with that value; the instance goes on', async (t) => {
  let mode: 'throw' | 'ok' = 'throw';
  const instance = await instantiate((acc, i) => {
    if (mode === 'throw') throw 'not an Error object';
    return Number(acc) + Number(i);
  });
  try {
    t.is(await t.throwsAsync(instance.call('u0:0', [3], { fuel: 1000 }), { any: true }), 'not an Error object' as never);
    mode = 'ok';
    t.deepEqual((await instance.call('u0:0', [3], { fuel: 1000 })).results, [6]);
    t.true(instance.threadAlive);
  } finally {
    instance.dispose();
  }
});

test('a host import returning a value its signature cannot hold fails the call with a CallError', async (t) => {
  const answers: unknown[] = ['seven', [1, 2], 2 ** 40];
  const instance = await instantiate((acc, i) => (answers.length > 0 ? answers.shift() : Number(acc) + Number(i)));
  try {
    for (const message of [/result 1 of/, /returned 2 value/, /result 1 of/]) {
      await t.throwsAsync(instance.call('u0:0', [1], { fuel: 1000 }), { instanceOf: CallError, message });
    }
    t.deepEqual((await instance.call('u0:0', [2], { fuel: 1000 })).results, [3]);
  } finally {
    instance.dispose();
  }
});
