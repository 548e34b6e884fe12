// esbuild bundles the CLI into dist/slackfuel.mjs, and the bundle behaves like the source tree.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the bundled CLI prints the example exactly as the source CLI does', (t) => {
  const build = spawnSync(process.execPath, ['scripts/bundle.mjs'], { cwd: root, encoding: 'utf8' });
  t.is(build.status, 0, build.stderr);
  const bundled = spawnSync(process.execPath, ['dist/slackfuel.mjs', 'print', 'examples/wasmtime-fuel.clif'], { cwd: root, encoding: 'utf8' });
  t.is(bundled.status, 0, bundled.stderr);
  const source = runCli(['print', 'examples/wasmtime-fuel.clif']);
  t.is(bundled.stdout, source.stdout);
  t.regex(bundled.stdout, /^function u0:0\(i64 vmctx, i64, i32\) -> i32 tail \{/);
});
