// Checks the package as npm would publish it: builds dist/, packs it once, then lints the tarball with publint and with Are the Types Wrong (ESM only:
// `require` works through Node's require(esm), not through a CommonJS build). Both tools read
// the tarball locally; neither needs the network.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const dir = mkdtempSync(join(tmpdir(), 'slackfuel-pack-'));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    console.error(`check-package: ${[command, ...args].join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`);
    rmSync(dir, { recursive: true, force: true });
    process.exit(1);
  }
  return result.stdout;
}

try {
  process.stdout.write(run(process.execPath, ['scripts/build.mjs']));
  // The build just ran: `prepare` need not run it again (its output would also spoil the JSON).
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir]));
  const tarball = join(dir, packed[0].filename);
  console.log(`check-package: ${packed[0].filename}, ${packed[0].entryCount} files, ${(packed[0].size / 1024).toFixed(0)} KiB packed`);
  process.stdout.write(run(bin('publint'), ['run', '--strict', tarball]));
  process.stdout.write(run(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'table-flipped', '--no-emoji']));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
