// Our corpus of Cranelift-style runtest files (tests/fixtures/runtests/): every check passes on
// every target line this host can run, each target with the `set` lines written before it;
// vectors, i128, f16 and f128 pass through the trampoline's memory slots; targets the host cannot
// run are skipped with the reason. The files in expected-failures/ show that wrong values and
// traps are caught, so the corpus passing means something.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ClifSyntaxError } from '../../src/native/errors.js';
import { canonicalPrint, hostIsa, jit, parseRunCommands, runChecks, runtestTargets, verify } from '../../src/native/index.js';
import { runCli } from '../helpers/cli.js';

const dir = fileURLToPath(new URL('../fixtures/runtests/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.clif')).sort();
const read = (name: string): string => readFileSync(dir + name, 'utf8');
const cpuFlags = (readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/);

test('the corpus has at least 30 files, all passing on every runnable target', (t) => {
  t.true(files.length >= 30, `${files.length} files`);
  let checks = 0;
  let passed = 0;
  for (const name of files) {
    const text = read(name);
    const commands = parseRunCommands(text);
    const runnable = runtestTargets(text).filter((target) => target.skip === undefined);
    const results = runChecks(text);
    t.true(commands.length > 0, `${name} has checks`);
    // Each runnable target runs every check once.
    t.is(results.length, commands.length * runnable.length, name);
    for (const r of results) t.true(r.ok, `${name}:${r.command.line} [${r.target}] ${r.command.text}: ${r.error ?? r.actual}`);
    checks += results.length;
    passed += results.filter((r) => r.ok).length;
  }
  t.log(`${passed} of ${checks} checks passed in ${files.length} files`);
  t.is(passed, checks);
});

test('each target takes the set lines written above it', (t) => {
  const text = read('set-per-target.clif');
  const targets = runtestTargets(text);
  t.deepEqual(
    targets.map((x) => x.description),
    [
      'x86_64',
      'x86_64 opt_level=speed preserve_frame_pointers',
      'x86_64 opt_level=speed_and_size preserve_frame_pointers has_avx has_avx2',
      'riscv64',
      'aarch64 opt_level=speed_and_size preserve_frame_pointers',
      's390x',
    ],
  );
  t.deepEqual(
    targets.map((x) => x.skip),
    [undefined, undefined, undefined, 'support for riscv64 is not built into slackfuel', 'this host (x86_64) cannot run aarch64 code', 'support for s390x is not built into slackfuel'],
  );
  // The settings reach the code generator: opt_level none keeps the arithmetic on constants
  // that speed folds away.
  const folding = `test run
set opt_level=none
target x86_64
set opt_level=speed
target x86_64

function %k(i64) -> i64 {
block0(v0: i64):
    v1 = iconst.i64 3
    v2 = iconst.i64 4
    v3 = imul v1, v2
    v4 = iadd v3, v1
    v5 = iadd v0, v4
    return v5
}
; run: %k(1) == 16
`;
  const sizes = [0, 1].map((target) => {
    const module = jit(folding, { target });
    try {
      return module.function('k').codeSize;
    } finally {
      module.dispose();
    }
  });
  t.true(sizes[0]! > sizes[1]!, `opt_level none ${sizes[0]} bytes, speed ${sizes[1]} bytes`);
  t.deepEqual(runChecks(folding).map((r) => [r.target, r.ok]), [['x86_64', true], ['x86_64 opt_level=speed', true]]);
  // Before this, such a file ran only its first target's settings; a set after the last target
  // is still an error, as in Cranelift's reader.
  t.throws(() => runtestTargets(`${text.split('\nfunction')[0]}\nset opt_level=none\n`), { instanceOf: ClifSyntaxError, message: /dangling 'set'/ });
});

test('targets the host cannot run are skipped with the reason, and on no other ISA do checks run', (t) => {
  t.is(hostIsa(), 'x86_64');
  const perTarget = runtestTargets(read('set-per-target.clif'));
  t.regex(perTarget[4]!.skip ?? '', /this host \(x86_64\) cannot run aarch64 code/);
  t.true(runChecks(read('set-per-target.clif')).every((r) => !r.target.startsWith('aarch64')));
  // AVX-512 runs exactly when /proc/cpuinfo lists every feature the line turns on.
  const features = runtestTargets(read('set-features.clif'));
  const wanted = ['avx512f', 'avx512vl', 'avx512dq', 'avx512_bitalg', 'avx512vbmi'];
  const lacking = wanted.filter((flag) => !cpuFlags.includes(flag));
  t.is(features[2]!.skip === undefined, lacking.length === 0, `cpu lacks ${lacking.join(', ') || 'nothing'}`);
  // A feature Cranelift knows that the CPU may lack: the skip follows /proc/cpuinfo.
  const vnni = runtestTargets('test run\ntarget x86_64 has_avx_vnni\nfunction %f() {\nblock0:\n    return\n}\n');
  t.is(vnni[0]!.skip === undefined, cpuFlags.includes('avx_vnni'));
  if (vnni[0]!.skip !== undefined) t.regex(vnni[0]!.skip, /the CPU lacks has_avx_vnni/);
});

