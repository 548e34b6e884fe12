// check-fuel's rule for counted loops charged in bulk (src/passes/fuel/check/versioned-loops.ts)
// on fuel-counted-loops' output for a loop stepped by 2 (tests/fixtures/check/counted.*.clif):
// the rewrite is proven; each wrong variant — a wrong charge, step, bound, a missing `+ 1` or
// divisibility test, a call or an early exit in the copy, a trap in the copy with traps
// observed — is rejected, either by the rule or by the ordinary proof that follows it; so is a
// change of any single constant of the rewrite by ±1 (except one that only makes the guard stricter).
import { readFileSync } from 'node:fs';
import test from 'ava';
import { parse } from '../../../src/ir/index.js';
import { checkFuel, type CheckFuelOptions, type FuelCheckResult } from '../../../src/passes/fuel/check/index.js';
import { PassManager } from '../../../src/passes/index.js';
import { translate } from '../../../src/wasm/index.js';
import { wat } from '../../wasm/wat.js';
import { LOOPS_WAT } from '../counted/loops-wat.js';

const dir = new URL('../../fixtures/check/', import.meta.url);
const before = readFileSync(new URL('counted.before.clif', dir), 'utf8');
const after = readFileSync(new URL('counted.after.clif', dir), 'utf8');

function check(afterText: string, options: CheckFuelOptions = {}): FuelCheckResult {
  return checkFuel(parse(before).functions[0]!, parse(afterText).functions[0]!, options);
}

