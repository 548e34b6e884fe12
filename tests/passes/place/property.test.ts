// Property tests on random Wasmtime-shaped functions (random CFGs with random costs, calls and
// loops; generator shared with the checker's tests): fuel-pinned,fuel-drop-checks,fuel-place
// output is proven by checkFuel against the original, never runs more increments than the
// original, and changing any one placed increment that can be observed is rejected.
import test from 'ava';
import fc from 'fast-check';
import { buildControlFlow } from '../../../src/analysis/cfg.js';
import { parse, print, type Function } from '../../../src/ir/index.js';
import { checkFuel } from '../../../src/passes/fuel/check/index.js';
import { scanPinned, type PinnedIncrementSite } from '../../../src/passes/fuel/placement-clif/index.js';
import { functionFlowGraph, loadOptionalPasses, PassManager } from '../../../src/passes/index.js';
import { randomFunction, wasmtimeText } from '../check/random-functions.js';

await loadOptionalPasses();
const pipeline = PassManager.build('fuel-pinned,fuel-drop-checks,fuel-place');

function placed(text: string): { fn: Function; stats: ReadonlyMap<string, number> } {
  const fn = parse(text).functions[0]!;
  const run = pipeline.run(fn);
  return { fn, stats: run.stats };
}

interface Located {
  readonly inc: PinnedIncrementSite;
  /** Whether a change of it must be seen: an observation point follows, or it is on a cycle. */
  readonly observable: boolean;
}

/** Every reachable constant increment of a pinned-form function, with whether it is observable. */
function constantIncrements(fn: Function): Located[] {
  const cfg = buildControlFlow(functionFlowGraph(fn));
  const scan = scanPinned(fn, false, (b) => cfg.successors(b).length > 0);
  // Blocks from whose start an observation point (a call, or the function's end) can be reached.
  const observes = new Set<number>();
  for (const [b, s] of scan.blocks) if (s.boundaries.length > 0 || s.end === 'return') observes.add(b);
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of cfg.nodes) {
      if (!observes.has(b) && cfg.successors(b).some((s) => observes.has(s))) changed = observes.add(b).size > 0;
    }
  }
  const onCycle = (b: number): boolean => {
    const seen = new Set<number>();
    const work = [...cfg.successors(b)];
    while (work.length > 0) {
      const n = work.pop()!;
      if (n === b) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      work.push(...cfg.successors(n));
    }
    return false;
  };
  const out: Located[] = [];
  for (const [b, s] of scan.blocks) {
    if (!cfg.isReachable(b)) continue;
    s.segments.forEach((seg, i) => {
      const later = i < s.segments.length - 1 || s.end === 'return' || cfg.successors(b).some((n) => observes.has(n));
      for (const inc of seg.constants) out.push({ inc, observable: later || onCycle(b) });
    });
  }
  return out;
}

function setAmount(fn: Function, inc: PinnedIncrementSite, amount: bigint): void {
  if (inc.constInst !== undefined) fn.dfg.insts[inc.constInst]!.imm = amount;
  else fn.dfg.insts[inc.add]!.imm = amount;
}

test('placed random functions are proven against the original and never run more increments', (t) => {
  fc.assert(
    fc.property(randomFunction, (f) => {
      const text = wasmtimeText(f);
      const { fn, stats } = placed(text);
      const r = checkFuel(parse(text).functions[0]!, fn);
      if (!r.ok) throw new Error(`${JSON.stringify(r)}\n${text}\n${print(fn)}`);
      const before = stats.get('fuel-place.dynamic-before');
      const after = stats.get('fuel-place.dynamic-after');
      if (before !== undefined && after !== undefined && after > before + 1e-9) throw new Error(`more increments run: ${before} -> ${after}\n${print(fn)}`);
    }),
    { numRuns: 150 },
  );
  t.pass();
});

test('changing one placed, observable increment by k is rejected', (t) => {
  let checked = 0;
  fc.assert(
    fc.property(randomFunction, fc.nat(), fc.integer({ min: -12, max: 12 }).filter((k) => k !== 0), (f, pick, k) => {
      const text = wasmtimeText(f);
      const { fn } = placed(text);
      const observable = constantIncrements(fn).filter((l) => l.observable);
      fc.pre(observable.length > 0);
      // Re-read the placed text so the perturbed copy is independent of the pass's objects.
      const copy = parse(print(fn)).functions[0]!;
      const target = constantIncrements(copy).filter((l) => l.observable)[pick % observable.length]!;
      setAmount(copy, target.inc, target.inc.amount! + BigInt(k));
      const r = checkFuel(parse(text).functions[0]!, copy);
      if (r.ok || r.reason !== 'counterexample') throw new Error(`not rejected (k = ${k}): ${JSON.stringify(r)}\n${print(copy)}`);
      checked++;
    }),
    { numRuns: 150 },
  );
  t.true(checked > 50);
});
