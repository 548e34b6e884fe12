// memory.copy and memory.fill of memory 0 take a lock-free path in the builtins (bounds read from
// the vmctx, no lock, no allocation) and fall back to the locked one for everything else. The
// two must not differ: random copies and fills, in bounds, at the edge and past it, overlapping
// both ways, agree with a model of the memory (Uint8Array.copyWithin and fill), trap exactly
// when the model says so, and see pages a memory.grow added. Every metering mode.
import test from 'ava';
import fc from 'fast-check';
import { WasmTrap } from '../../src/wasm/index.js';
import { compiled, MODES } from './runtime-modes.js';
import { wat } from './wat.js';

const PAGE = 65536;

const MODULE = wat(`(module
  (memory (export "mem") 1 3)
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);

type Op = { kind: 'copy'; dst: number; src: number; len: number } | { kind: 'fill'; dst: number; value: number; len: number } | { kind: 'grow' };

/** Addresses that land near the interesting places: the start, the end of each page, past it. */
const address = fc.oneof(
  fc.integer({ min: 0, max: 64 }),
  fc.integer({ min: PAGE - 64, max: PAGE + 64 }),
  fc.integer({ min: 2 * PAGE - 64, max: 2 * PAGE + 64 }),
  fc.integer({ min: 0, max: 3 * PAGE }),
  fc.constant(0xffff_fff0),
);
const length = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 * PAGE }), fc.constant(0xffff_ffff));
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('copy' as const), dst: address, src: address, len: length }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('fill' as const), dst: address, value: fc.integer({ min: 0, max: 0xffff }), len: length }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'grow' as const }) },
);

for (const mode of MODES) {
  test(`${mode.name}: copies and fills agree with a model of the memory, traps included`, async (t) => {
    const module = await compiled(MODULE, mode);
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 24 }), fc.integer({ min: 0, max: 255 }), async (ops, seed) => {
        const instance = await module.instantiate();
        try {
          let model = new Uint8Array(PAGE);
          // Distinct bytes, so a copy from the wrong place or in the wrong direction shows.
          for (let i = 0; i < PAGE; i++) model[i] = (i * 31 + seed) & 0xff;
          instance.writeMemory(0, model);
          for (const o of ops) {
            if (o.kind === 'grow') {
              const grown = Number((await instance.call('grow', [1])).results[0]);
              if (model.length < 3 * PAGE) {
                t.is(grown, model.length / PAGE);
                const bigger = new Uint8Array(model.length + PAGE);
                bigger.set(model);
                model = bigger;
              } else t.is(grown, -1);
              continue;
            }
            const fits = (at: number) => at + o.len <= model.length;
            const ok = o.kind === 'copy' ? fits(o.dst) && fits(o.src) : fits(o.dst);
            const call = o.kind === 'copy' ? instance.call('copy', [o.dst, o.src, o.len]) : instance.call('fill', [o.dst, o.value, o.len]);
            if (!ok) {
              await t.throwsAsync(call, { instanceOf: WasmTrap, message: /out of bounds|memory_out_of_bounds/ }, JSON.stringify(o));
              continue;
            }
            await call;
            if (o.kind === 'copy') model.copyWithin(o.dst, o.src, o.src + o.len);
            else model.fill(o.value & 0xff, o.dst, o.dst + o.len);
          }
          t.is(instance.memorySize, model.length);
          const actual = instance.readMemory(0, model.length);
          return Buffer.compare(Buffer.from(actual), Buffer.from(model)) === 0;
        } finally {
          instance.dispose();
        }
      }),
      { numRuns: mode.name === 'none' ? 60 : 25, seed: 2026 },
    );
    t.pass();
  });
}