test('a set line only targets without a backend here would take is not a dangling set', (t) => {
  const text = read('targets-not-built.clif');
  t.deepEqual(
    runtestTargets(text).map((x) => [x.description, x.skip]),
    [
      ['x86_64 enable_llvm_abi_extensions', undefined],
      ['aarch64 enable_llvm_abi_extensions', 'this host (x86_64) cannot run aarch64 code'],
      ['riscv64gc', 'support for riscv64gc is not built into slackfuel'],
      ['s390x', 'support for s390x is not built into slackfuel'],
    ],
  );
  t.deepEqual(runChecks(text).map((r) => [r.target, r.ok]), [['x86_64 enable_llvm_abi_extensions', true]]);
  // Every reader of the addon takes such files: the writer, the verifier.
  t.is(canonicalPrint(text).length, 1);
  t.deepEqual(verify(text), { ok: true });
  // Only targets without a backend here: nothing runs, not even on the host.
  const only = text.replace('target x86_64\ntarget aarch64\n', '');
  t.deepEqual(runtestTargets(only).map((x) => x.skip === undefined), [false, false]);
  t.deepEqual(runChecks(only), []);
  // A set line no target follows is still refused, as Cranelift refuses it.
  t.throws(() => runtestTargets(text.replace('target s390x\n', 'target s390x\nset opt_level=speed\n')), { instanceOf: ClifSyntaxError, message: /dangling 'set'/ });
  // A set line before a built target still applies to it.
  const later = text.replace('target riscv64gc\n', 'target riscv64gc\nset opt_level=speed\ntarget x86_64 has_sse41\n');
  t.is(runtestTargets(later).find((x) => x.description.includes('has_sse41'))?.description, 'x86_64 opt_level=speed enable_llvm_abi_extensions enable_multi_ret_implicit_sret has_sse41');
});

test('vectors, i128, f16 and f128 are passed in memory and compared bit for bit', (t) => {
  const text = read('expected-failures/wrong-results.clif');
  const results = runChecks(text);
  t.is(results.length, 6);
  t.true(results.every((r) => !r.ok));
  t.deepEqual(
    results.map((r) => r.actual),
    [
      '18446744073709551616',
      '0x00000004000000030000000200000001',
      '0x00000004000000030000000200000001',
      '0x1.000p0',
      '0x1.0000000000000000000000000000p0',
      '+NaN',
    ],
  );
  // Fixing the expectations makes them pass: the failures were the values, not the calls.
  const fixed = text
    .replace('== 0x10000000000000001', '== 0x10000000000000000')
    .replace('== [1 2 3 5]', '== [1 2 3 4]')
    .replace('!= [1 2 3 4]', '!= [1 2 3 5]')
    .replace('== -0x1.0p0', '== 0x1.0p0')
    .replace('== 0x1.0000000000000000000000000001p0', '== 0x1.0p0')
    .replace('== -NaN', '== +NaN');
  t.true(runChecks(fixed).every((r) => r.ok));
});

test('traps are failed checks naming the trap code', (t) => {
  const results = runChecks(read('expected-failures/traps.clif'));
  t.deepEqual(
    results.map((r) => /trap (\w+)/.exec(r.error ?? '')?.[1]),
    ['int_divz', 'int_ovf', 'user9', 'bad_toint', 'user4'],
  );
});

test('slackfuel run over the corpus: exit 0, skipped targets reported, checks tagged by target', (t) => {
  const { code, stdout } = runCli(['run', ...files.map((f) => `tests/fixtures/runtests/${f}`)]);
  t.is(code, 0, stdout);
  t.regex(stdout, /^tests\/fixtures\/runtests\/set-per-target\.clif: target aarch64 opt_level=speed_and_size preserve_frame_pointers skipped: this host \(x86_64\) cannot run aarch64 code$/m);
  t.regex(stdout, /^tests\/fixtures\/runtests\/set-per-target\.clif:\d+: \[x86_64 opt_level=speed preserve_frame_pointers\] run: %poly\(10\) == 137 ok$/m);
  t.regex(stdout, /^tests\/fixtures\/runtests\/f128\.clif:\d+: run: %f128_two\(0x1\.0000000000000000000000000000p0, \+NaN\) == \[\+NaN, 0x1\.0000000000000000000000000000p0\] ok$/m);
  t.regex(stdout, /^(\d+) of \1 checks passed, 0 failed$/m);
  const failing = runCli(['run', 'tests/fixtures/runtests/expected-failures/traps.clif', '-'], 'function %g( {\n');
  t.is(failing.code, 1);
  t.regex(failing.stdout, /^-: FAILED \(ClifSyntaxError: line 1: /m);
  t.regex(failing.stdout, /^0 of 6 checks passed, 6 failed$/m);
});
