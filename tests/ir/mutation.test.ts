// The editing API: building functions from scratch, inserting before/after, replacing uses,
// aliases, block parameters, retargeting branches, splitting blocks. Expected texts were checked
// with Cranelift 0.135.8's reader and verifier.
import test from 'ava';
import {
  abiParam,
  appendBlockParam,
  changeToAlias,
  createBlock,
  Cursor,
  Function,
  I32,
  I64,
  parseFunction,
  print,
  removeBlock,
  removeBlockParam,
  removeInst,
  replaceAllUses,
  resolveAliases,
  retarget,
  splitBlock,
  splitEdge,
  successors,
  terminator,
  trustedFlags,
} from '../../src/index.js';

function counter(): Function {
  const fn = new Function({ kind: 'testcase', name: 'count' }, { params: [abiParam(I64, 'none', { kind: 'vmctx' })], returns: [abiParam(I32)], callConv: 'tail' });
  const entry = createBlock(fn);
  const vmctx = appendBlockParam(fn, entry, I64);
  const exit = createBlock(fn, 'end', true);
  const cur = new Cursor(fn).atBottom(entry);
  const fuel = cur.load(I64, trustedFlags(), vmctx, 8);
  const one = cur.iconst(I64, 1);
  const sum = cur.iadd(fuel, one);
  cur.store(trustedFlags(), sum, vmctx, 8);
  const zero = cur.iconst(I64, 0);
  const out = cur.icmp('sge', sum, zero);
  cur.brif(out, exit, [], exit, []);
  const c = new Cursor(fn).atBottom(exit);
  c.return([c.iconst(I32, -1)]);
  return fn;
}

test('builds a function from scratch with fresh, dense numbers', (t) => {
  t.is(
    print(counter()),
    `function %count(i64 vmctx) -> i32 tail {
block0(v0: i64):
    v1 = load.i64 notrap aligned v0+8
    v2 = iconst.i64 1
    v3 = iadd v1, v2  ; v2 = 1
    store notrap aligned v3, v0+8
    v4 = iconst.i64 0
    v5 = icmp sge v3, v4  ; v4 = 0
    brif v5, block1, block1

block1 cold:
    v6 = iconst.i32 -1
    return v6  ; v6 = -1
}
`,
  );
});

test('inserting before and after keeps order; new numbers go above the maximum', (t) => {
  const fn = parseFunction(`function %f(i64) -> i64 {
block3(v10: i64):
    v20 = iadd v10, v10
    return v20
}
`);
  const [add, ret] = fn.layout.blockInstList(3) as [number, number];
  const cur = new Cursor(fn).before(add);
  const a = cur.iconst(I64, 7);
  const b = cur.iconst(I64, 8);
  const after = new Cursor(fn).after(add);
  const sum = after.iadd(fn.dfg.firstResult(add), a);
  replaceAllUses(fn, fn.dfg.firstResult(add), b);
  // The use inside `sum` was replaced as well, so point it back explicitly.
  fn.dfg.inst(fn.layout.prevInst(ret)!).args[0] = fn.dfg.firstResult(add);
  fn.dfg.inst(ret).args[0] = sum;
  t.is(
    print(fn),
    `function %f(i64) -> i64 fast {
block3(v10: i64):
    v21 = iconst.i64 7
    v22 = iconst.i64 8
    v20 = iadd v10, v10
    v23 = iadd v20, v21  ; v21 = 7
    return v23
}
`,
  );
});

test('replaceAllUses rewrites arguments, branch arguments and counts them', (t) => {
  const fn = parseFunction(`function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 5
    brif v0, block1(v0), block1(v1)
block1(v2: i32):
    return v2
}
`);
  t.is(replaceAllUses(fn, 0, 1), 2);
  t.regex(print(fn), /brif v1, block1\(v1\), block1\(v1\)  ; v1 = 5, v1 = 5, v1 = 5/);
});

