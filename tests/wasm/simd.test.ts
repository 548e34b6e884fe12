// v128 at the edges: exports and host imports with v128 in their signature (a v128 is a bigint
// whose little-endian bytes are the vector's), v128 globals, the CLIF of vector code through our
// parser and printer, and what stays refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parse, print } from '../../src/ir/index.js';
import { verify } from '../../src/native/index.js';
import { RuntimeConfigError, TranslateError } from '../../src/runtime/errors.js';
import { clifText, compileWasm, translate } from '../../src/wasm/index.js';
import { runCli } from '../helpers/cli.js';
import { wat, watModule } from './wat.js';

/** The bigint of 16 bytes (byte 0 lowest). */
const v128 = (bytes: readonly number[]): bigint => bytes.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
const lanes32 = (x: bigint): number[] => [0, 1, 2, 3].map((i) => Number((x >> BigInt(32 * i)) & 0xffff_ffffn));

const EDGES = `(module
  (import "env" "twist" (func $twist (param v128 i32) (result v128)))
  (global $g (mut v128) (v128.const i32x4 10 20 30 40))
  (func (export "add") (param $a v128) (param $b v128) (result v128) (i32x4.add (local.get $a) (local.get $b)))
  (func (export "pair") (param $a v128) (result v128 i64 v128)
    (i8x16.neg (local.get $a)) (i64x2.extract_lane 1 (local.get $a)) (local.get $a))
  (func (export "via_host") (param $a v128) (result v128) (call $twist (local.get $a) (i32.const 3)))
  (func (export "bump") (param $d v128) (result v128)
    (global.set $g (i32x4.add (global.get $g) (local.get $d))) (global.get $g)))`;

