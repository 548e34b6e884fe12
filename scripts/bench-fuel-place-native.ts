// Time of fuel-place alone, TypeScript pass against its Rust port (native/src/fuel_place), on
// the same pinned-form functions (the TypeScript fuel-pinned,fuel-drop-checks of each module's
// vanilla CLIF), next to Cranelift's native compile of those functions. Parsing and printing are
// outside both pass timings (the Rust entry reports the ms spent in the pass). A script, not a
// test; medians of --repeats runs, interleaved.
//
//   npx tsx scripts/bench-fuel-place-native.ts [--repeats 3] [--module FILE.wasm ...] [--no-compile]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, print } from '../src/ir/index.js';
import { compile, hostIsa, placeFuelNative } from '../src/native/index.js';
import { PassManager } from '../src/passes/pass-manager.js';
import { translate } from '../src/wasm/index.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SUITE = ['tight_loop', 'nested_loops', 'branchy', 'interp', 'fib', 'ackermann', 'calls', 'fnptr', 'sort', 'memcpy', 'hashtable', 'nbody', 'spectral_norm', 'matmul', 'sha256', 'crc32', 'strings', 'lz77'];

const { values } = parseArgs({
  options: { repeats: { type: 'string', default: '3' }, module: { type: 'string', multiple: true }, 'no-compile': { type: 'boolean', default: false } },
});
const repeats = Math.max(1, Number(values.repeats));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function pinnedTexts(path: string): string[] {
  const module = translate(readFileSync(path), { metering: 'vanilla' });
  const pin = PassManager.build('fuel-pinned,fuel-drop-checks');
  return module.functions.map((f) => {
    const fn = parse(f.clif).functions[0]!;
    pin.run(fn);
    return print(fn);
  });
}

interface Row {
  name: string;
  functions: number;
  tsMs: number;
  rustMs: number;
  rustCallMs: number;
  compileMs: number | undefined;
}

function measure(name: string, texts: string[]): Row {
  const place = PassManager.build('fuel-place');
  const joined = texts.join('\n');
  const ts: number[] = [];
  const rust: number[] = [];
  const call: number[] = [];
  const native: number[] = [];
  const isa = hostIsa();
  for (let r = 0; r < repeats + 1; r++) {
    const fns = texts.map((t) => parse(t).functions[0]!);
    const t0 = performance.now();
    for (const f of fns) place.run(f);
    const tsMs = performance.now() - t0;
    const t1 = performance.now();
    const placed = placeFuelNative(joined);
    const callMs = performance.now() - t1;
    const rustMs = placed.reduce((s, p) => s + p.placeMs, 0);
    let compileMs: number | undefined;
    if (!values['no-compile'] && isa !== undefined) {
      const t2 = performance.now();
      compile(joined, { isa, optLevel: 'speed', flags: { enable_pinned_reg: true } });
      compileMs = performance.now() - t2;
    }
    if (r === 0) continue; // warm-up
    ts.push(tsMs);
    rust.push(rustMs);
    call.push(callMs);
    if (compileMs !== undefined) native.push(compileMs);
  }
  return { name, functions: texts.length, tsMs: median(ts), rustMs: median(rust), rustCallMs: median(call), compileMs: native.length > 0 ? median(native) : undefined };
}

const paths = values.module ?? SUITE.map((s) => `${ROOT}bench/wasm/${s}.wasm`);
const rows: Row[] = [];
for (const path of paths) rows.push(measure(basename(path, '.wasm'), pinnedTexts(path)));
const f = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(1));
console.log('| module | functions | TS fuel-place ms | Rust fuel-place ms | Rust/TS | Rust call ms (parse+place+print) | native compile ms | Rust place / compile |');
console.log('|---|---|---|---|---|---|---|---|');
const sum = (k: keyof Row): number => rows.reduce((s, r) => s + (typeof r[k] === 'number' ? (r[k] as number) : 0), 0);
for (const r of [...rows, { name: 'total', functions: sum('functions'), tsMs: sum('tsMs'), rustMs: sum('rustMs'), rustCallMs: sum('rustCallMs'), compileMs: rows.every((r) => r.compileMs !== undefined) ? sum('compileMs') : undefined }]) {
  console.log(`| ${r.name} | ${r.functions} | ${f(r.tsMs)} | ${f(r.rustMs)} | ${(r.rustMs / r.tsMs).toFixed(3)} | ${f(r.rustCallMs)} | ${f(r.compileMs)} | ${r.compileMs === undefined ? '—' : (r.rustMs / r.compileMs).toFixed(3)} |`);
}
