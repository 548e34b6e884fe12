// check-fuel's rule for a counted loop that exits from its top
// (tests/fixtures/check/counted-top.*.clif: `top32_p4` of loops-wat.ts, `while (i != bound)`
// stepped by 4, put through fuel-pinned,fuel-drop-checks,fuel-counted-loops so that both parts of
// the iteration charge: 10 up to the test, 9 after it). The rewrite is proven; a prepaid amount
// off by one in either charge or in the trip count, a copy whose iterations can skip the test,
// and a change of any single constant of the rewrite by ±1 (but one that only makes the guard
// stricter) are rejected.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { parse } from '../../../src/ir/index.js';
import { checkFuel, type FuelCheckResult } from '../../../src/passes/fuel/check/index.js';

const dir = new URL('../../fixtures/check/', import.meta.url);
const before = readFileSync(new URL('counted-top.before.clif', dir), 'utf8');
const after = readFileSync(new URL('counted-top.after.clif', dir), 'utf8');
const LIMIT = 0x035e_50d7_9435_e50dn; // 2^62 / 19

const check = (text: string): FuelCheckResult => checkFuel(parse(before).functions[0]!, parse(text).functions[0]!);

/** `after` with each [from, to] replaced once (each must occur). */
function mutate(...edits: Array<[string, string]>): string {
  let text = after;
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

test('proven: the versioned loop that exits from its top (m × 19 + 10 prepaid)', (t) => {
  t.true(after.includes('v73 = imul v71, v72  ; v72 = 19') && after.includes('v75 = iadd v73, v74  ; v74 = 10'));
  const r = check(after);
  t.true(r.ok, JSON.stringify(r));
});

function rejected(title: string, kind: 'diagnostic' | 'counterexample', message: RegExp | undefined, text: () => string): void {
  test(`rejected: ${title}`, (t) => {
    const r = check(text());
    if (r.ok) return t.fail('proven');
    t.is(r.reason, kind, JSON.stringify(r));
    if (message !== undefined && r.reason === 'diagnostic') t.regex(r.diagnostic.message, message);
  });
}

for (const delta of [1n, -1n]) {
  // The whole iteration's charge off by one (the overflow bound adjusted to it): the copy's
  // latch then charges 9 ± 1 where every iteration of the original charges 9.
  rejected(`the iteration's charge ${delta > 0n ? '+' : '−'}1`, 'counterexample', undefined, () =>
    mutate(['v72 = iconst.i64 19', `v72 = iconst.i64 ${19n + delta}`], ['v76 = iconst.i64 0x035e_50d7_9435_e50d', `v76 = iconst.i64 ${(1n << 62n) / (19n + delta)}`]),
  );
  // The top part's charge off by one: paid m + 1 times in the copy, not what the original pays.
  rejected(`the top part's charge ${delta > 0n ? '+' : '−'}1`, 'counterexample', undefined, () => mutate(['v74 = iconst.i64 10', `v74 = iconst.i64 ${10n + delta}`]));
}
rejected('the trip count of a test on i + s (one iteration short)', 'diagnostic', /trip count/, () =>
  mutate(['v70 = ushr v68, v69', 'v90 = iconst.i32 4\n    v91 = isub v68, v90\n    v70 = ushr v91, v69']),
);
rejected('the trip count of a latch test ((m + 1) × c)', 'diagnostic', /m × c \+ c_top/, () =>
  mutate(['v75 = iadd v73, v74', 'v90 = iconst.i64 1\n    v91 = iadd v71, v90\n    v75 = imul v91, v72']),
);
rejected('the top part charges more than the iteration', 'diagnostic', /more than the whole iteration/, () => mutate(['v74 = iconst.i64 10', 'v74 = iconst.i64 20']));
rejected('an iteration of the copy can skip the exit test', 'diagnostic', /without passing the exit test/, () =>
  mutate(['block11(v56: i32, v57: i32):\n    jump block12', 'block11(v56: i32, v57: i32):\n    brif v56, block12, block13']),
);

test('every constant of the rewrite matters: changing any one by ±1 is rejected, except a lower overflow bound', (t) => {
  const fn = parse(after).functions[0]!;
  let tried = 0;
  for (const block of fn.layout.blocks()) {
    for (const inst of fn.layout.blockInsts(block)) {
      const data = fn.dfg.insts[inst]!;
      // Constants the code never reads (the front end's unused local initialiser) cannot matter.
      if (data.opcode !== 'iconst') continue;
      const result = fn.dfg.firstResult(inst);
      if (!fn.layout.blockList().some((b) => fn.layout.blockInstList(b).some((i) => fn.dfg.instValues(i).includes(result)))) continue;
      for (const delta of [1n, -1n]) {
        const mutated = parse(after).functions[0]!;
        mutated.dfg.insts[inst]!.imm += delta;
        const r = checkFuel(parse(before).functions[0]!, mutated);
        tried++;
        // A smaller bound on m only sends more runs to the original loop: still exact.
        if (data.imm === LIMIT && delta < 0n) t.true(r.ok, `v${result} ${delta}: ${JSON.stringify(r)}`);
        else t.false(r.ok, `v${result} = iconst ${data.imm} changed by ${delta} is proven`);
      }
    }
  }
  t.is(tried, 2 * 17);
});