/** `after` with each [from, to] replaced once (each must occur). */
function mutate(...edits: Array<[string, string]>): string {
  let text = after;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

test('proven: the versioned loop (guard, prepaid copy, original)', (t) => {
  const r = check(after);
  t.true(r.ok, JSON.stringify(r));
});

function rejected(title: string, kind: 'diagnostic' | 'counterexample', message: RegExp | undefined, text: () => string, options: CheckFuelOptions = {}): void {
  test(`rejected: ${title}`, (t) => {
    const r = check(text(), options);
    if (r.ok) return t.fail('proven');
    t.is(r.reason, kind, JSON.stringify(r));
    if (message !== undefined && r.reason === 'diagnostic') t.regex(r.diagnostic.message, message);
  });
}

// The charge is 13 per iteration; the prepay says 14 (with the overflow bound adjusted to it):
// the copy then charges 14 per iteration, which the ordinary proof refutes.
rejected('wrong charge', 'counterexample', undefined, () =>
  mutate(['v71 = iconst.i64 13', 'v71 = iconst.i64 14'], ['v73 = iconst.i64 0x04ec_4ec4_ec4e_c4ec', 'v73 = iconst.i64 0x0492_4924_9249_2492']),
);
rejected('wrong charge whose overflow bound no longer holds', 'diagnostic', /cannot overflow/, () => mutate(['v71 = iconst.i64 13', 'v71 = iconst.i64 14']));
rejected('trip count for another step (shift by 2)', 'diagnostic', /shifted right by 1/, () => mutate(['v66 = iconst.i32 1', 'v66 = iconst.i32 2']));
rejected('the copy steps by 4 where the trip count assumes 2', 'diagnostic', /not shifted right by 2|δ − 4/, () => mutate(['v58 = iconst.i32 2', 'v58 = iconst.i32 4']));
// Guard and copy agree on a step of 4, but the original loop steps by 2: the copy is not the loop.
rejected('a consistent step of 4 in guard and copy', 'diagnostic', /structural mismatch/, () =>
  mutate(
    ['v64 = iconst.i32 2', 'v64 = iconst.i32 4'],
    ['v66 = iconst.i32 1', 'v66 = iconst.i32 2'],
    ['v79 = iconst.i32 1', 'v79 = iconst.i32 3'],
    ['v58 = iconst.i32 2', 'v58 = iconst.i32 4'],
  ),
);
rejected('the trip count uses another bound', 'diagnostic', /bound/, () => mutate(['v63 = isub.i32 v3, v2', 'v63 = isub.i32 v2, v2']));
rejected('the copy compares with another bound', 'diagnostic', /bound/, () => mutate(['v60 = icmp ne v59, v3', 'v60 = icmp ne v59, v2']));
rejected('missing + 1 (the last iteration unpaid)', 'diagnostic', /n = m \+ 1/, () => mutate(['v72 = imul v70, v71', 'v72 = imul v68, v71']));
rejected('missing divisibility test (a loop that never ends would be prepaid)', 'diagnostic', /multiple of the step/, () => mutate(['brif v83, block12', 'brif v78, block12']));
rejected('the guard sends the covered case to the original and the rest to the prepaid copy', 'diagnostic', undefined, () =>
  mutate(['brif v83, block12, block4(v5, v2)', 'brif v83, block4(v5, v2), block12']),
);
rejected('the guard ignores the budget', 'diagnostic', /budget/, () => mutate(['v77 = icmp slt v72, v76', 'v77 = icmp sge v72, v76']));
rejected('a call inside the copy', 'diagnostic', /calls or returns/, () =>
  mutate(['    stack_limit = gv2', '    sig0 = (i64 vmctx) tail\n    fn0 = colocated u0:9 sig0\n    stack_limit = gv2'], ['    v55 = iconst.i32 31', '    call fn0(v0)\n    v55 = iconst.i32 31']),
);
rejected('an early exit from the copy', 'diagnostic', /exit/, () => mutate(['block10(v53: i32, v54: i32):\n    jump block11', 'block10(v53: i32, v54: i32):\n    brif v53, block11, block9(v53)']));
rejected('the copy keeps an increment (charged twice)', 'diagnostic', /touches the counter/, () =>
  mutate(['block10(v53: i32, v54: i32):\n', 'block10(v53: i32, v54: i32):\n    v90 = iconst.i64 13\n    v91 = get_pinned_reg.i64\n    v92 = iadd v91, v90\n    set_pinned_reg v92\n']),
);

test('traps: a loop that may trap is versioned only when traps are not observed, and the proof follows the option', async (t) => {
  const fns = translate(await wat(LOOPS_WAT), { metering: 'vanilla' }).functions;
  const source = fns.find((f) => f.clif.includes('uload8'))!.clif;
  const run = (pipeline: string) => {
    const fn = parse(source).functions[0]!;
    return { fn, versioned: PassManager.build(pipeline).run(fn).stats.get('fuel-counted-loops.versioned') ?? 0 };
  };
  const base = 'fuel-pinned,fuel-drop-checks,fuel-place';
  t.is(run(`${base}{observe-traps=true},fuel-counted-loops{observe-traps=true}`).versioned, 0);
  const { fn, versioned } = run(`${base},fuel-counted-loops`);
  t.is(versioned, 1);
  t.true(checkFuel(parse(source).functions[0]!, fn).ok);
  const observed = checkFuel(parse(source).functions[0]!, fn, { observeTraps: true });
  t.false(observed.ok);
  if (!observed.ok && observed.reason === 'diagnostic') t.regex(observed.diagnostic.message, /may trap/);
});

test('every constant of the rewrite matters: changing any one by ±1 is rejected, except a lower overflow bound', (t) => {
  const fn = parse(after).functions[0]!;
  const limit = 0x04ec_4ec4_ec4e_c4ecn;
  let tried = 0;
  for (const block of fn.layout.blocks()) {
    for (const inst of fn.layout.blockInsts(block)) {
      const data = fn.dfg.insts[inst]!;
      if (data.opcode !== 'iconst') continue;
      for (const delta of [1n, -1n]) {
        const mutated = parse(after).functions[0]!;
        const d = mutated.dfg.insts[inst]!;
        d.imm += delta;
        const r = checkFuel(parse(before).functions[0]!, mutated);
        tried++;
        // A smaller bound on m only sends more runs to the original loop: still exact.
        if (data.imm === limit && delta < 0n) t.true(r.ok, `v${fn.dfg.firstResult(inst)} ${delta}: ${JSON.stringify(r)}`);
        else t.false(r.ok, `v${fn.dfg.firstResult(inst)} = iconst ${data.imm} changed by ${delta} is proven`);
      }
    }
  }
  t.is(tried, 28, "the 14 constants of the fixture, each both ways");
});
