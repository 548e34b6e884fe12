// A call on a disposed instance rejects with ModuleDisposedError and leaves nothing pending: the
// process then exits by itself (a promise the native side never settled kept Node alive for good).
// Run in a child process so that a regression fails this test instead of hanging the suite.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('a call after dispose rejects, and the process still exits on its own', (t) => {
  const script = `
    import { Engine } from './src/runtime/index.ts';
    const engine = new Engine();
    const m = await engine.compile('function u0:0(i64 vmctx, i64, i32) -> i32 tail {\\nblock0(v0: i64, v1: i64, v2: i32):\\n    return v2\\n}\\n', { metering: 'slacked' });
    const instance = m.instantiate();
    const first = await instance.call('u0:0', [41]);
    instance.dispose();
    let second = 'returned';
    try { await instance.call('u0:0', [1]); } catch (e) { second = e.name; }
    console.log(JSON.stringify({ first: String(first.results[0]), second }));
  `;
  const child = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  t.is(child.signal, null, 'the process hung and was killed');
  t.is(child.status, 0, child.stderr);
  t.deepEqual(JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}'), { first: '41', second: 'ModuleDisposedError' });
});
