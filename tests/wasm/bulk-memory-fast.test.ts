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

// What a hostile module can ask of the two builtins: 64-bit addresses whose end wraps past
// 2^64, ranges that end one byte past the memory, and pieces larger than the lock-free path
// takes (16 MiB), which go through the locked path in pieces. Each traps or completes, the
// bytes outside a failed operation stay as they were, and nothing crashes.
const MEMORY64 = wat(`(module
  (memory (export "mem") i64 1)
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2))))`);

const LARGE = wat(`(module
  (memory (export "mem") 300)
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2))))`);

for (const mode of MODES) {
  test(`${mode.name}: wrapping 64-bit ranges trap; pieces over 16 MiB complete`, async (t) => {
    const m64 = await (await compiled(MEMORY64, mode)).instantiate();
    try {
      const top = 2n ** 64n;
      const before = m64.readMemory(0, PAGE);
      const ranges: readonly (readonly [bigint, bigint, bigint])[] = [
        [top - 8n, 0n, 16n],
        [0n, top - 8n, 16n],
        [0n, 0n, top - 1n],
        [BigInt(PAGE) - 15n, 0n, 16n],
        [BigInt(PAGE) + 1n, 0n, 0n],
      ];
      // A length near 2^64 costs more fuel than any budget (Wasmtime's per-byte charge comes
      // first): the metered modes run out of fuel there instead of trapping.
      const refused = async (call: Promise<unknown>, len: bigint, what: string) => {
        const error = await t.throwsAsync(call, undefined, what);
        const outOfFuel = mode.name !== 'none' && len > 2n ** 32n && error?.name === 'OutOfFuel';
        t.true(error instanceof WasmTrap || outOfFuel, `${what}: ${String(error)}`);
      };
      for (const [dst, src, len] of ranges) {
        await refused(m64.call('copy', [dst, src, len]), len, `copy ${dst} ${src} ${len}`);
        // fill has no source: only a destination past the end is refused.
        if (dst + len > BigInt(PAGE)) await refused(m64.call('fill', [dst, 0xab, len]), len, `fill ${dst} ${len}`);
      }
      t.deepEqual(m64.readMemory(0, PAGE), before);
      await m64.call('copy', [BigInt(PAGE), 0n, 0n]);
      await m64.call('fill', [BigInt(PAGE) - 16n, 0xcd, 16n]);
      t.deepEqual([...m64.readMemory(PAGE - 17, 17)], [0, ...new Array<number>(16).fill(0xcd)]);
    } finally {
      m64.dispose();
    }

    const large = await (await compiled(LARGE, mode)).instantiate();
    try {
      const piece = 17 * 1024 * 1024;
      await large.call('fill', [0, 0x5a, piece]);
      await large.call('copy', [piece / 16, 0, piece]);
      const bytes = large.readMemory(0, piece + piece / 16 + 1);
      t.is(bytes[0], 0x5a);
      t.is(bytes[piece + piece / 16 - 1], 0x5a);
      t.is(bytes[piece + piece / 16], 0);
      await t.throwsAsync(large.call('fill', [300 * PAGE - piece + 1, 1, piece]), { instanceOf: WasmTrap });
    } finally {
      large.dispose();
    }
  });
}
