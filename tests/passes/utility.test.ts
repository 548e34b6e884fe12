// Utility passes: exact results on a hand-written function, declaration cleanup, and a property
// test on random CFGs: the passes never change what a function returns.
import test from 'ava';
import fc from 'fast-check';
import { parse, print, type Block, type Function } from '../../src/ir/index.js';
import { PassManager, reachableBlocks, removeUnusedDeclarations } from '../../src/passes/index.js';

const SAMPLE = `function %u(i32, i32) -> i32 fast {
block0(v0: i32, v1: i32):
    v2 = iconst.i32 7
    v3 = iadd v0, v1
    v4 = imul v3, v3
    brif v0, block1(v0), block2

block1(v5: i32):
    jump block3(v5, v2)  ; v2 = 7

block2:
    v6 = iconst.i32 1
    jump block3(v6, v1)  ; v6 = 1

block3(v7: i32, v8: i32):
    jump block4

block4:
    v9 = iadd.i32 v7, v8
    return v9

block5:
    v10 = iconst.i32 9
    jump block4
}
`;

function run(pipeline: string, text = SAMPLE): string {
  const fn = parse(text).functions[0]!;
  PassManager.build(pipeline).run(fn);
  return print(fn);
}

test('remove-unreachable drops block5 and nothing else', (t) => {
  const out = run('remove-unreachable');
  t.false(out.includes('block5'));
  t.is(out, SAMPLE.replace(/\n\nblock5:\n {4}v10 = iconst.i32 9\n {4}jump block4\n/, '\n'));
});

test('dce removes unused pure instructions, keeps numbering', (t) => {
  t.is(run('dce'), SAMPLE.replace('    v3 = iadd v0, v1\n    v4 = imul v3, v3\n', '').replace('    v10 = iconst.i32 9\n', ''));
});

test('dce keeps loads that may trap, calls and stores; removes notrap loads', (t) => {
  const text = `function %m(i64) fast {
    sig0 = () fast
    fn0 = %g() fast
block0(v0: i64):
    v1 = load.i32 v0
    v2 = load.i32 notrap aligned v0
    v3 = get_pinned_reg.i64
    call fn0()
    store v2, v0
    return
}
`;
  const out = run('dce', text);
  t.true(out.includes('v1 = load.i32 v0'));
  t.true(out.includes('v2 = load.i32 notrap aligned v0'), 'still used by the store');
  t.false(out.includes('get_pinned_reg'), 'an unused read of the pinned register goes');
  t.true(out.includes('call fn0()'));
});

test('merge-blocks threads the forwarding block1 (args substituted) and leaves the rest', (t) => {
  const out = run('merge-blocks');
  t.true(out.includes('brif v0, block3(v0, v2), block2  ; v2 = 7'));
  t.false(out.includes('block1'));
  t.true(out.includes('block4:'), 'block4 has two predecessors while block5 exists');
});

test('remove-unreachable,dce,merge-blocks gives the minimal function', (t) => {
  t.is(
    run('remove-unreachable,dce,merge-blocks'),
    `function %u(i32, i32) -> i32 fast {
block0(v0: i32, v1: i32):
    v2 = iconst.i32 7
    brif v0, block3(v0, v2), block2  ; v2 = 7

block2:
    v6 = iconst.i32 1
    jump block3(v6, v1)  ; v6 = 1

block3(v7: i32, v8: i32):
    v9 = iadd v7, v8
    return v9
}
`,
  );
});

test('merge-blocks does not thread a block whose parameter is used elsewhere', (t) => {
  const text = `function %k(i32) -> i32 fast {
block0(v0: i32):
    jump block1(v0)

block1(v1: i32):
    jump block2

block2:
    return v1
}
`;
  t.is(run('merge-blocks{merge=false}', text), text);
  t.is(run('merge-blocks', text), `function %k(i32) -> i32 fast {\nblock0(v0: i32):\n    return v0\n}\n`);
});

test('removeUnusedDeclarations renumbers fn and sig references', (t) => {
  const fn = parse(`function %d(i64) fast {
    sig0 = (i64) fast
    sig1 = (i64) -> i64 fast
    fn0 = %a sig0
    fn1 = %b sig1
block0(v0: i64):
    v1 = call fn1(v0)
    v2 = call_indirect sig1, v0(v1)
    return
}`).functions[0]!;
  t.deepEqual(removeUnusedDeclarations(fn, [0, 1]), { funcs: 1, sigs: 1 });
  t.is(
    print(fn),
    `function %d(i64) fast {
    sig0 = (i64) -> i64 fast
    fn0 = %b sig0

block0(v0: i64):
    v1 = call fn0(v0)
    v2 = call_indirect sig0, v0(v1)
    return
}
`,
  );
});

