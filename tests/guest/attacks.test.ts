// Every attack of tests/guest/attacks/ in every mode it lists: the host keeps its guarantees
// (docs/runtime.md, "What a guest can and cannot do to the host"). Attacks marked `isolate`
// run in one child process each (all their modes in it), so a crash fails the test. Attacks
// `timed` (they bound their wall-clock time) run serially, which ava does before the concurrent
// tests: under a dozen child processes on two cores a 0.3 s fill once took over 8 s.
import test from 'ava';
import { METERING_MODES } from '../../src/runtime/metering.js';
import { runAttackInChild } from './child.js';
import { loadAttacks } from './load-attacks.js';

for (const attack of await loadAttacks()) {
  const modes = attack.modes ?? METERING_MODES;
  const timeoutMs = attack.timeoutMs ?? 30_000;
  if (attack.isolate === true) {
    test(`${attack.name} (${modes.join(', ')}; own process)`, async (t) => {
      t.timeout(modes.length * timeoutMs + 30_000);
      const results = await runAttackInChild(attack.name, modes, timeoutMs);
      for (const mode of modes) t.is(results.get(mode), null, `${attack.name} (${mode})`);
    });
  } else {
    const run = attack.timed === true ? test.serial : test;
    for (const mode of modes) {
      run(`${attack.name} (${mode})`, async (t) => {
        t.timeout(timeoutMs + 30_000);
        await t.notThrowsAsync(attack.run(mode));
      });
    }
  }
}
