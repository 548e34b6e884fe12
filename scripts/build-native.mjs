// npm's install hook: builds the native Cranelift addon (native/) with cargo in release mode and
// copies the shared library to native/slackfuel.node, where src/native/addon.ts loads it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const nativeDir = fileURLToPath(new URL('../native/', import.meta.url));
const target = join(nativeDir, 'slackfuel.node');

function fail(message) {
  console.error(`slackfuel: ${message}`);
  process.exit(1);
}

if (process.env.SLACKFUEL_SKIP_NATIVE_BUILD === '1') {
  console.log('slackfuel: SLACKFUEL_SKIP_NATIVE_BUILD=1, not building the native addon');
  process.exit(0);
}
if (process.platform !== 'linux') {
  fail(`the native addon supports Linux (x86_64, aarch64) only; this is ${process.platform}`);
}

const cargo = process.env.CARGO ?? 'cargo';
const probe = spawnSync(cargo, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  fail(
    `cargo was not found (${probe.error?.message ?? `exit ${probe.status}`}).\n` +
      'The native Cranelift addon needs a Rust toolchain (rustc 1.95 or newer): install it with rustup\n' +
      '(https://rustup.rs), make sure ~/.cargo/bin is on PATH, and run `npm ci` (or `node scripts/build-native.mjs`) again.',
  );
}

console.log(`slackfuel: building the native addon with ${probe.stdout.trim()} (release profile)...`);
const started = process.hrtime.bigint();
const build = spawnSync(cargo, ['build', '--release', '--locked'], { cwd: nativeDir, stdio: 'inherit' });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (build.error || build.status !== 0) {
  fail(`cargo build failed after ${seconds.toFixed(1)} s (${build.error?.message ?? `exit ${build.status}`})`);
}

const library = join(nativeDir, 'target', 'release', 'libslackfuel_native.so');
if (!existsSync(library)) fail(`cargo finished but ${library} is missing`);
copyFileSync(library, target);
console.log(`slackfuel: native addon built in ${seconds.toFixed(1)} s -> native/slackfuel.node`);
