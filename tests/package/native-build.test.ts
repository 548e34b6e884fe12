// The install script (scripts/build-native.mjs) around a stand-in cargo: it reports progress,
// says clearly what to do when cargo is missing or the build fails, and removes its build
// directory when the package was installed as a dependency (but keeps native/target in a
// checkout, where builds are incremental). The real cargo build is what CI's `npm ci` runs.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/build-native.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'slackfuel-native-build-'));
test.after.always(() => rmSync(work, { recursive: true, force: true }));

// A cargo that answers --version, prints two `Compiling` lines, writes the library into the
// --target-dir it was given and records that directory. FAKE_CARGO_FAIL=1 makes the build fail.
const fakeCargo = join(work, 'cargo');
writeFileSync(
  fakeCargo,
  `#!/bin/sh
if [ "$1" = "--version" ]; then echo "cargo 1.95.0 (stand-in)"; exit 0; fi
while [ $# -gt 0 ]; do if [ "$1" = "--target-dir" ]; then dir="$2"; fi; shift; done
echo "$dir" > "$FAKE_CARGO_RECORD"
echo "   Compiling cranelift-codegen v0.135.8" >&2
if [ "$FAKE_CARGO_FAIL" = "1" ]; then echo "error[E0308]: mismatched types" >&2; exit 101; fi
echo "   Compiling slackfuel-native v0.1.0" >&2
mkdir -p "$dir/release" && echo addon > "$dir/release/libslackfuel_native.so"
`,
);
chmodSync(fakeCargo, 0o755);

/** A package folder holding the script and an empty native/ at `path`. */
function layout(path: string): string {
  mkdirSync(join(path, 'scripts'), { recursive: true });
  mkdirSync(join(path, 'native'), { recursive: true });
  copyFileSync(script, join(path, 'scripts', 'build-native.mjs'));
  return path;
}

function build(pkg: string, env: Record<string, string>) {
  const record = join(pkg, 'target-dir.txt');
  const result = spawnSync(process.execPath, [join(pkg, 'scripts', 'build-native.mjs')], {
    cwd: pkg,
    encoding: 'utf8',
    // No terminal: progress goes to stderr.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', FAKE_CARGO_RECORD: record, ...env },
  });
  const targetDir = existsSync(record) ? readFileSync(record, 'utf8').trim() : undefined;
  return { code: result.status, stderr: result.stderr, targetDir };
}

test('installed as a dependency: progress shown, addon copied, build directory removed', (t) => {
  const pkg = layout(join(work, 'app', 'node_modules', 'slackfuel'));
  const { code, stderr, targetDir } = build(pkg, { CARGO: fakeCargo });
  t.is(code, 0, stderr);
  t.regex(stderr, /building the native addon with cargo 1\.95\.0 \(stand-in\)/);
  t.regex(stderr, /\[1 crates, \d+ s\] compiling cranelift-codegen/);
  t.regex(stderr, /\[2 crates, \d+ s\] compiling slackfuel-native/);
  t.regex(stderr, /build directory removed/);
  t.is(readFileSync(join(pkg, 'native', 'slackfuel.node'), 'utf8'), 'addon\n');
  t.truthy(targetDir);
  t.false(targetDir!.startsWith(pkg), 'the build happens outside the package');
  t.false(existsSync(targetDir!), 'and its directory is gone');
  t.false(existsSync(join(pkg, 'native', 'target')));
});

test('in a checkout: native/target stays for incremental builds', (t) => {
  const pkg = layout(join(work, 'checkout'));
  const { code, stderr, targetDir } = build(pkg, { CARGO: fakeCargo });
  t.is(code, 0, stderr);
  t.is(targetDir, join(pkg, 'native', 'target'));
  t.true(existsSync(join(pkg, 'native', 'target', 'release', 'libslackfuel_native.so')));
  t.true(existsSync(join(pkg, 'native', 'slackfuel.node')));
});

test('a failing build shows cargo errors, exits 1 and still cleans up', (t) => {
  const pkg = layout(join(work, 'failing', 'node_modules', 'slackfuel'));
  const { code, stderr, targetDir } = build(pkg, { CARGO: fakeCargo, FAKE_CARGO_FAIL: '1' });
  t.is(code, 1);
  t.regex(stderr, /error\[E0308\]: mismatched types/);
  t.regex(stderr, /cargo build failed after \d+ s \(exit 101\)/);
  t.false(existsSync(targetDir!));
  t.false(existsSync(join(pkg, 'native', 'slackfuel.node')));
});

test('no Rust toolchain: a clear message saying what to install', (t) => {
  const pkg = layout(join(work, 'no-rust', 'node_modules', 'slackfuel'));
  const { code, stderr } = build(pkg, { CARGO: join(work, 'no-such-cargo') });
  t.is(code, 1);
  t.regex(stderr, /cargo was not found/);
  t.regex(stderr, /rustup/);
  t.regex(stderr, /rustc 1\.95/);
});
