import test from 'ava';
import fc from 'fast-check';
import {
  DEFAULT_VMCTX_LAYOUT,
  hostToWasmTrampoline,
  layoutJson,
  newEpochBuiltin,
  outOfGasBuiltin,
  pinnedRegister,
  vmctxLayoutSchema,
  wasmToHostTrampoline,
  type FuelConvention,
  type SlotType,
} from '../../src/abi/index.js';
import { verify } from '../../src/native/index.js';

test('the pinned register is r15 on x86_64 and x21 on aarch64; other ISAs are refused', (t) => {
  t.is(pinnedRegister('x86_64'), 'r15');
  t.is(pinnedRegister('aarch64'), 'x21');
  t.throws(() => pinnedRegister('riscv64'));
});

test('the default layout keeps Wasmtime 2026\'s fuel location: first i64 of the context at vmctx+8', (t) => {
  t.is(DEFAULT_VMCTX_LAYOUT.storeContextPointer, 8);
  t.is(DEFAULT_VMCTX_LAYOUT.fuelConsumed, 0);
  t.deepEqual(JSON.parse(layoutJson()), { ...DEFAULT_VMCTX_LAYOUT });
});

test('layouts with overlapping, misaligned or out-of-range fields are rejected', (t) => {
  t.false(vmctxLayoutSchema.safeParse({ ...DEFAULT_VMCTX_LAYOUT, memoryBase: 8 }).success);
  t.false(vmctxLayoutSchema.safeParse({ ...DEFAULT_VMCTX_LAYOUT, hostDispatch: 44 }).success);
  t.false(vmctxLayoutSchema.safeParse({ ...DEFAULT_VMCTX_LAYOUT, hostDispatch: 128 }).success);
  t.false(vmctxLayoutSchema.safeParse({ ...DEFAULT_VMCTX_LAYOUT, epochDeadline: 0 }).success);
  t.false(vmctxLayoutSchema.safeParse({ ...DEFAULT_VMCTX_LAYOUT, extra: 1 }).success);
});

test('the pinned host→wasm trampoline loads, checks, calls, stores and checks again', (t) => {
  const text = hostToWasmTrampoline({ name: '%enter', target: 'u0:0', targetSignature: '(i64 vmctx, i64, i32) -> i32 tail', params: ['i32'], returns: ['i32'], fuel: 'pinned' });
  const lines = text.split('\n').map((l) => l.trim());
  const order = ['set_pinned_reg', 'trapnz', 'call fn0', 'get_pinned_reg', 'store', 'trapnz'];
  let at = 0;
  for (const want of order) {
    const found = lines.findIndex((l, i) => i >= at && l.includes(want));
    t.true(found >= 0, `${want} after line ${at}`);
    at = found + 1;
  }
});

test('the pinned wasm→host trampoline checks the stored counter before the dispatcher call and reloads after', (t) => {
  const text = wasmToHostTrampoline({ name: '%log', signature: '(i64 vmctx, i64, i32) tail', params: ['i32'], returns: [], hostIndex: 3, fuel: 'pinned' });
  const trap = text.indexOf('trapnz');
  const call = text.indexOf('call_indirect');
  const reload = text.lastIndexOf('set_pinned_reg');
  t.true(trap > 0 && trap < call && call < reload);
  t.regex(text, /iconst\.i64 3/);
});

const slotType = fc.constantFrom<SlotType>('i8', 'i16', 'i32', 'i64', 'f32', 'f64');
const convention = fc.constantFrom<FuelConvention>('pinned', 'memory');

test('trampolines for any signature verify under the fuel ABI flags', (t) => {
  fc.assert(
    fc.property(fc.array(slotType, { maxLength: 6 }), fc.array(slotType, { maxLength: 3 }), convention, (params, returns, fuel) => {
      const sig = `(i64 vmctx, i64${params.map((p) => `, ${p}`).join('')})${returns.length > 0 ? ` -> ${returns.join(', ')}` : ''} tail`;
      const args = params.map((p, i) => `v${i + 2}: ${p}`);
      const results = returns.map((r, i) => {
        const v = `v${100 + i}`;
        return { v, line: r.startsWith('f') ? `${v} = ${r}const 0.0` : `${v} = iconst.${r} 0` };
      });
      const callee = [
        `function u0:0${sig} {`,
        '    sig0 = ' + sig,
        '    fn0 = %host sig0',
        `block0(v0: i64, v1: i64${args.map((a) => `, ${a}`).join('')}):`,
        ...results.map((r) => `    ${r.line}`),
        `    return${results.length > 0 ? ` ${results.map((r) => r.v).join(', ')}` : ''}`,
        '}',
        '',
      ].join('\n');
      const text =
        callee +
        hostToWasmTrampoline({ name: '%enter', target: 'u0:0', targetSignature: sig, params, returns, fuel }) +
        wasmToHostTrampoline({ name: '%host', signature: sig, params, returns, hostIndex: 0, fuel }) +
        outOfGasBuiltin() +
        newEpochBuiltin();
      const verdict = verify(text, { enable_pinned_reg: true });
      t.deepEqual(verdict, { ok: true }, text);
      return verdict.ok;
    }),
    { numRuns: 40 },
  );
});
