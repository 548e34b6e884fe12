// Which loops fuel-counted-loops versions in real programs (not a test):
// `npx tsx scripts/counted-loops-stats.ts [FILE.wasm ...]`. Translates each module (Wasmtime's
// fuel), runs the slacked pipeline with fuel-counted-loops on every function and prints, per
// module, the functions, the loops versioned and the loops left alone by reason (the pass's
// `--stats`). Without arguments: the bench programs, the WASI fixtures, the C programs of the
// Wasmtime oracle and the third-party programs. Run time and fuel are checked elsewhere
// (tests/peers, tests/third-party, `npm run fuzz`); this only counts.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '../src/ir/index.js';
import '../src/passes/index.js';
import { PassManager } from '../src/passes/pass-manager.js';
import { clifText, translate } from '../src/wasm/index.js';

const PIPELINE = 'fuel-pinned,fuel-drop-checks,fuel-place,fuel-counted-loops';
const root = fileURLToPath(new URL('..', import.meta.url));
const wasmIn = (dir: string): string[] =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith('.wasm'))
    .sort()
    .map((f) => join(root, dir, f));
const files = process.argv.length > 2 ? process.argv.slice(2) : [...wasmIn('bench/wasm'), ...wasmIn('tests/fixtures/wasi/wasm'), ...wasmIn('tests/fixtures/wasmtime/simd-c'), ...wasmIn('tests/fixtures/third-party')];

const manager = PassManager.build(PIPELINE);
const reasons = new Set<string>();
const rows: { name: string; functions: number; versioned: number; top: number; rejected: Map<string, number> }[] = [];
for (const file of files) {
  const module = translate(new Uint8Array(readFileSync(file)), { metering: 'vanilla' });
  const functions = module.functions.length === 0 ? [] : parse(clifText(module)).functions;
  const row = { name: basename(file, '.wasm'), functions: functions.length, versioned: 0, top: 0, rejected: new Map<string, number>() };
  for (const fn of functions) {
    for (const [key, n] of manager.run(fn).stats) {
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
