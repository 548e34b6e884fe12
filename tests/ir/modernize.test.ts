// modernize() turns legacy-dialect code into current Cranelift. The expected files were accepted
// (and printed identically) by Cranelift 0.135.8's reader and verifier.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { modernize, ModernizeError, opcodes, parse, parseFunction, print } from '../../src/index.js';

const dir = fileURLToPath(new URL('../fixtures/ir/legacy/', import.meta.url));

for (const name of ['fuel-2022', 'shapes']) {
  test(`modernizes ${name}`, (t) => {
    const file = parse(readFileSync(`${dir}${name}.clif`, 'utf8'));
    let changed = 0;
    for (const fn of file.functions) changed += modernize(fn);
    t.true(changed > 0);
    const printed = file.functions.map((fn) => print(fn)).join('');
    t.is(printed, readFileSync(`${dir}${name}.modernized.expected.clif`, 'utf8'));
    for (const fn of file.functions) {
      for (const block of fn.layout.blocks()) {
        for (const inst of fn.layout.blockInsts(block)) t.is(opcodes.get(fn.dfg.inst(inst).opcode)?.dialect, 'current');
      }
    }
    t.is(modernize(file.functions[0]!), 0, 'a second run changes nothing');
  });
}

test('brz followed by a jump becomes one brif with swapped targets', (t) => {
  const fn = parseFunction(`function %f(i32) {
block0(v0: i32):
    brz v0, block2
    jump block1
block1:
    return
block2:
    return
}
`);
  modernize(fn);
  t.regex(print(fn), /block0\(v0: i32\):\n    brif v0, block1, block2\n\nblock1:/);
});

test('legacy instructions without a current form are refused with ModernizeError', (t) => {
  const fn = parseFunction(`function %f(i32) -> i32 {
block0(v0: i32):
    v1, v2 = iadd_cout v0, v0
    return v0
}
`);
  const error = t.throws(() => modernize(fn), { instanceOf: ModernizeError });
  t.regex(error.message, /iadd_cout has no current-dialect equivalent/);
});

test('legacy jump tables, trap codes and memflags become current syntax', (t) => {
  const fn = parseFunction(`function %jt(i64 vmctx, i32) -> i32 {
    jt0 = jump_table [block2, block1]

block0(v0: i64, v1: i32):
    v2 = load.i32 notrap aligned heap table v0+8
    br_table v1, block1, jt0

block1:
    trap unreachable

block2:
    v3 = load.i32 icall_null v0
    trapz v3, bad_sig
    return v3
}
`);
  t.is(modernize(fn), 5);
  t.is(
    print(fn),
    `function %jt(i64 vmctx, i32) -> i32 fast {
block0(v0: i64, v1: i32):
    v2 = load.i32 notrap aligned v0+8
    br_table v1, block1, [block2, block1]

block1:
    trap user10

block2:
    v3 = load.i32 user5 v0
    trapz v3, user6
    return v3
}
`,
  );
});

test('heap_addr is refused: its bounds checks are not in the IR', (t) => {
  const file = parse(readFileSync(`${dir}wasmtime-2022.clif`, 'utf8'));
  const error = t.throws(() => modernize(file.functions[0]!), { instanceOf: ModernizeError });
  t.regex(error.message, /heap_addr/);
});
