// `npm run peer:build`: builds the Wasmtime reference runner (peers/wasmtime-runner, the
// `wasmtime` crate 48.x) in release mode. Not part of `npm ci`: it takes about 7 minutes on 2
// cores, and only `bench --peers` and `npm run peer:record` need it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const crate = fileURLToPath(new URL('../peers/wasmtime-runner/', import.meta.url));
const cargo = process.env.CARGO ?? 'cargo';
const probe = spawnSync(cargo, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.error('slackfuel peer:build: cargo was not found; install a Rust toolchain (rustc 1.95) with rustup and put ~/.cargo/bin on PATH.');
  process.exit(1);
}
console.log(`slackfuel: building the Wasmtime reference runner with ${probe.stdout.trim()} (release; several minutes)...`);
const started = Date.now();
const build = spawnSync(cargo, ['build', '--release', '--locked'], { cwd: crate, stdio: 'inherit' });
if (build.error || build.status !== 0) {
  console.error(`slackfuel peer:build: cargo build failed (${build.error?.message ?? `exit ${build.status}`})`);
  process.exit(1);
}
const binary = join(crate, 'target', 'release', 'wasmtime-runner');
if (!existsSync(binary)) {
  console.error(`slackfuel peer:build: cargo finished but ${binary} is missing`);
  process.exit(1);
}
console.log(`slackfuel: Wasmtime reference runner built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${binary}`);
