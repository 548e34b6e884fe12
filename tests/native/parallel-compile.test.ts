// Functions compiled on several threads (native/src/parallel_compile.rs) get the same machine
// code, in the same order, as on one thread; the thread count comes from
// SLACKFUEL_COMPILE_THREADS, read per compile, and a bad value is a clear error.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** lz4 (39,000 CLIF instructions: above the size where threads start) compiled in `metering`,
 *  run on a fixed input; prints each function's code size, the run's output and its fuel. */
function compileIn(threads: string, metering: string): { status: number | null; stdout: string; stderr: string } {
  const script = `
    import { readFileSync } from 'node:fs';
    import { compileWasm } from './src/wasm/index.js';
    import { runWasi } from './src/wasi/index.js';
    const bytes = readFileSync('tests/fixtures/third-party/lz4.wasm');
    try {
      const module = await compileWasm(bytes, '${metering}');
      const imports = {};
      for (const i of module.translated.imports) if (i.kind === 'func') (imports[i.module] ??= {})[i.name] = () => 0;
      const instance = await module.instantiate({ checkIntervalMs: false, imports });
      const sizes = instance.codeSizes;
      instance.dispose();
      let stdout = '';
      const r = await runWasi(bytes, { metering: '${metering}', args: ['20000'], stdout: (b) => (stdout += Buffer.from(b).toString()), stderr: () => {} });
      console.log(JSON.stringify({ sizes, stdout, fuel: r.fuelConsumed, exit: r.exitCode }));
    } catch (e) {
      console.log(JSON.stringify({ error: e.name + ': ' + e.message }));
    }
  `;
  const child = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SLACKFUEL_COMPILE_THREADS: threads },
  });
  return { status: child.status, stdout: child.stdout.trim().split('\n').at(-1) ?? '', stderr: child.stderr };
}

for (const metering of ['none', 'vanilla']) {
  test(`${metering}: two compile threads give the code, output and fuel of one`, (t) => {
    const one = compileIn('1', metering);
    const two = compileIn('2', metering);
    t.is(one.status, 0, one.stderr);
    t.is(two.status, 0, two.stderr);
    const a = JSON.parse(one.stdout) as { sizes: { name: string; codeSize: number }[] | null; stdout: string; fuel: number | null; exit: number };
    const b = JSON.parse(two.stdout) as typeof a;
    t.truthy(a.sizes, one.stdout);
    t.true(a.sizes!.length > 50, `${a.sizes!.length} functions`);
    t.deepEqual(b.sizes, a.sizes);
    t.is(a.exit, 0, a.stdout);
    t.deepEqual([b.stdout, b.fuel, b.exit], [a.stdout, a.fuel, a.exit]);
    if (metering === 'vanilla') t.true((a.fuel ?? 0) > 0);
  });
}

test('a bad SLACKFUEL_COMPILE_THREADS is a clear error', (t) => {
  for (const bad of ['0', 'two', '-1']) {
    const r = compileIn(bad, 'none');
    t.regex(r.stdout, /SettingError: SLACKFUEL_COMPILE_THREADS must be a positive integer/, `${bad}: ${r.stdout} ${r.stderr}`);
  }
});

/** Runs `script` (which sees `text`, a large generated CLIF file, and `jit`) in a child with
 *  SLACKFUEL_COMPILE_THREADS=`threads`; its last stdout line is JSON. */
function jitIn(threads: string, script: string, env: Record<string, string> = {}): unknown {
  const full = `
    import { jit } from './src/native/index.js';
    // 5,000 functions, 1.3 MB: over the 1 MB from which the reader cuts the file into pieces.
    const fn = (i) => 'function u0:' + i + '(i64) -> i64 {\\nblock0(v0: i64):\\n' +
      Array.from({ length: 4 }, (_, k) => '    v' + (2 * k + 1) + ' = iconst.i64 ' + (i + k) + '\\n    v' + (2 * k + 2) + ' = iadd v' + 2 * k + ', v' + (2 * k + 1) + '\\n').join('') +
      '    return v8\\n}\\n';
    const functions = Array.from({ length: 5000 }, (_, i) => fn(i));
    const edit = JSON.parse(process.env.EDIT ?? '{}');
    for (const [i, body] of Object.entries(edit)) functions[Number(i)] = body;
    const text = '; a generated file\\nset opt_level=speed\\n\\n' + functions.join('\\n');
    ${script}
  `;
  const child = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', full], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SLACKFUEL_COMPILE_THREADS: threads, ...env },
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? 'null');
}

const RUN_ALL = `
  try {
    const m = jit(text);
    const sums = [0, 1234, 4999].map((i) => m.call('u0:' + i, [10n]));
    console.log(JSON.stringify({ bytes: text.length, sums: sums.map(String), sizes: m.functions.map((f) => f.codeSize) }));
    m.dispose();
  } catch (e) {
    console.log(JSON.stringify({ error: e.name, message: e.message, line: e.line ?? null, problems: (e.errors ?? []).map((p) => p.function + ' ' + p.location) }));
  }
`;

test('a large CLIF file read in pieces on two threads gives the functions of one piece', (t) => {
  const one = jitIn('1', RUN_ALL) as { bytes: number; sums: string[]; sizes: number[] };
  const two = jitIn('2', RUN_ALL);
  t.true(one.bytes > 2 ** 20, `${one.bytes} bytes`);
  t.deepEqual(one.sums, ['16', '4952', '20012']);
  t.is(one.sizes.length, 5000);
  t.deepEqual(two, one);
});

test('a syntax error deep in a large file reports the line of the whole file, on any thread count', (t) => {
  // Function 2000 starts at line 3 + 2000 * 13 (each function is 12 lines and a blank one);
  // its third line is the bad one.
  const env = { EDIT: JSON.stringify({ 2000: 'function u0:2000(i64) -> i64 {\nblock0(v0: i64):\n    v1 = iconst.i64 oops\n    return v1\n}\n' }) };
  const one = jitIn('1', RUN_ALL, env) as { error: string; line: number; message: string };
  const two = jitIn('2', RUN_ALL, env);
  t.is(one.error, 'ClifSyntaxError');
  t.is(one.line, 4 + 2000 * 13 + 2);
  t.regex(one.message, new RegExp(`line ${one.line}:`));
  t.deepEqual(two, one);
});

test('verifier problems of several functions are all reported, in file order, on any thread count', (t) => {
  const bad = (i: number) => `function u0:${i}(i64) -> i64 {\nblock0(v0: i64):\n    v1 = iconst.i32 1\n    return v1\n}\n`;
  const env = { EDIT: JSON.stringify({ 2500: bad(2500), 700: bad(700) }) };
  const one = jitIn('1', RUN_ALL, env) as { error: string; problems: string[] };
  const two = jitIn('2', RUN_ALL, env);
  t.is(one.error, 'VerifierError');
  t.deepEqual(one.problems.map((p) => p.split(' ')[0]), ['u0:700', 'u0:2500']);
  t.deepEqual(two, one);
});
