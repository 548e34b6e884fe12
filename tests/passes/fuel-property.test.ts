// Property: on random Wasmtime-shaped functions (a fuel variable carried in block parameters,
// checks with out-of-gas paths, calls that store and reload the counter, random CFGs with
// loops; current and legacy dialect), `fuel-pinned,fuel-drop-checks` always succeeds, the checker proves the result
// equivalent, and Cranelift's verifier accepts it with enable_pinned_reg.
import test from 'ava';
import fc from 'fast-check';
import { modernize, parse, print } from '../../src/ir/index.js';
import { verify } from '../../src/native/index.js';
import { checkFuel } from '../../src/passes/fuel/check/index.js';
import { findFuelWeb, FuelWebError, PassManager, PassRunError } from '../../src/passes/index.js';

interface BlockShape {
  readonly cost: number;
  readonly check: boolean;
  readonly call: boolean;
  readonly exit: 'return' | 'jump' | 'brif';
  readonly a: number;
  readonly b: number;
}

function wasmtimeShaped(shapes: readonly BlockShape[], legacy: boolean): string {
  const n = shapes.length;
  let next = 10;
  const fresh = (): string => `v${next++}`;
  let extra = n;
  const out: string[] = [
    'function u0:1(i64 vmctx, i64, i32) -> i32 tail {',
    '    gv0 = vmctx',
    '    sig0 = (i64 vmctx) -> i8 tail',
    '    sig1 = (i64 vmctx, i64, i32) -> i32 tail',
    '    fn0 = colocated u805306368:12 sig0',
    '    fn1 = colocated u0:2 sig1',
    '',
  ];
  const target = (k: number): number => 1 + (k % Math.max(1, n - 1));
  shapes.forEach((s, i) => {
    const lines: string[] = [];
    let fuel: string;
    if (i === 0) {
      lines.push('block0(v0: i64, v1: i64, v2: i32):', '    v3 = load.i64 notrap aligned readonly v0+8', '    v4 = load.i64 notrap aligned v3');
      fuel = 'v4';
    } else {
      fuel = fresh();
      lines.push(`block${i}(${fuel}: i64):`);
    }
    // Wasmtime charges at least 1 on entry (an empty function costs 1).
    const cost = i === 0 ? Math.max(1, s.cost) : s.cost;
    if (cost > 0) {
      const sum = fresh();
      if (legacy) lines.push(`    ${sum} = iadd_imm ${fuel}, ${cost}`);
      else {
        const c = fresh();
        lines.push(`    ${c} = iconst.i64 ${cost}`, `    ${sum} = iadd ${fuel}, ${c}`);
      }
      fuel = sum;
    }
    if (s.check) {
      const zero = fresh();
      const cmp = fresh();
      const oog = extra++;
      const cont = extra++;
      const reloaded = fresh();
      const param = fresh();
      if (legacy) lines.push(`    ${cmp} = icmp_imm sge ${fuel}, 0`, `    brnz ${cmp}, block${oog}`, `    jump block${cont}(${fuel})`, '');
      else lines.push(`    ${zero} = iconst.i64 0`, `    ${cmp} = icmp sge ${fuel}, ${zero}`, `    brif ${cmp}, block${oog}, block${cont}(${fuel})`, '');
      lines.push(`block${oog}:`, `    store notrap aligned ${fuel}, v3`, `    ${fresh()} = call fn0(v0)`, `    ${reloaded} = load.i64 notrap aligned v3`, `    jump block${cont}(${reloaded})`, '');
      lines.push(`block${cont}(${param}: i64):`);
      fuel = param;
    }
    if (s.call) {
      const reloaded = fresh();
      lines.push(`    store notrap aligned ${fuel}, v3`, `    ${fresh()} = call fn1(v0, v0, v2)`, `    ${reloaded} = load.i64 notrap aligned v3`);
      fuel = reloaded;
    }
    if (s.exit === 'return' || n === 1) lines.push(`    store notrap aligned ${fuel}, v3`, '    return v2');
    else if (s.exit === 'jump') lines.push(`    jump block${target(s.a)}(${fuel})`);
    else if (legacy) lines.push(`    brnz v2, block${target(s.a)}(${fuel})`, `    jump block${target(s.b)}(${fuel})`);
    else lines.push(`    brif v2, block${target(s.a)}(${fuel}), block${target(s.b)}(${fuel})`);
    out.push(...lines, '');
  });
  out.pop();
  out.push('}');
  return out.join('\n');
}

const shapeArb = fc.record({
  cost: fc.nat(9),
  check: fc.boolean(),
  call: fc.boolean(),
  exit: fc.constantFrom<BlockShape['exit']>('return', 'jump', 'brif', 'brif'),
  a: fc.nat(20),
  b: fc.nat(20),
});

test('property: random Wasmtime-shaped functions are rewritten, proven and verified', (t) => {
  fc.assert(
    fc.property(fc.array(shapeArb, { minLength: 1, maxLength: 8 }), fc.boolean(), (shapes, legacy) => {
      const text = wasmtimeShaped(shapes, legacy);
      const before = parse(text).functions[0]!;
      const web = findFuelWeb(before);
      // A function that never stores nor checks the counter (an endless loop without a check)
      // has nothing to prove: it is left alone.
      fc.pre(web !== null);
      const after = parse(text).functions[0]!;
      PassManager.build('fuel-pinned,fuel-drop-checks').run(after);
      const proof = checkFuel(before, after);
      if (!proof.ok) throw new Error(`not proven:\n${text}\n${JSON.stringify(proof)}`);
      modernize(after);
      const verdict = verify(print(after), { enable_pinned_reg: true });
      if (!verdict.ok) throw new Error(`verifier:\n${print(after)}\n${JSON.stringify(verdict)}`);
      // With a check the builtin is gone; the counter is nowhere in memory any more.
      if (web.checks.length > 0 && print(after).includes('u805306368')) return false;
      return findFuelWeb(after) === null && !print(after).includes('icmp sge');
    }),
    { numRuns: 200 },
  );
  t.pass();
});

test('property: after a random perturbation the passes either refuse or stay provably equivalent', (t) => {
  let refused = 0;
  fc.assert(
    fc.property(fc.array(shapeArb, { minLength: 1, maxLength: 6 }), fc.nat(), fc.constantFrom('drop-store', 'stale-use'), (shapes, pick, how) => {
      const text = wasmtimeShaped(shapes, false);
      const lines = text.split('\n');
      const stores = lines.map((l, i) => [l, i] as const).filter(([l]) => l.includes('store notrap aligned'));
      fc.pre(stores.length > 0);
      const [line, index] = stores[pick % stores.length]!;
      if (how === 'drop-store') lines.splice(index, 1);
      else lines[index] = line.replace(/store notrap aligned v\d+, v3/, 'store notrap aligned v4, v3');
      const perturbed = lines.join('\n');
      const before = parse(perturbed).functions[0]!;
      const after = parse(perturbed).functions[0]!;
      try {
        PassManager.build('fuel-pinned,fuel-drop-checks').run(after);
      } catch (error) {
        if (!(error instanceof PassRunError) || !(error.cause instanceof FuelWebError)) throw error;
        refused++;
        return true;
      }
      if (findFuelWeb(before) === null) return true;
      return checkFuel(before, after).ok;
    }),
    { numRuns: 200 },
  );
  t.true(refused > 0, 'some perturbations are refused');
});