// ---- property: random CFGs keep their results ----

interface Shape {
  readonly kind: 'return' | 'jump' | 'forward' | 'brif';
  readonly a: number;
  readonly b: number;
  readonly passSum: boolean;
}

function randomFunction(shapes: readonly Shape[]): string {
  const n = shapes.length;
  const param = (i: number): string => (i === 0 ? 'v0' : `v${10 * i}`);
  const lines = [`function %r(i32) -> i32 fast {`];
  shapes.forEach((s, i) => {
    lines.push(i === 0 ? 'block0(v0: i32):' : `block${i}(${param(i)}: i32):`);
    const target = (k: number): number => 1 + (k % Math.max(1, n - 1));
    if (s.kind === 'forward' && i !== 0) {
      lines.push(`    jump block${target(s.a)}(${param(i)})`);
    } else {
      lines.push(`    v${10 * i + 1} = iconst.i32 ${1000 * (i + 1)}`, `    v${10 * i + 2} = iadd ${param(i)}, v${10 * i + 1}`);
      const sum = `v${10 * i + 2}`;
      if (s.kind === 'return' || n === 1) lines.push(`    return ${sum}`);
      else if (s.kind === 'brif') lines.push(`    brif v0, block${target(s.a)}(${s.passSum ? sum : param(i)}), block${target(s.b)}(${sum})`);
      else lines.push(`    jump block${target(s.a)}(${s.passSum ? sum : param(i)})`);
    }
    lines.push('');
  });
  lines.pop();
  lines.push('}');
  return lines.join('\n');
}

/** Runs the function on `arg`: the returned value, or 'loop' after too many steps. */
function interpret(fn: Function, arg: number): number | 'loop' {
  const env = new Map<number, number>();
  let block: Block = fn.layout.entryBlock()!;
  env.set(fn.dfg.blockParams(block)[0]!, arg);
  const val = (v: number): number => env.get(fn.dfg.resolveAliases(v))!;
  for (let steps = 0; steps < 500; steps++) {
    for (const inst of fn.layout.blockInsts(block)) {
      const d = fn.dfg.insts[inst]!;
      const result = fn.dfg.instResults(inst)[0];
      if (d.opcode === 'iconst') env.set(result!, Number(d.imm));
      else if (d.opcode === 'iadd') env.set(result!, (val(d.args[0]!) + val(d.args[1]!)) | 0);
      else if (d.opcode === 'return') return val(d.args[0]!);
      else if (d.opcode === 'jump' || d.opcode === 'brif') {
        const dest = d.opcode === 'jump' || val(d.args[0]!) !== 0 ? d.destinations![0]! : d.destinations![1]!;
        const args = dest.args.map((a) => val(a as number));
        fn.dfg.blockParams(dest.block).forEach((p, k) => env.set(p, args[k]!));
        block = dest.block;
        break;
      }
    }
  }
  return 'loop';
}

const shapeArb = fc.record({
  kind: fc.constantFrom<Shape['kind']>('return', 'jump', 'forward', 'brif'),
  a: fc.nat(20),
  b: fc.nat(20),
  passSum: fc.boolean(),
});

test('property: remove-unreachable, dce and merge-blocks keep every result on random CFGs', (t) => {
  fc.assert(
    fc.property(fc.array(shapeArb, { minLength: 1, maxLength: 9 }), fc.constantFrom('remove-unreachable,dce,merge-blocks', 'merge-blocks', 'merge-blocks{merge=false}', 'merge-blocks{thread=false},remove-unreachable'), (shapes, pipeline) => {
      const text = randomFunction(shapes);
      const before = parse(text).functions[0]!;
      const after = parse(text).functions[0]!;
      PassManager.build(pipeline).run(after);
      for (const arg of [0, 1, 7]) if (interpret(before, arg) !== interpret(after, arg)) return false;
      const printed = print(after);
      if (print(parse(printed).functions[0]!) !== printed) return false;
      if (pipeline.includes('remove-unreachable') && reachableBlocks(after).size !== after.layout.blockList().length) return false;
      return after.layout.blockList().length <= before.layout.blockList().length;
    }),
    { numRuns: 300 },
  );
  t.pass();
});
