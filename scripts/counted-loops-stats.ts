// Which loops fuel-counted-loops versions in real programs (not a test):
// `npx tsx scripts/counted-loops-stats.ts [FILE.wasm ...]`. Translates each module (Wasmtime's
// fuel), runs the slacked pipeline with fuel-counted-loops on every function and prints, per
// module, the functions, the loops versioned and the loops left alone by reason (the pass's
// `--stats`). Without arguments: the bench programs, the WASI fixtures, the C programs of the
// Wasmtime oracle and the third-party programs. A second table counts the loop nests, and how
// many of them charging a whole nest in bulk could reach: every inner loop innermost and counted,
// with a start and a bound that do not change inside the outer loop, and the outer loop counted
// but for its inner loops. Run time and fuel are checked elsewhere (tests/peers,
// tests/third-party, `npm run fuzz`); this only counts.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnalysisCache } from '../src/analysis/cache.js';
import { branchDestinations, parse, ValueKind, type Function, type Value } from '../src/ir/index.js';
import { incrementsByBlock, recogniseLoop } from '../src/passes/fuel/counted/find.js';
import { constantDef, findPinnedIncrements } from '../src/passes/fuel/web/shapes.js';
import { functionFlowGraph } from '../src/passes/flow-graph.js';
import '../src/passes/index.js';
import { PassManager } from '../src/passes/pass-manager.js';
import { clifText, translate } from '../src/wasm/index.js';

const PLACED = 'fuel-pinned,fuel-drop-checks,fuel-place';
const COUNTED = 'fuel-counted-loops';
const root = fileURLToPath(new URL('..', import.meta.url));
const wasmIn = (dir: string): string[] =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.wasm'))
    .sort()
    .map((f) => join(root, dir, f));
const files = process.argv.length > 2 ? process.argv.slice(2) : [...wasmIn('bench/wasm'), ...wasmIn('tests/fixtures/wasi/wasm'), ...wasmIn('tests/fixtures/wasmtime/simd-c'), ...wasmIn('tests/fixtures/third-party')];

type NestKind = 'mergeable' | 'deep' | 'inner not counted' | 'outer not counted' | 'inner trip count varies';
const NEST_KINDS: readonly NestKind[] = ['mergeable', 'deep', 'inner not counted', 'outer not counted', 'inner trip count varies'];

/** What charging each loop nest of `fn` (placed, before fuel-counted-loops) in bulk would meet. */
function nestKinds(fn: Function): NestKind[] {
  const analyses = new AnalysisCache(() => functionFlowGraph(fn));
  const forest = analyses.loops();
  const increments = incrementsByBlock(findPinnedIncrements(fn));
  const kinds: NestKind[] = [];
  for (const outer of forest.loops) {
    if (outer.children.length === 0) continue;
    const inner = outer.children.map((c) => forest.loops[c]!);
    if (inner.some((l) => l.children.length > 0)) {
      kinds.push('deep');
      continue;
    }
    const counted = inner.map((l) => recogniseLoop(fn, analyses, l, increments, false));
    if (counted.some((c) => typeof c === 'string')) kinds.push('inner not counted');
    else if (typeof recogniseLoop(fn, analyses, outer, increments, false, true) === 'string') kinds.push('outer not counted');
    else {
      const inOuter = new Set(outer.nodes);
      // Fixed across the outer loop: a constant, or a value defined outside it.
      const fixed = (v: Value): boolean => {
        if (constantDef(fn, v) !== undefined) return true;
        const def = fn.dfg.definingData(fn.dfg.resolveAliases(v));
        const home = def === undefined ? undefined : def.kind === ValueKind.Param ? def.owner : fn.layout.instBlock(def.owner);
        return home !== undefined && !inOuter.has(home);
      };
      const varies = counted.some((c) => {
        if (typeof c === 'string') return true;
        const start = branchDestinations(fn.dfg.insts[c.entryBranch]!).find((d) => d.block === c.header)!.args[c.ivIndex];
        return typeof start !== 'number' || !fixed(start) || (c.bound.kind === 'value' && !fixed(c.bound.value));
      });
      kinds.push(varies ? 'inner trip count varies' : 'mergeable');
    }
  }
  return kinds;
}

const placed = PassManager.build(PLACED);
const countedLoops = PassManager.build(COUNTED);
const reasons = new Set<string>();
const rows: { name: string; functions: number; versioned: number; top: number; rejected: Map<string, number>; nests: Map<NestKind, number> }[] = [];
for (const file of files) {
  const module = translate(new Uint8Array(readFileSync(file)), { metering: 'vanilla' });
  const functions = module.functions.length === 0 ? [] : parse(clifText(module)).functions;
  const row = { name: basename(file, '.wasm'), functions: functions.length, versioned: 0, top: 0, rejected: new Map<string, number>(), nests: new Map<NestKind, number>() };
  for (const fn of functions) {
    placed.run(fn);
    for (const kind of nestKinds(fn)) row.nests.set(kind, (row.nests.get(kind) ?? 0) + 1);
    for (const [key, n] of countedLoops.run(fn).stats) {
      if (key === 'fuel-counted-loops.versioned') row.versioned += n;
      else if (key === 'fuel-counted-loops.versioned-top-exit') row.top += n;
      else if (key.startsWith('fuel-counted-loops.rejected.')) {
        const why = key.slice('fuel-counted-loops.rejected.'.length);
        reasons.add(why);
        row.rejected.set(why, (row.rejected.get(why) ?? 0) + n);
      }
    }
  }
  rows.push(row);
  process.stderr.write(`${row.name}: ${row.versioned} versioned\n`);
}
const order = [...reasons].sort();
console.log(`| module | functions | versioned | of which exit from the top | left alone | ${order.join(' | ')} |`);
console.log(`|---|---:|---:|---:|---:|${order.map(() => '---:|').join('')}`);
const total = { functions: 0, versioned: 0, top: 0, rejected: new Map<string, number>() };
for (const r of rows) {
  const left = [...r.rejected.values()].reduce((a, b) => a + b, 0);
  console.log(`| ${r.name} | ${r.functions} | ${r.versioned} | ${r.top} | ${left} | ${order.map((k) => r.rejected.get(k) ?? 0).join(' | ')} |`);
  total.functions += r.functions;
  total.versioned += r.versioned;
  total.top += r.top;
  for (const [k, n] of r.rejected) total.rejected.set(k, (total.rejected.get(k) ?? 0) + n);
}
const left = [...total.rejected.values()].reduce((a, b) => a + b, 0);
console.log(`| **all** | ${total.functions} | **${total.versioned}** | ${total.top} | ${left} | ${order.map((k) => total.rejected.get(k) ?? 0).join(' | ')} |`);

console.log('');
console.log(`| module | loop nests | ${NEST_KINDS.join(' | ')} |`);
console.log(`|---|---:|${NEST_KINDS.map(() => '---:|').join('')}`);
const nests = new Map<NestKind, number>();
for (const r of rows) {
  const all = [...r.nests.values()].reduce((a, b) => a + b, 0);
  if (all === 0) continue;
  console.log(`| ${r.name} | ${all} | ${NEST_KINDS.map((k) => r.nests.get(k) ?? 0).join(' | ')} |`);
  for (const [k, n] of r.nests) nests.set(k, (nests.get(k) ?? 0) + n);
}
const allNests = [...nests.values()].reduce((a, b) => a + b, 0);
console.log(`| **all** | ${allNests} | ${NEST_KINDS.map((k) => nests.get(k) ?? 0).join(' | ')} |`);
