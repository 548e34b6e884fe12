import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from '../../src/ir/index.js';
import { CompileCache, compileWasm, type WasmModule } from '../../src/wasm/index.js';
import { wat } from './wat.js';

const LOOP = `(module
  (func (export "sum") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc)))`;

function freshCache(): CompileCache {
  return new CompileCache(mkdtempSync(join(tmpdir(), 'slackfuel-cache-')));
}

/** A well-formed entry (its hash matches) whose functions are not this module's. */
const hashed = (functions: string): string => JSON.stringify({ format: 2, functions, sha256: createHash('sha256').update(functions).digest('hex') });

const text = (module: WasmModule): string => module.module.functions.map((fn) => print(fn)).join('\n');

async function sumWithFuel(module: WasmModule): Promise<{ results: unknown[]; fuel: number | null }> {
  const instance = await module.instantiate({ checkIntervalMs: false });
  try {
    const { results, fuelConsumed } = await instance.call('sum', [1000]);
    return { results: [...results], fuel: fuelConsumed };
  } finally {
    instance.dispose();
  }
}

test('a second compile of the same module is read from the cache and runs the same', async (t) => {
  const bytes = await wat(LOOP);
  const cache = freshCache();
  const first = await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false });
  t.false(first.fromCache);
  t.deepEqual([cache.hits, cache.misses], [0, 1]);
  t.is(cache.size().entries, 1);
  const second = await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false });
  t.true(second.fromCache);
  t.deepEqual([cache.hits, cache.misses], [1, 1]);
  // The cached text is assembled as it is; its functions are parsed only when read.
  t.false(second.module.functionsParsed);
  t.is(second.module.text, first.module.text);
  t.is(text(second), text(first));
  const expected = await sumWithFuel(await compileWasm(bytes, 'slacked', undefined, { nativePasses: false }));
  t.deepEqual(await sumWithFuel(second), expected);
  t.deepEqual(expected.results, [500500]);
});

test('the mode, the pipeline, the options and the bytes each give their own entry', async (t) => {
  const bytes = await wat(LOOP);
  const other = await wat(LOOP.replace('(i32.const 1)', '(i32.const 2)'));
  const cache = freshCache();
  await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false });
  await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false, pipeline: 'fuel-pinned,fuel-drop-checks,fuel-place{splitEdgeCost=2}' });
  await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false, pipeline: 'fuel-pinned,fuel-drop-checks' });
  await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false, memoryGuardSize: 0 });
  await compileWasm(other, 'slacked', undefined, { cache, nativePasses: false });
  t.deepEqual([cache.hits, cache.misses], [0, 5]);
  t.is(cache.size().entries, 5);
  // count is slacked's code without the checker: the same entry serves both.
  t.true((await compileWasm(bytes, 'count', undefined, { cache, nativePasses: false })).fromCache);
  // Without a pipeline there is nothing to save: vanilla neither reads nor writes.
  t.false((await compileWasm(bytes, 'vanilla', undefined, { cache, nativePasses: false })).fromCache);
  t.deepEqual([cache.hits, cache.misses, cache.size().entries], [1, 5, 5]);
});

test('the translation threads share an entry (the code is the same); hoistMemoryBase has its own', async (t) => {
  const bytes = await wat(LOOP);
  const cache = freshCache();
  const one = await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false, threads: 1 });
  t.false(one.fromCache);
  const three = await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false, threads: 3 });
  t.true(three.fromCache);
  t.is(three.module.text, one.module.text);
  t.is((await compileWasm(bytes, 'slacked', undefined, { nativePasses: false, threads: 2 })).module.text, one.module.text);
  t.false((await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false, hoistMemoryBase: false })).fromCache);
  t.deepEqual([cache.hits, cache.misses, cache.size().entries], [1, 2, 2]);
  for (const threads of [-1, 1.5, 257]) await t.throwsAsync(compileWasm(bytes, 'slacked', undefined, { threads }), undefined, String(threads));
});

test('a damaged or foreign entry is a miss, and is replaced', async (t) => {
  const bytes = await wat(LOOP);
  const cache = freshCache();
  const reference = await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false });
  const [file] = readdirSync(cache.dir);
  const path = join(cache.dir, file!);
  const good = readFileSync(path, 'utf8');
  for (const damaged of ['', '{"format": 1', JSON.stringify({ format: 0, functions: '' }), JSON.stringify({ format: 1, functions: '' }), JSON.stringify({ format: 1, functions: 'x', extra: 1 }), JSON.stringify({ format: 1, functions: 'function %broken() {' }), JSON.stringify({ format: 2, functions: 'function u0:0() {', sha256: '0'.repeat(64) }), hashed('function %other() {\n}\n')]) {
    writeFileSync(path, damaged);
    const module = await compileWasm(bytes, 'slacked', undefined, { cache, nativePasses: false });
    t.false(module.fromCache, damaged);
    t.is(text(module), text(reference));
    t.is(readFileSync(path, 'utf8'), good, 'rewritten whole');
  }
  t.deepEqual(readdirSync(cache.dir), [file], 'no temporary files left behind');
});

test('the Rust passes running the whole pipeline (the default) neither read nor write the cache: nothing is left to reuse', async (t) => {
  const bytes = await wat(LOOP);
  const cache = freshCache();
  const native = await compileWasm(bytes, 'slacked', undefined, { cache });
  const again = await compileWasm(bytes, 'slacked', undefined, { cache });
  t.false(native.fromCache);
  t.false(again.fromCache);
  t.false(again.module.functionsParsed);
  t.deepEqual([cache.hits, cache.misses, cache.size().entries], [0, 0, 0]);
  // It runs the same as the TypeScript passes' code.
  t.deepEqual(await sumWithFuel(again), await sumWithFuel(await compileWasm(bytes, 'slacked', undefined, { nativePasses: false })));
});

test('keys are stable across cache objects and depend on every part', (t) => {
  const a = new CompileCache('/nonexistent-a');
  const b = new CompileCache('/nonexistent-b');
  const parts = { wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), translateOptions: { metering: 'vanilla' }, pipeline: 'fuel-pinned' };
  t.is(a.key(parts), b.key(parts));
  t.regex(a.key(parts), /^[0-9a-f]{64}$/);
  t.not(a.key(parts), a.key({ ...parts, pipeline: 'fuel-pinned,fuel-place' }));
  t.not(a.key(parts), a.key({ ...parts, translateOptions: { metering: 'none' } }));
  t.not(a.key(parts), a.key({ ...parts, wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 1]) }));
  t.is(a.read(a.key(parts), (text) => text), undefined);
  t.deepEqual([a.hits, a.misses], [0, 1]);
  t.deepEqual(a.size(), { entries: 0, bytes: 0 });
});

test('prepared CLIF bypasses the cache', async (t) => {
  const bytes = await wat(LOOP);
  const cache = freshCache();
  const first = await compileWasm(bytes, 'slacked');
  const module = await compileWasm(bytes, 'slacked', undefined, { cache, prepared: first.module.functions });
  t.false(module.fromCache);
  t.deepEqual([cache.hits, cache.misses, cache.size().entries], [0, 0, 0]);
});
