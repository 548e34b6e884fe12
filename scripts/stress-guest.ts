// `npm run stress:guest [-- --rounds N] [--seconds S] [--max-rss-growth-mib M]`: runs every
// attack of tests/guest/attacks/ in every mode it lists, round after round, in ONE process
// (attacks marked `isolate` too: surviving them in-process is the point), with a deadline per
// run. Prints a tally and the RSS after the first and the last round; exits 1 on any failed
// guarantee, hang, or RSS growth past the bound.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { METERING_MODES } from '../src/runtime/metering.js';
import { settle } from '../tests/guest/guest.js';
import { loadAttacks } from '../tests/guest/load-attacks.js';

const optionsSchema = z.object({
  rounds: z.coerce.number().int().positive().default(3),
  seconds: z.coerce.number().positive().default(600),
  'max-rss-growth-mib': z.coerce.number().positive().default(256),
});

const { values } = parseArgs({ options: { rounds: { type: 'string' }, seconds: { type: 'string' }, 'max-rss-growth-mib': { type: 'string' }, help: { type: 'boolean' } } });
if (values.help === true) {
  console.log('usage: npm run stress:guest -- [--rounds N (3)] [--seconds S (600)] [--max-rss-growth-mib M (256)]');
  process.exit(0);
}
const o = optionsSchema.parse(values);
// Worker-thread attacks spawn threads that compile; they run as well, one at a time like the rest.
const attacks = await loadAttacks();
const deadline = Date.now() + o.seconds * 1000;
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
let passed = 0;
const failures: string[] = [];
let firstRss: number | undefined;
let round = 0;
for (; round < o.rounds && Date.now() < deadline; round++) {
  for (const attack of attacks) {
    for (const mode of attack.modes ?? METERING_MODES) {
      const limit = attack.timeoutMs ?? 30_000;
      const outcome = await settle(attack.run(mode), limit);
      if (outcome === 'hang') failures.push(`round ${round + 1}: ${attack.name} (${mode}) still running after ${limit} ms`);
      else if ('error' in outcome) failures.push(`round ${round + 1}: ${attack.name} (${mode}): ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`);
      else passed++;
    }
  }
  globalThis.gc?.();
  const rss = process.memoryUsage().rss;
  firstRss ??= rss;
  console.log(`round ${round + 1}: ${passed} passed, ${failures.length} failed so far; RSS ${mib(rss)} MiB`);
}
const growth = process.memoryUsage().rss - (firstRss ?? 0);
if (round > 1 && growth > o['max-rss-growth-mib'] * 2 ** 20) failures.push(`RSS grew by ${mib(growth)} MiB from round 1 to round ${round} (bound ${o['max-rss-growth-mib']} MiB)`);
for (const f of failures) console.log(`FAILED ${f}`);
console.log(`stress:guest: ${round} round(s) of ${attacks.length} attacks`);
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
