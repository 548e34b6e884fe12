// The wasm record layout reaches the addon as JSON from TypeScript, and the addon writes
// pointers at the offsets it names: a field outside its record or a slot outside the vmctx is
// refused with a typed error before anything is written (native/src/wasm_state.rs,
// validate_layout), instead of writing past the allocation.
import { parse } from '@bytecodealliance/jco';
import test from 'ava';
import { z } from 'zod';
import { addon, type NativeAddon } from '../../src/native/addon.js';
import { compileWasm } from '../../src/wasm/index.js';

type Call = Parameters<NativeAddon['instantiate']>;

/** The arguments the runtime passes to the addon for a small module with a table and a memory. */
async function capturedInstantiate(): Promise<Call> {
  const wasm = await parse(`(module (memory 1) (table 1 funcref) (elem (i32.const 0) $f)
    (func $f (export "f") (result i32) i32.const 7))`);
  const module = await compileWasm(wasm, 'slacked');
  const native = addon();
  const original = native.instantiate;
  let captured: Call | undefined;
  native.instantiate = (...args: Call) => {
    captured = args;
    return original.apply(native, args);
  };
  try {
    (await module.instantiate({})).dispose();
  } finally {
    native.instantiate = original;
  }
  if (captured === undefined) throw new Error('the runtime did not call instantiate');
  return captured;
}

const optionsSchema = z.object({ wasm: z.object({ records: z.record(z.string(), z.number()), statePointer: z.number(), vmctxBytes: z.number() }).passthrough() }).passthrough();

test('the captured layout instantiates as it is', async (t) => {
  const [text, settings, options] = await capturedInstantiate();
  const instance = addon().instantiate(text, settings, options, null);
  instance.dispose();
  t.pass();
});

test('a record field past its record is refused by name', async (t) => {
  const [text, settings, options] = await capturedInstantiate();
  const o = optionsSchema.parse(JSON.parse(options));
  o.wasm.records['funcRefCode'] = o.wasm.records['funcRefStride']!;
  t.throws(() => addon().instantiate(text, settings, JSON.stringify(o), null), { message: /record layout: funcRef\.code \(8 bytes at \d+\) does not fit its \d+-byte record/ });
});

test('a vmctx slot past the vmctx is refused by name', async (t) => {
  const [text, settings, options] = await capturedInstantiate();
  const o = optionsSchema.parse(JSON.parse(options));
  o.wasm.statePointer = o.wasm.vmctxBytes;
  t.throws(() => addon().instantiate(text, settings, JSON.stringify(o), null), { message: /vmctx layout: statePointer \(8 bytes at \d+\) does not fit the \d+-byte vmctx/ });
});
