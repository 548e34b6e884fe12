// The vendored Cranelift lowers a constant increment of the pinned register as one instruction
// (x86_64 `addq $k, %r15`; aarch64 `add`/`sub x21, x21, #k`) and keeps it exact wherever the
// register may change between the read and the write.
import test from 'ava';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { print, type Function } from '../../src/ir/index.js';
import { compile, jit, runChecks, type Isa } from '../../src/native/index.js';
import { findVersionedLoops } from '../../src/passes/fuel/check/versioned-loops.js';
import { findPinnedIncrements } from '../../src/passes/fuel/web/index.js';
import { compileWasm } from '../../src/wasm/index.js';
import { fixture } from './fixture.js';

const text = fixture('pinned-increment.clif');
const pinned = { enable_pinned_reg: true };

/** The lines of a disassembly that mention the pinned register. */
function pinnedLines(disassembly: string, isa: Isa): string[] {
  const register = isa === 'x86_64' ? /%r15\b/ : /\bx21\b/;
  return disassembly
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => register.test(line));
}

function disassemblyOf(isa: Isa): Map<string, string[]> {
  return new Map(compile(text, { isa, optLevel: 'speed' }).map((f) => [f.name, pinnedLines(f.disassembly, isa)]));
}

test('the fixture runs with the results its run lines give', (t) => {
  const results = runChecks(text);
  t.true(results.length >= 10);
  for (const r of results) t.true(r.ok, `${JSON.stringify(r.command)}: ${r.actual ?? r.error ?? ''}`);
});

test('x86_64: a constant increment is one add to r15; the read is copied only when something else uses it', (t) => {
  const lines = disassemblyOf('x86_64');
  t.deepEqual(lines.get('%add_small'), ['movq %rdi, %r15', 'addq $0x3, %r15', 'movq %r15, %rax']);
  t.deepEqual(lines.get('%add_commuted'), ['movq %rdi, %r15', 'addq $0x3e8, %r15', 'movq %r15, %rax']);
  t.deepEqual(lines.get('%add_wide'), ['movq %rdi, %r15', 'addq $0x7fffffff, %r15', 'movq %r15, %rax']);
  t.deepEqual(lines.get('%refund'), ['movq %rdi, %r15', 'addq $0xfffffffffffffffb, %r15', 'movq %r15, %rax']);
  t.deepEqual(lines.get('%bump_by_100'), ['addq $0x64, %r15']);
  t.deepEqual(lines.get('%loop_charges')?.filter((l) => l.startsWith('addq')), ['addq $0x6, %r15']);
  // The old value is also multiplied: one copy out, and still one add.
  t.deepEqual(lines.get('%read_kept'), ['movq %rdi, %r15', 'movq %r15, %rax', 'addq $0x2, %r15', 'movq %r15, %rsi']);
});

test('x86_64: no add to r15 where the immediate does not fit or a call intervenes', (t) => {
  const lines = disassemblyOf('x86_64');
  t.false(lines.get('%add_huge')?.some((l) => l.startsWith('addq')));
  const between = lines.get('%call_between') ?? [];
  t.false(between.some((l) => l.startsWith('addq')), 'the read before the call is not moved after it');
  t.true(between.some((l) => /^movq %r15, %r\w+$/.test(l)), 'the register is copied out before the call');
});

test('aarch64: a constant increment is one add or sub on x21 when it fits an imm12', (t) => {
  const lines = disassemblyOf('aarch64');
  t.deepEqual(lines.get('%add_small'), ['mov x21, x0', 'add x21, x21, #3', 'mov x0, x21']);
  t.deepEqual(lines.get('%add_commuted'), ['mov x21, x0', 'add x21, x21, #1000', 'mov x0, x21']);
  t.deepEqual(lines.get('%refund'), ['mov x21, x0', 'sub x21, x21, #5', 'mov x0, x21']);
  t.deepEqual(lines.get('%bump_by_100'), ['add x21, x21, #100']);
  t.deepEqual(lines.get('%loop_charges')?.filter((l) => l.startsWith('add')), ['add x21, x21, #6']);
  t.false(lines.get('%add_wide')?.some((l) => l.startsWith('add x21, x21')), '0x7fffffff is not an imm12');
  t.false(lines.get('%call_between')?.some((l) => l.startsWith('add x21')));
});

interface Step {
  readonly kind: 'add' | 'small' | 'call' | 'stale';
  readonly amount?: bigint;
}

