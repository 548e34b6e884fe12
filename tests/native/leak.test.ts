import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { jit, registeredCodeRanges } from '../../src/native/index.js';
import { fixture } from './fixture.js';

const text = fixture('control.clif');
const MiB = 1024 * 1024;

function cycle(): void {
  const module = jit(text);
  module.call('fib', [10]);
  module.call('select_case', [2]);
  module.dispose();
}

test.serial('compiling, running and disposing 2,000 modules keeps resident memory bounded', (t) => {
  const baselineRanges = registeredCodeRanges();
  for (let i = 0; i < 200; i++) cycle(); // warm up allocators and caches
  const before = process.memoryUsage().rss;
  const started = performance.now();
  for (let i = 0; i < 2000; i++) cycle();
  const seconds = (performance.now() - started) / 1000;
  const after = process.memoryUsage().rss;
  const growth = (after - before) / MiB;
  t.log(`2,000 modules in ${seconds.toFixed(2)} s; RSS ${(before / MiB).toFixed(1)} MiB -> ${(after / MiB).toFixed(1)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB)`);
  t.true(growth < 32, `RSS grew by ${growth.toFixed(1)} MiB`);
  t.is(registeredCodeRanges(), baselineRanges, 'every code range was unregistered');
});

test.serial('modules that are never disposed are freed by the garbage collector', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const baseline = registeredCodeRanges();
  (() => {
    for (let i = 0; i < 100; i++) jit(text).call('square', [3n]);
  })();
  t.true(registeredCodeRanges() >= baseline + 100 * 7, 'the modules registered their code');
  for (let round = 0; round < 20 && registeredCodeRanges() > baseline; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  t.is(registeredCodeRanges(), baseline);
});
