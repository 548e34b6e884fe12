// The stress command itself: two rounds of every attack in one process, no failure, no hang,
// RSS bounded between rounds (the full command takes more rounds; see docs/runtime.md).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';

test('npm run stress:guest survives two rounds of every attack in one process', (t) => {
  t.timeout(240_000);
  const script = fileURLToPath(new URL('../../scripts/stress-guest.ts', import.meta.url));
  const run = spawnSync(process.execPath, ['--expose-gc', '--import=tsx', script, '--rounds', '2'], { encoding: 'utf8', timeout: 230_000 });
  t.is(run.status, 0, `${run.stdout}\n${run.stderr}`);
  t.regex(run.stdout, /round 2: \d+ passed, 0 failed so far/);
  t.regex(run.stdout, /^\d+ passed, 0 failed$/m);
});
