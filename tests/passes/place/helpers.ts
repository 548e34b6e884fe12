// Hand-written pinned-form functions for fuel-place tests: a line `+N` in a function body
// stands for a constant increment of N (`get_pinned_reg` → `iconst` → `iadd` → `set_pinned_reg`),
// a line `+dyn vX` for a run-time increment by vX (an i64).
import { formatFunctionName, parse, print, type Function } from '../../../src/ir/index.js';
import { checkFuel } from '../../../src/passes/fuel/check/index.js';
import { scanPinned } from '../../../src/passes/fuel/placement-clif/index.js';
import { functionFlowGraph, loadOptionalPasses, PassManager, type FunctionRunResult, type PassSpec } from '../../../src/passes/index.js';

await loadOptionalPasses();

/** Expands the `+N` / `+dyn vX` shorthand into pinned-register increments. */
export function expand(text: string): string {
  let next = 1000;
  return text.replace(/^(\s*)\+(dyn (v\d+)|\d+)\s*$/gm, (_, indent: string, what: string, dyn: string | undefined) => {
    const g = `v${next++}`;
    const r = `v${next++}`;
    if (dyn !== undefined) return `${indent}${g} = get_pinned_reg.i64\n${indent}${r} = iadd ${g}, ${dyn}\n${indent}set_pinned_reg ${r}`;
    const c = `v${next++}`;
    return `${indent}${c} = iconst.i64 ${what}\n${indent}${g} = get_pinned_reg.i64\n${indent}${r} = iadd ${g}, ${c}\n${indent}set_pinned_reg ${r}`;
  });
}

export function fn(text: string): Function {
  return parse(expand(text)).functions[0]!;
}

/** Constant increments per block (layout order; blocks without any left out); `dyn` for run-time ones. */
export function increments(f: Function): Record<string, Array<number | 'dyn'>> {
  const graph = functionFlowGraph(f);
  const scan = scanPinned(f, false, (b) => graph.successors(b).length > 0);
  const out: Record<string, Array<number | 'dyn'>> = {};
  for (const b of f.layout.blockList()) {
    const list: Array<number | 'dyn'> = [];
    for (const seg of scan.blocks.get(b)!.segments) {
      const all = [...seg.constants, ...seg.dynamics].sort((x, y) => f.layout.blockInstList(b).indexOf(x.get) - f.layout.blockInstList(b).indexOf(y.get));
      for (const inc of all) list.push(inc.amount === null ? 'dyn' : Number(inc.amount));
    }
    if (list.length > 0) out[`block${b}`] = list;
  }
  return out;
}

export interface Placed {
  readonly before: Function;
  readonly after: Function;
  readonly run: FunctionRunResult;
  readonly stats: Record<string, number>;
  readonly text: string;
}

/** Runs `pipeline` (default fuel-place) on the function and proves the result with checkFuel. */
export function place(text: string, options: Record<string, unknown> = {}, pipeline?: readonly PassSpec[]): Placed {
  const before = fn(text);
  const after = fn(text);
  const run = PassManager.build(pipeline ?? [{ name: 'fuel-place', options }]).run(after);
  const observeTraps = options['observeTraps'] === true;
  const check = checkFuel(before, after, { observeTraps });
  if (!check.ok) throw new Error(`${formatFunctionName(after.name)} not proven: ${JSON.stringify(check)}\n${print(after)}`);
  return { before, after, run, stats: Object.fromEntries(run.stats), text: print(after) };
}
