// Where a program's executed increments are, by the kind of loop that holds them (not a test):
// `npx tsx scripts/increments-by-loop.ts PROFILE.json FILE.wasm`, the profile measured by
// `slackfuel run-wasm --metering count --profile-out PROFILE.json FILE.wasm ARGS...`.
// Places every function as `slacked-uncounted` does (fuel-pinned, fuel-drop-checks, fuel-place),
// weighs each increment by how often its block ran, and splits the total by the innermost loop
// the block is in: an innermost loop without a call, by its number of exit edges; an innermost
// loop with a call; a loop that holds other loops; no loop. Only increments in innermost loops
// without a call could be charged k iterations at a time (a call observes the counter every
// iteration); the split bounds what any such transformation could save.
import { readFileSync } from 'node:fs';
import { AnalysisCache } from '../src/analysis/cache.js';
import { formatFunctionName } from '../src/ir/function.js';
import { parse } from '../src/ir/index.js';
import { opcodeInfo } from '../src/ir/opcode-table.js';
import { profileBlockCounts } from '../src/passes/fuel/counted/hot-loops.js';
import { loadProfile, profileFor } from '../src/passes/fuel/placement-clif/profile.js';
import { findPinnedIncrements } from '../src/passes/fuel/web/shapes.js';
import { functionFlowGraph } from '../src/passes/flow-graph.js';
import '../src/passes/index.js';
import { PassManager } from '../src/passes/pass-manager.js';
import { clifText, translate } from '../src/wasm/index.js';

const KINDS = ['innermost, 1 exit', 'innermost, 2 exits', 'innermost, 3+ exits', 'innermost, with a call', 'holds loops', 'no loop'] as const;
type Kind = (typeof KINDS)[number];

const [profilePath, wasmPath] = process.argv.slice(2);
if (profilePath === undefined || wasmPath === undefined) {
  console.error('usage: npx tsx scripts/increments-by-loop.ts PROFILE.json FILE.wasm');
  process.exit(2);
}
const profile = loadProfile(profilePath);
const functions = parse(clifText(translate(new Uint8Array(readFileSync(wasmPath)), { metering: 'vanilla' }))).functions;
const placed = PassManager.build('fuel-pinned,fuel-drop-checks,fuel-place');
const executed = new Map<Kind, number>(KINDS.map((k) => [k, 0]));

for (const fn of functions) {
  // Block numbers of the profile are fuel-place's input's, which keep their numbers through it.
  const measured = profileFor(profile, formatFunctionName(fn.name));
  placed.run(fn);
  if (measured === undefined) continue;
  const runs = profileBlockCounts(fn, measured);
  const analyses = new AnalysisCache(() => functionFlowGraph(fn));
  const forest = analyses.loops();
  const cfg = analyses.cfg();
  const kindOfLoop = new Map<number, Kind>();
  for (const loop of forest.loops) {
    if (loop.children.length > 0) {
      kindOfLoop.set(loop.id, 'holds loops');
      continue;
    }
    const inLoop = new Set(loop.nodes);
    let exits = 0;
    let call = false;
    for (const b of loop.nodes) {
      exits += cfg.outEdges(b).filter((e) => !inLoop.has(e.to)).length;
      for (const inst of fn.layout.blockInsts(b)) if (opcodeInfo(fn.dfg.insts[inst]!.opcode)?.isCall === true) call = true;
    }
    kindOfLoop.set(loop.id, call ? 'innermost, with a call' : exits <= 1 ? 'innermost, 1 exit' : exits === 2 ? 'innermost, 2 exits' : 'innermost, 3+ exits');
  }
  for (const inc of findPinnedIncrements(fn)) {
    const loop = forest.innermost(inc.block);
    const kind = loop === undefined ? 'no loop' : kindOfLoop.get(loop.id)!;
    executed.set(kind, executed.get(kind)! + runs(inc.block));
  }
}

const total = [...executed.values()].reduce((a, b) => a + b, 0);
console.log(`| program | increments executed | ${KINDS.join(' | ')} |`);
console.log(`|---|---:|${KINDS.map(() => '---:|').join('')}`);
const share = (n: number) => (total === 0 ? '0' : `${((100 * n) / total).toFixed(1)} %`);
console.log(`| ${wasmPath.replace(/^.*\//, '').replace(/\.wasm$/, '')} | ${total.toLocaleString('en-US')} | ${KINDS.map((k) => share(executed.get(k)!)).join(' | ')} |`);