for (const metering of ['none', 'vanilla', 'slacked'] as const) {
  test(`${metering}: v128 parameters, results, host imports and globals cross as bigints`, async (t) => {
    const module = await compileWasm(await wat(EDGES), metering);
    const seen: unknown[][] = [];
    const instance = await module.instantiate({
      checkIntervalMs: false,
      imports: {
        env: {
          twist: (v: number | bigint, k: number | bigint) => {
            seen.push([v, k]);
            return typeof v === 'bigint' ? ((v << 8n) | BigInt(k)) & ((1n << 128n) - 1n) : 0n;
          },
        },
      },
    });
    try {
      const a = v128([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
      const b = v128([5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 2, 0, 0, 0]);
      const sum = (await instance.call('add', [a, b])).results[0];
      t.is(typeof sum, 'bigint');
      t.deepEqual(lanes32(sum as bigint), [6, 8, 10, 1]);
      // A negative argument is taken modulo 2^128: -1 is all ones.
      t.deepEqual(lanes32((await instance.call('add', [-1n, 1n])).results[0] as bigint), [0, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff]);
      const pair = (await instance.call('pair', [a])).results;
      t.is(pair[0], v128([0xff, 0, 0, 0, 0xfe, 0, 0, 0, 0xfd, 0, 0, 0, 1, 1, 1, 1]));
      t.is(pair[1], -4294967293n); // lanes 2 and 3 as one signed i64: 0xffffffff_00000003
      t.is(pair[2], a);
      t.is((await instance.call('via_host', [a])).results[0], ((a << 8n) | 3n) & ((1n << 128n) - 1n));
      t.deepEqual(seen, [[a, 3]]);
      const d = v128([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
      t.deepEqual(lanes32((await instance.call('bump', [d])).results[0] as bigint), [11, 21, 31, 41]);
      t.deepEqual(lanes32((await instance.call('bump', [d])).results[0] as bigint), [12, 22, 32, 42]);
      await t.throwsAsync(instance.call('add', [1n << 128n, 0n]), { message: /does not fit/ });
    } finally {
      instance.dispose();
    }
  });
}

test('an imported v128 global is refused clearly at instantiation', async (t) => {
  const module = await compileWasm(await wat('(module (global (import "env" "g") v128) (func (export "f")))'), 'none');
  const error = await t.throwsAsync(module.instantiate({ globals: { 'env.g': 1 } }), { instanceOf: RuntimeConfigError });
  t.regex(error?.message ?? '', /imported v128 global/);
});

test('vector CLIF round-trips through our parser and printer exactly and verifies', async (t) => {
  for (const metering of ['none', 'vanilla'] as const) {
    const text = clifText(translate(await watModule('simd'), { metering }));
    t.true(text.includes('vconst.i8x16 const0') && text.includes('shuffle') && text.includes('bitcast.i16x8 little'));
    const functions = parse(text).functions;
    t.is(functions.map((fn) => print(fn).trimEnd()).join('\n\n') + '\n', text, `${metering}: printed as Cranelift writes it`);
    for (const fn of functions) t.deepEqual(verify(print(fn)), { ok: true });
  }
});

test('relaxed SIMD follows Wasmtime: x86 instructions by default, deterministic on request', async (t) => {
  const bytes = await wat(`(module (func (export "f") (param v128 v128 v128) (result v128)
      (i8x16.relaxed_swizzle (local.get 0) (local.get 1)) (local.get 2) (local.get 0) (i32x4.relaxed_laneselect)))`);
  const x86 = clifText(translate(bytes));
  t.true(x86.includes('x86_pshufb') && x86.includes('blendv'), x86);
  const deterministic = clifText(translate(bytes, { relaxedSimdDeterministic: true }));
  t.true(deterministic.includes('swizzle') && !deterministic.includes('x86_pshufb') && deterministic.includes('bitselect'), deterministic);
});

test('what Wasmtime validates but we do not translate is refused by name and offset', async (t) => {
  const cases: [string, string][] = [
    ['(module (memory 1 1 shared) (func (drop (i32.atomic.load (i32.const 0)))))', 'threads'],
    ['(module (tag) (func (throw 0)))', 'exceptions'],
    ['(module (type (struct (field i32))))', 'gc'],
  ];
  for (const [text, feature] of cases) {
    const bytes = await wat(text);
    const error = t.throws(() => translate(bytes), { instanceOf: TranslateError });
    t.is(error?.feature, feature, text);
    t.is(error?.kind, 'unsupported');
    t.regex(error?.message ?? '', new RegExp(`^unsupported: ${feature} \\(.* at offset \\d+\\)$`));
    t.true((error?.offset ?? 0) > 0, `${text}: a real offset`);
  }
});

test('extended constant expressions (on in Wasmtime 48) initialise globals and segment offsets', async (t) => {
  const bytes = await wat(`(module
    (import "env" "base" (global $base i32))
    (global $g64 i64 (i64.add (i64.mul (i64.const 0x100000000) (i64.const 3)) (i64.sub (i64.const 5) (i64.const 7))))
    (global $g32 i32 (i32.sub (i32.mul (global.get $base) (i32.const 16)) (i32.const 1)))
    (global $wrap i32 (i32.add (i32.const 0x7fffffff) (i32.const 2)))
    (memory 1)
    (data (offset (i32.add (global.get $base) (i32.const 100))) "\\2a")
    (func (export "get") (result i64 i32 i32 i32)
      (global.get $g64) (global.get $g32) (global.get $wrap) (i32.load8_u (i32.const 105))))`);
  const module = translate(bytes);
  t.is(module.globals[1]?.init?.op, 'extended');
  for (const metering of ['none', 'vanilla'] as const) {
    const instance = await (await compileWasm(bytes, metering)).instantiate({ globals: { 'env.base': 5 } });
    try {
      t.deepEqual((await instance.call('get')).results, [3n * 2n ** 32n - 2n, 79, -2147483647, 42]);
    } finally {
      instance.dispose();
    }
  }
});

test('wasm2clif prints vector code that Cranelift verifies', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-simd-'));
  try {
    const file = join(dir, 'simd.wasm');
    writeFileSync(file, await watModule('simd'));
    const out = runCli(['wasm2clif', file, '--metering', 'vanilla']);
    t.is(out.code, 0, out.stderr);
    t.true(out.stdout.includes('i8x16') && out.stdout.includes('shuffle'));
    t.deepEqual(verify(out.stdout, { enable_pinned_reg: true }), { ok: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
