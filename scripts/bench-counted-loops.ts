// Counted loops charged in bulk, counted (not a test): `npm run bench:counted [-- NAMES] [--full]`.
// For each program of the built-in suite (quick sizes unless --full) it compiles three `count`
// variants: Wasmtime's placement (fuel-pinned,fuel-drop-checks), fuel-place, and fuel-place
// followed by fuel-counted-loops. It checks that the two placed variants print the same and
// consume exactly the same fuel, then counts the increments each executes (every increment made
// to add 1, fuel-unit-increments; a prepaid loop counts one) and prints the ratios to Wasmtime's,
// and the machine code of the wasm functions with the pass over that without it.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { runOnce } from '../src/bench/run-once.js';
import { geometricMean } from '../src/bench/suite.js';
import { registerUnitIncrements } from '../src/bench/unit-increments.js';
import { Engine } from '../src/runtime/engine.js';
import { compileWasm } from '../src/wasm/instance.js';

const manifest = z
  .object({ programs: z.array(z.object({ name: z.string(), size: z.number(), quickSize: z.number() })) })
  .parse(JSON.parse(await readFile(new URL('../bench/manifest.json', import.meta.url), 'utf8')));
const full = process.argv.includes('--full');
const names = process.argv.slice(2).find((a) => !a.startsWith('--'))?.split(',') ?? manifest.programs.map((p) => p.name);
registerUnitIncrements();
const engine = new Engine({ flags: { opt_level: 'speed' } });
const WASMTIME = 'fuel-pinned,fuel-drop-checks';
const PLACED = `${WASMTIME},fuel-place`;
const COUNTED = `${PLACED},fuel-counted-loops`;

console.log('| program | fuel | placed / wasmtime | counted / wasmtime | code bytes, counted / placed |');
console.log('|---|---:|---:|---:|---:|');
const placedRatios: number[] = [];
const countedRatios: number[] = [];
const codeRatios: number[] = [];
for (const name of names) {
  const p = manifest.programs.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no program ${name}`);
  const wasm = new Uint8Array(await readFile(new URL(`../bench/wasm/${name}.wasm`, import.meta.url)));
  const args = [String(full ? p.size : p.quickSize)];
  const run = async (pipeline: string) => runOnce(await compileWasm(wasm, 'count', engine, { pipeline }), args, `${name}.wasm`);
  const placed = await run(PLACED);
  const counted = await run(COUNTED);
  if (placed.stdout !== counted.stdout || placed.fuelConsumed !== counted.fuelConsumed) {
    throw new Error(`${name}: fuel-counted-loops changed the outcome (fuel ${placed.fuelConsumed} -> ${counted.fuelConsumed})`);
  }
  const increments = async (pipeline: string) => (await run(`${pipeline},fuel-unit-increments`)).fuelConsumed!;
  const w = await increments(WASMTIME);
  const a = (await increments(PLACED)) / w;
  const b = (await increments(COUNTED)) / w;
  placedRatios.push(a);
  countedRatios.push(b);
  const code = counted.codeBytes / placed.codeBytes;
  codeRatios.push(code);
  console.log(`| ${name} | ${placed.fuelConsumed} | ${a.toPrecision(3)} | ${b.toPrecision(3)} | ${code.toFixed(3)} |`);
}
console.log(`| **geomean** | | **${geometricMean(placedRatios).toPrecision(3)}** | **${geometricMean(countedRatios).toPrecision(3)}** | **${geometricMean(codeRatios).toFixed(3)}** |`);
