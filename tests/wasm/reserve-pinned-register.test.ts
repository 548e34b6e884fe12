// `reservePinnedRegister` (the bench's `none-pinned`): the pinned register is taken from the
// register allocator though no counter lives in it, so what that alone costs can be measured
// apart from the increments. The CLIF is the same; the machine code never touches r15.
import test from 'ava';
import { compile } from '../../src/native/compile.js';
import { Engine } from '../../src/runtime/engine.js';
import { RuntimeConfigError } from '../../src/runtime/errors.js';
import { compileWasm } from '../../src/wasm/index.js';
import { runCli } from '../helpers/cli.js';
import { wat } from './wat.js';

// Sixteen values live across a loop: more than the allocatable registers, so r15 gets one of
// them when it may.
const names = Array.from({ length: 16 }, (_, i) => `$v${i}`);
const PRESSURE = `(module
  (func (export "f") (param $n i32) (result i32) ${names.map((v) => `(local ${v} i32)`).join(' ')}
    ${names.map((v, i) => `(local.set ${v} (i32.mul (local.get $n) (i32.const ${i + 3})))`).join('\n    ')}
    (loop $l
      ${names.map((v, i) => `(local.set ${v} (i32.add (local.get ${v}) (local.get ${names[(i + 1) % names.length]})))`).join('\n      ')}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    ${names.slice(1).reduce((acc, v) => `(i32.xor ${acc} (local.get ${v}))`, '(local.get $v0)')}))`;

const engine = new Engine({ flags: { opt_level: 'speed' } });

/** Function u0:0's machine code as the module's instances compile it. */
function disassembly(module: Awaited<ReturnType<typeof compileWasm>>): string {
  const f = compile(module.module.text, { isa: 'x86_64', flags: module.module.flags }).find((x) => x.name === 'u0:0');
  if (f === undefined) throw new Error('no u0:0');
  return f.disassembly;
}

test('none reserves no register; reservePinnedRegister reserves the pinned one, as slacked does', async (t) => {
  const bytes = await wat(PRESSURE);
  const none = await compileWasm(bytes, 'none', engine);
  const pinned = await compileWasm(bytes, 'none', engine, { reservePinnedRegister: true });
  const slacked = await compileWasm(bytes, 'slacked', engine);
  t.is(none.module.flags['enable_pinned_reg'], false);
  t.is(pinned.module.flags['enable_pinned_reg'], true);
  t.is(slacked.module.flags['enable_pinned_reg'], true);
  t.is(pinned.module.text, none.module.text, 'the same CLIF');
  t.regex(disassembly(none), /%r15/, 'the allocator uses r15 when it may');
  t.notRegex(disassembly(pinned), /%r15/);
});

test('the reserved register changes nothing a program computes', async (t) => {
  const bytes = await wat(PRESSURE);
  const results: unknown[] = [];
  for (const reservePinnedRegister of [false, true]) {
    const module = await compileWasm(bytes, 'none', engine, { reservePinnedRegister });
    const instance = await module.instantiate();
    try {
      results.push(await instance.call('f', [1000]));
    } finally {
      instance.dispose();
    }
  }
  t.truthy(results[0]);
  t.deepEqual(results[0], results[1]);
});

test('a reservePinnedRegister that is not a boolean is refused', async (t) => {
  const bytes = await wat(PRESSURE);
  await t.throwsAsync(compileWasm(bytes, 'none', engine, { reservePinnedRegister: 'yes' as unknown as boolean }), { instanceOf: RuntimeConfigError, message: /reservePinnedRegister/ });
});

test('wasm2clif --metering none-pinned prints none\'s CLIF under the header that reserves the register, and it compiles without r15', async (t) => {
  const bytes = await wat(PRESSURE);
  const none = runCli(['wasm2clif', '--metering', 'none', '-'], undefined, { stdin: bytes });
  const pinned = runCli(['wasm2clif', '--metering', 'none-pinned', '-'], undefined, { stdin: bytes });
  t.is(none.code, 0, none.stderr);
  t.is(pinned.code, 0, pinned.stderr);
  t.false(none.stdout.startsWith('set '));
  t.is(pinned.stdout, `set enable_pinned_reg=true\n\n${none.stdout}`);
  const code = (text: string) => compile(text, { isa: 'x86_64', flags: { opt_level: 'speed' } }).find((x) => x.name === 'u0:0')?.disassembly ?? '';
  t.regex(code(none.stdout), /%r15/);
  t.notRegex(code(pinned.stdout), /%r15/, 'the header alone keeps the allocator off r15');
});