test('aliases print like Cranelift and resolve away', (t) => {
  const fn = parseFunction(`function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd v0, v0
    v2 = iadd v1, v1
    return v2
}
`);
  const [first, second] = fn.layout.blockInstList(0) as [number, number];
  t.throws(() => changeToAlias(fn, fn.dfg.firstResult(second), fn.dfg.firstResult(first)), { message: /still in the layout/ });
  removeInst(fn, second);
  changeToAlias(fn, fn.dfg.firstResult(second), fn.dfg.firstResult(first));
  t.is(
    print(fn),
    `function %f(i32) -> i32 fast {
block0(v0: i32):
    v1 = iadd v0, v0
    v2 -> v1
    return v2
}
`,
  );
  resolveAliases(fn);
  t.regex(print(fn), /return v1\n/);
  t.notRegex(print(fn), /v\d+ -> v/);
});

test('block parameters: removing one drops the matching branch arguments', (t) => {
  const fn = parseFunction(`function %f(i32) -> i32 {
block0(v0: i32):
    jump block1(v0, v0)
block1(v1: i32, v2: i32):
    return v2
}
`);
  t.is(removeBlockParam(fn, 1, 0), 1);
  const extra = appendBlockParam(fn, 1, I64);
  t.is(extra, 3);
  t.regex(print(fn), /jump block1\(v0\)\n\nblock1\(v2: i32, v3: i64\):/);
});

test('retarget, successors, terminator, splitBlock and removeBlock', (t) => {
  const fn = parseFunction(`function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iadd v0, v0
    v2 = imul v1, v1
    brif v2, block1, block2
block1:
    return v0
block2:
    return v1
}
`);
  t.deepEqual(successors(fn, 0), [1, 2]);
  const br = terminator(fn, 0)!;
  t.is(retarget(fn, br, 2, 1), 1);
  t.deepEqual(successors(fn, 0), [1]);
  removeBlock(fn, 2);
  const mul = fn.layout.blockInstList(0)[1]!;
  const tail = splitBlock(fn, mul);
  t.is(tail, 3);
  t.is(
    print(fn),
    `function %f(i32) -> i32 fast {
block0(v0: i32):
    v1 = iadd v0, v0
    jump block3

block3:
    v2 = imul.i32 v1, v1
    brif v2, block1, block1

block1:
    return v0
}
`,
  );
});

test('clone is deep: editing the copy leaves the original alone', async (t) => {
  const { readFileSync } = await import('node:fs');
  for (const name of ['wasmtime-fuel-srcloc', 'trycall', 'vectors', 'memory', 'srclocs']) {
    const original = parseFunction(readFileSync(`tests/fixtures/ir/${name}.clif`, 'utf8'));
    const before = print(original);
    const copy = original.clone();
    t.is(print(copy), before);
    for (const block of copy.layout.blockList()) {
      for (const inst of copy.layout.blockInstList(block)) {
        copy.dfg.mapInstValues(inst, (v) => v + 1000);
        const flags = copy.dfg.inst(inst).flags;
        if (flags !== null) flags.aligned = !flags.aligned;
      }
      appendBlockParam(copy, block, I32);
    }
    createBlock(copy);
    t.is(print(original), before, name);
  }
});

test('splitEdge puts a block on one edge and keeps the arguments', (t) => {
  const fn = parseFunction(`function %f(i32) -> i32 {
block0(v0: i32):
    brif v0, block1(v0), block1(v0)
block1(v1: i32):
    return v1
}
`);
  const br = terminator(fn, 0)!;
  const edge = splitEdge(fn, br, 1);
  new Cursor(fn).atTop(edge).iconst(I32, 9);
  t.is(
    print(fn),
    `function %f(i32) -> i32 fast {
block0(v0: i32):
    brif v0, block1(v0), block2

block2:
    v2 = iconst.i32 9
    jump block1(v0)

block1(v1: i32):
    return v1
}
`,
  );
});
