import test from 'ava';
import { verify } from '../../src/native/index.js';
import { readFileSync } from 'node:fs';
import { RuntimeConfigError, TranslateError } from '../../src/runtime/errors.js';
import { DEFAULT_WASM_VMCTX_LAYOUT } from '../../src/abi/index.js';
import { clifText, translate } from '../../src/wasm/index.js';
import { runCli } from '../helpers/cli.js';
import { WAT_FIXTURES, wat, watModule } from './wat.js';

for (const name of WAT_FIXTURES) {
  for (const metering of ['none', 'vanilla', 'epoch'] as const) {
    test(`${name}.wat translates under ${metering} and every function verifies with the pinned register`, async (t) => {
      const module = translate(await watModule(name), { metering });
      t.is(module.metering, metering);
      t.true(module.functions.length > 0);
      for (const f of module.functions) {
        t.regex(f.clif, new RegExp(`^function u0:${f.index}\\(i64 vmctx, i64`));
        const verdict = verify(f.clif, { enable_pinned_reg: true });
        t.deepEqual(verdict, { ok: true }, `u0:${f.index}`);
      }
      const text = clifText(module);
      t.is(text.match(/^function /gm)?.length, module.functions.length);
      t.is(text.includes('u805306368:12'), metering === 'vanilla');
      t.is(text.includes('u805306368:13'), metering === 'epoch');
    });
  }
}

test('the metadata describes the module', async (t) => {
  const module = translate(await watModule('tables'));
  t.deepEqual(module.tables.map((x) => [x.elementType, x.min, x.max]), [['funcref', 8, 16], ['externref', 2, null]]);
  // $binop and $binop2 have the same signature: one canonical id.
  t.deepEqual(module.canonicalTypeIds.slice(0, 3), [0, 1, 0]);
  t.deepEqual(module.elementSegments.map((s) => s.mode), ['active', 'passive', 'declared']);
  t.true(module.exports.some((e) => e.name === 'apply' && e.kind === 'func'));
  const calls = translate(await watModule('calls'));
  t.is(calls.numImportedFunctions, 2);
  t.is(calls.start, 2);
  t.deepEqual(calls.imports.map((i) => `${i.module}.${i.name}:${i.kind}`), ['env.add3:func', 'env.log:func']);
  const memory = translate(await watModule('memory'));
  t.deepEqual(memory.memories, [{ minPages: 1, maxPages: 4, shared: false, imported: false, memory64: false }]);
  t.is(memory.dataSegments[0]?.bytesHex, Buffer.from('hello, wasm\0').toString('hex'));
});

test('the layout comes from src/abi: moving a field moves the accesses', async (t) => {
  const bytes = await watModule('memory');
  const standard = clifText(translate(bytes));
  t.true(standard.includes(`v0+${DEFAULT_WASM_VMCTX_LAYOUT.memoryBase}`));
  const moved = clifText(translate(bytes, { layout: { ...DEFAULT_WASM_VMCTX_LAYOUT, memoryBase: 72 } }));
  t.true(moved.includes('v0+72'));
});

test('unsupported features and invalid modules are typed errors', async (t) => {
  const atomics = await wat('(module (memory 1 1 shared) (func (drop (i32.atomic.load (i32.const 0)))))');
  const unsupported = t.throws(() => translate(atomics), { instanceOf: TranslateError });
  t.is(unsupported.kind, 'unsupported');
  t.is(unsupported.feature, 'threads');
  t.regex(unsupported.message, /^unsupported: threads \(I32AtomicLoad at offset \d+\)$/);
  const invalid = t.throws(() => translate(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff])), { instanceOf: TranslateError });
  t.is(invalid.kind, 'invalid');
  t.is(typeof invalid.offset, 'number');
  const layout = t.throws(() => translate(atomics, { layout: { ...DEFAULT_WASM_VMCTX_LAYOUT, memoryBound: DEFAULT_WASM_VMCTX_LAYOUT.memoryBase } }), { instanceOf: TranslateError });
  t.is(layout.kind, 'invalid-options');
});

test('bytes that are not a Uint8Array are a TypeError naming what came instead', async (t) => {
  const bytes = await wat('(module)');
  const promised = t.throws(() => translate(Promise.resolve(bytes) as unknown as Uint8Array), { instanceOf: TypeError });
  t.regex(promised.message, /Uint8Array, got \[object Promise\]/);
  t.throws(() => translate([...bytes] as unknown as Uint8Array), { instanceOf: TypeError, message: /\[object Array\]/ });
  t.is(translate(Buffer.from(bytes)).functions.length, 0, 'a Buffer is a Uint8Array');
});

test('wasm2clif prints the CLIF of a compiled C program and rejects bad input', (t) => {
  const ok = runCli(['wasm2clif', 'tests/fixtures/wasi/wasm/hello.wasm', '--metering', 'vanilla']);
  t.is(ok.code, 0, ok.stderr);
  t.true(ok.stdout.includes('u805306368:12'));
  t.deepEqual(verify(ok.stdout, { enable_pinned_reg: true }), { ok: true });
  const meta = runCli(['wasm2clif', 'tests/fixtures/wasi/wasm/hello.wasm', '--metadata']);
  t.is(meta.code, 0, meta.stderr);
  t.true((JSON.parse(meta.stdout) as { imports: { module: string }[] }).imports.some((i) => i.module === 'wasi_snapshot_preview1'));
  const bad = runCli(['wasm2clif', 'tests/fixtures/wasi/wasm/hello.wasm', '--metering', 'turbo']);
  t.is(bad.code, 2);
  const help = runCli(['wasm2clif', '--help']);
  t.true(help.stdout.includes('Usage: slackfuel wasm2clif'));
});

test('threads: one thread and several give the same functions; a bad count is a config error', (t) => {
  const wasm = readFileSync(new URL('../../bench/wasm/lz77.wasm', import.meta.url));
  const one = translate(wasm, { metering: 'vanilla', threads: 1 });
  for (const threads of [2, 4]) {
    const many = translate(wasm, { metering: 'vanilla', threads });
    t.deepEqual(many.functions.map((f) => f.clif), one.functions.map((f) => f.clif), `${threads} threads`);
  }
  const piped = (threads: number) => translate(wasm, { metering: 'vanilla', threads, nativePasses: 'fuel-pinned,fuel-drop-checks,fuel-place' });
  t.deepEqual(piped(3).functions.map((f) => f.clif), piped(1).functions.map((f) => f.clif));
  t.throws(() => translate(wasm, { threads: -1 }), { instanceOf: RuntimeConfigError });
  t.throws(() => translate(wasm, { threads: 1.5 }), { instanceOf: RuntimeConfigError });
});
