import test from 'ava';
import fc from 'fast-check';
import { compile, jit, runChecks } from '../../src/native/index.js';
import { VerifierError } from '../../src/runtime/errors.js';
import { fixture } from './fixture.js';

const pinned = jit(fixture('pinned.clif'));

test('the pinned register carries a counter across calls between functions', (t) => {
  t.deepEqual(pinned.call('count', [1000n, 7n]), [1019n]);
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), (start, step) => {
      const [result] = pinned.call('count', [start, step]);
      return result === BigInt.asIntN(64, start + 2n * step + 5n);
    }),
  );
});

test('the counter survives a callee that uses the stack and other registers', (t) => {
  t.deepEqual(pinned.call('survives_work', [10n]), [65n]);
  t.true(runChecks(fixture('pinned.clif')).every((r) => r.ok));
});

test('clobbering the pinned register inside JIT code leaves the host intact', (t) => {
  const clobber = jit(
    `function %clobber(i64) -> i64 {
block0(v0: i64):
    set_pinned_reg v0
    v1 = get_pinned_reg.i64
    return v1
}
`,
    { flags: { enable_pinned_reg: true } },
  );
  for (let i = 0; i < 10_000; i++) clobber.call('clobber', [BigInt(i) * 0x1234_5678_9abcn]);
  // The host (the C shim, V8) saw its callee-saved r15 restored every time: work goes on.
  t.is(JSON.parse(JSON.stringify({ a: [1, 2, 3] })).a.length, 3);
  t.deepEqual(pinned.call('count', [0n, 1n]), [7n]);
  clobber.dispose();
});

test('without enable_pinned_reg the pinned-register instructions do not verify', (t) => {
  const error = t.throws(() => jit(fixture('pinned.clif'), { flags: { enable_pinned_reg: false } }), { instanceOf: VerifierError });
  t.true(error?.errors.every((e) => e.message === 'GetPinnedReg/SetPinnedReg cannot be used without enable_pinned_reg'));
  t.is(new Set(error?.errors.map((e) => e.function)).size, 4);
});

test('aarch64 code keeps the counter in x21 and never saves or restores it', (t) => {
  const functions = compile(fixture('pinned.clif'), { isa: 'aarch64' });
  const bump = functions.find((f) => f.name === '%bump');
  t.regex(bump?.disassembly ?? '', /mov x\d+, x21\n/);
  t.regex(bump?.disassembly ?? '', /mov x21, x\d+\n/);
  t.false(functions.some((f) => /st[rp].*x21/.test(f.disassembly)), 'x21 is never spilled');
});
