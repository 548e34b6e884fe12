// compileWasm loads the memory base `readonly can_move` (hoisted out of loops, as Wasmtime
// does) in every mode; `hoistMemoryBase: false` loads it `readonly` where it is used, and so does
// translate unless asked.
import test from 'ava';
import { compile } from '../../src/native/compile.js';
import { Engine } from '../../src/runtime/engine.js';
import type { MeteringMode } from '../../src/runtime/metering.js';
import { codegenFlags } from '../../src/runtime/module.js';
import { RuntimeConfigError } from '../../src/runtime/errors.js';
import { clifText, compileWasm, translate } from '../../src/wasm/index.js';
import { runCli } from '../helpers/cli.js';
import { wat } from './wat.js';

// One load per iteration of a counted loop.
const SUM = `(module (memory 1)
  (func (export "sum") (param i32 i32) (result i32) (local i32)
    (block (loop
      (br_if 1 (i32.eqz (local.get 1)))
      (local.set 2 (i32.add (local.get 2) (i32.load (local.get 0))))
      (local.set 0 (i32.add (local.get 0) (i32.const 4)))
      (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
      (br 0)))
    (local.get 2)))`;

const engine = new Engine({ flags: { opt_level: 'speed' } });

/** The memory-base loads of function u0:0 of `text` (vmctx+memoryBase, 64 bits). */
function baseLoads(text: string): string[] {
  const fn = text.slice(text.indexOf('function u0:0'));
  const body = fn.slice(0, fn.indexOf('\n}') + 2);
  return body.split('\n').filter((l) => /= load\.i64 notrap aligned readonly/.test(l) && l.includes(`+${engine.layout.memoryBase}`));
}

test('translate loads the base readonly by default and can_move when asked', async (t) => {
  const bytes = await wat(SUM);
  const plain = baseLoads(clifText(translate(bytes)));
  t.true(plain.length > 0);
  for (const l of plain) t.notRegex(l, /can_move/);
  const hoisted = baseLoads(clifText(translate(bytes, { hoistMemoryBase: true })));
  t.true(hoisted.length > 0);
  for (const l of hoisted) t.regex(l, /readonly can_move/);
});

const MODES: readonly MeteringMode[] = ['none', 'vanilla', 'epoch', 'slacked', 'count'];
for (const mode of MODES) {
  test(`compileWasm ${mode}: the base is can_move by default, and the option turns it off`, async (t) => {
    const bytes = await wat(SUM);
    const byDefault = baseLoads((await compileWasm(bytes, mode, engine)).module.text);
    t.true(byDefault.length > 0);
    for (const l of byDefault) t.regex(l, /readonly can_move/);
    const off = baseLoads((await compileWasm(bytes, mode, engine, { hoistMemoryBase: false })).module.text);
    t.true(off.length > 0);
    for (const l of off) t.notRegex(l, /can_move/);
  });
}

test('a hoisted base is loaded before the loop, an unhoisted one in its body', async (t) => {
  const bytes = await wat(SUM);
  const base = `movq 0x${engine.layout.memoryBase.toString(16)}(%rdi)`;
  for (const hoist of [true, false]) {
    const module = await compileWasm(bytes, 'none', engine, { hoistMemoryBase: hoist });
    const fn = compile(module.module.text, { isa: 'x86_64', flags: codegenFlags(engine.flags, false) }).find((f) => f.name === 'u0:0');
    if (fn === undefined) return t.fail('no u0:0');
    const lines = fn.disassembly.split('\n');
    const load = lines.findIndex((l) => l.includes(base));
    // The loop header is the block the back edge jumps to: block1 in Cranelift's listing.
    const header = lines.findIndex((l) => l.trim() === 'block1:');
    t.true(load >= 0 && header >= 0, fn.disassembly);
    t.is(load < header, hoist, fn.disassembly);
    t.is(lines.filter((l) => l.includes(base)).length, 1, fn.disassembly);
  }
});

test('hoistMemoryBase must be a boolean', async (t) => {
  const bytes = await wat(SUM);
  t.throws(() => translate(bytes, { hoistMemoryBase: 'yes' as unknown as boolean }), { instanceOf: RuntimeConfigError });
  await t.throwsAsync(compileWasm(bytes, 'none', engine, { hoistMemoryBase: 1 as unknown as boolean }));
});

test('wasm2clif prints the base as run-wasm compiles it: can_move, except in the unhoisted variants', async (t) => {
  const bytes = await wat(SUM);
  for (const [metering, hoisted] of [['none', true], ['slacked', true], ['none-unhoisted', false], ['slacked-unhoisted', false]] as const) {
    const r = runCli(['wasm2clif', '--metering', metering, '-'], undefined, { stdin: bytes });
    t.is(r.code, 0, r.stderr);
    const loads = baseLoads(r.stdout);
    t.true(loads.length > 0, metering);
    for (const l of loads) t.is(/can_move/.test(l), hoisted, `${metering}: ${l}`);
  }
});
