// Linear-memory accesses carry an alias region of their own, as Wasmtime's do: a store to
// linear memory is then not a fence for Cranelift, so the memory base loaded from the vmctx
// before it stays in its register instead of being loaded again after it.
import test from 'ava';
import { compile } from '../../src/native/compile.js';
import { Engine } from '../../src/runtime/engine.js';
import { codegenFlags } from '../../src/runtime/module.js';
import { clifText, compileWasm, translate } from '../../src/wasm/index.js';
import { wat } from './wat.js';

// Three stores through one pointer, then a load: one base for all four accesses.
const STORES = `(module (memory 1)
  (func (export "f") (param i32 i32) (result i32)
    (i32.store (local.get 0) (local.get 1))
    (i32.store offset=4 (local.get 0) (local.get 1))
    (i32.store offset=8 (local.get 0) (local.get 1))
    (i32.load offset=4 (local.get 0))))`;

test('heap loads and stores name the linear-memory region; vmctx loads do not', async (t) => {
  const text = clifText(translate(await wat(STORES)));
  const fn = text.slice(text.indexOf('function u0:0'));
  t.regex(fn, /region0 = 0 "linear memory"/);
  const stores = fn.split('\n').filter((l) => /\bstore\b/.test(l));
  t.is(stores.length, 3);
  for (const s of stores) t.regex(s, / region0 /);
  t.regex(fn, /load\.i32 little region0 /);
  for (const l of fn.split('\n').filter((line) => /load\.i64 notrap aligned readonly/.test(line))) t.notRegex(l, /region/);
});

test('the memory base is loaded once across stores to linear memory', async (t) => {
  const engine = new Engine({ flags: { opt_level: 'speed' } });
  const module = await compileWasm(await wat(STORES), 'none', engine);
  const base = engine.layout.memoryBase;
  const fn = compile(module.module.text, { isa: 'x86_64', flags: codegenFlags(engine.flags, false) }).find((f) => f.name === 'u0:0');
  if (fn === undefined) return t.fail('no u0:0');
  // Cranelift's listing: `movq 0x18(%rdi), %rsi` is the base load when the base is at vmctx+24.
  const loads = fn.disassembly.split('\n').filter((l) => l.includes(`movq 0x${base.toString(16)}(%rdi)`));
  t.is(loads.length, 1, fn.disassembly);
});