/** A random straight-line mix of increments, refunds, calls that bump, and stale reads. */
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), amount: fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }) }),
  fc.record({ kind: fc.constant('small' as const), amount: fc.bigInt({ min: -200n, max: 5000n }) }),
  fc.record({ kind: fc.constant('call' as const) }),
  fc.record({ kind: fc.constant('stale' as const), amount: fc.bigInt({ min: 1n, max: 9n }) }),
);

function program(steps: readonly Step[]): string {
  const body: string[] = ['    set_pinned_reg v0'];
  let next = 1;
  const fresh = (): string => `v${next++}`;
  for (const s of steps) {
    if (s.kind === 'call') {
      body.push('    call fn0()');
      continue;
    }
    const read = fresh();
    const k = fresh();
    const sum = fresh();
    body.push(`    ${read} = get_pinned_reg.i64`);
    // 'stale': a call between the read and the write; the call's bump is overwritten.
    if (s.kind === 'stale') body.push('    call fn0()');
    body.push(`    ${k} = iconst.i64 ${s.amount}`, `    ${sum} = iadd ${read}, ${k}`, `    set_pinned_reg ${sum}`);
  }
  const result = fresh();
  body.push(`    ${result} = get_pinned_reg.i64`, `    return ${result}`);
  return `set enable_pinned_reg=true

function %bump() {
block0:
    v0 = get_pinned_reg.i64
    v1 = iconst.i64 100
    v2 = iadd v0, v1
    set_pinned_reg v2
    return
}

function %f(i64) -> i64 {
    fn0 = %bump()
block0(v0: i64):
${body.join('\n')}
}
`;
}

function expected(start: bigint, steps: readonly Step[]): bigint {
  let value = start;
  for (const s of steps) value = BigInt.asIntN(64, s.kind === 'call' ? value + 100n : value + s.amount!);
  return value;
}

test('property: increments, refunds and calls in any order leave the exact sum in the register', (t) => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 12 }), fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), (steps, start) => {
      const module = jit(program(steps), { flags: pinned });
      try {
        const [result] = module.call('f', [start]);
        return result === expected(start, steps);
      } finally {
        module.dispose();
      }
    }),
    { numRuns: 60 },
  );
  t.pass();
});

/** Increments whose constant the ISA can add in one instruction. */
function foldable(amount: bigint | null, isa: Isa): boolean {
  if (amount === null) return false;
  if (isa === 'x86_64') return amount >= -(2n ** 31n) && amount < 2n ** 31n;
  const magnitude = amount < 0n ? -amount : amount;
  return magnitude < 4096n || (magnitude % 4096n === 0n && magnitude < 2n ** 24n);
}

const oneInstruction: Record<Isa, RegExp> = {
  x86_64: /^\s*addq \$0x[0-9a-f]+, %r15$/,
  aarch64: /^\s*(add|sub) x21, x21, #\d+$/,
};

const benchModules = readdirSync(new URL('../../bench/wasm/', import.meta.url)).filter((name) => name.endsWith('.wasm'));

/** The slacked CLIF of every benchmark module, translated once for both ISAs. */
const slackedModules = (async () => {
  const out: { name: string; functions: readonly Function[] }[] = [];
  for (const name of benchModules) {
    const wasm = readFileSync(new URL(`../../bench/wasm/${name}`, import.meta.url));
    out.push({ name, functions: (await compileWasm(wasm, 'slacked')).module.functions });
  }
  return out;
})();

for (const isa of ['x86_64', 'aarch64'] as const) {
  test(`${isa}: in every slacked function of the benchmark modules, each increment is one instruction`, async (t) => {
    t.true(benchModules.length >= 10);
    let increments = 0;
    for (const { name, functions } of await slackedModules) {
      for (const fn of functions) {
        const expectedCount = findPinnedIncrements(fn).filter((inc) => foldable(inc.amount, isa)).length;
        // A counted loop's prepaid amount (n × c) is computed at run time, but Cranelift folds it
        // to a constant when the start and the bound are constants, and then it is one add too.
        const prepaid = findVersionedLoops(fn, false).length;
        const [compiled] = compile(`set enable_pinned_reg=true\n\n${print(fn)}`, { isa, optLevel: 'speed' });
        const instructions = compiled!.disassembly.split('\n').filter((line) => oneInstruction[isa].test(line)).length;
        const where = `${name} function ${JSON.stringify(fn.name)}`;
        t.true(instructions >= expectedCount && instructions <= expectedCount + prepaid, `${where}: ${instructions} one-instruction increments for ${expectedCount} constant ones and ${prepaid} prepaid loops`);
        increments += expectedCount;
      }
    }
    t.true(increments > 500, `${increments} increments checked`);
  });
}
