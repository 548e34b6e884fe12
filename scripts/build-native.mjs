// npm's install hook: builds the native Cranelift addon (native/) with cargo in release mode and
// copies the shared library to native/slackfuel.node, where src/native/addon.ts loads it.
//
// npm (7 and later) hides what install scripts print unless they fail, and a first build takes
// minutes, so under npm progress goes to the terminal (/dev/tty) when there is one; run by hand,
// or with no terminal, it goes to stderr.
// Installed as a dependency (the package sits in a node_modules folder), the build happens in a
// temporary target directory that is removed afterwards: nobody rebuilds an installed package
// incrementally, and target/ holds about 400 MB. In a checkout, native/target/ stays.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, sep } from 'node:path';

const nativeDir = fileURLToPath(new URL('../native/', import.meta.url));
const target = join(nativeDir, 'slackfuel.node');
const installed = nativeDir.split(sep).includes('node_modules');

function openProgress() {
  if (process.stderr.isTTY || process.env.npm_lifecycle_event === undefined) return 2;
  try {
    return openSync('/dev/tty', 'w');
  } catch {
    return 2;
  }
}
const progressFd = openProgress();
function say(message) {
  writeSync(progressFd, `slackfuel: ${message}\n`);
}

function fail(message) {
  // stderr as well as the terminal: npm prints a failed script's stderr in its error report.
  if (progressFd !== 2) say(message);
  console.error(`slackfuel: ${message}`);
  process.exit(1);
}

if (process.env.SLACKFUEL_SKIP_NATIVE_BUILD === '1') {
  say('SLACKFUEL_SKIP_NATIVE_BUILD=1, not building the native addon');
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
      '(https://rustup.rs), make sure ~/.cargo/bin is on PATH, and run `npm ci` (or `node scripts/build-native.mjs`) again.\n' +
      'The library parts that need no addon (parse, print, passes, analyses, check-fuel) work without it.',
  );
}

const targetDir = installed ? mkdtempSync(join(tmpdir(), 'slackfuel-target-')) : join(nativeDir, 'target');
say(`building the native addon with ${probe.stdout.trim()} (release profile; a first build takes 2-6 minutes)...`);
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

// cargo reports one `Compiling NAME vX` line per crate; relay those with a count and the time.
const child = spawn(cargo, ['build', '--release', '--locked', '--target-dir', targetDir], { cwd: nativeDir, stdio: ['ignore', 'inherit', 'pipe'] });
let compiled = 0;
let pending = '';
let log = '';
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk) => {
  log += chunk;
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    const compiling = /^\s*Compiling (\S+)/.exec(line);
    if (compiling) say(`[${++compiled} crates, ${elapsed()}] compiling ${compiling[1]}`);
  }
});
const status = await new Promise((resolve) => {
  child.on('error', (error) => resolve(error.message));
  child.on('close', (code, signal) => resolve(code === 0 ? 0 : `exit ${code ?? signal}`));
});

const library = join(targetDir, 'release', 'libslackfuel_native.so');
let problem;
if (status !== 0) {
  process.stderr.write(log.slice(-20_000));
  problem = `cargo build failed after ${elapsed()} (${status})`;
} else if (!existsSync(library)) {
  problem = `cargo finished but ${library} is missing`;
} else {
  copyFileSync(library, target);
}
if (installed) rmSync(targetDir, { recursive: true, force: true });
if (problem !== undefined) fail(problem);
say(`native addon built in ${elapsed()} -> native/slackfuel.node${installed ? ' (build directory removed)' : ''}`);
