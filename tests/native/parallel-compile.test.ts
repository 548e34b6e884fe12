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
