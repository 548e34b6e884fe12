// Profile-guided placement, timed (not a test): `npm run bench:profile [-- NAMES]`. The bench
// counts the increments each placement executes; this measures whether the placement with
// fewer increments also runs faster. Both variants are `count` (no checker, so only the code
// differs): fuel-place with the static estimate, and fuel-place fed the program's measured
// edge profile. Full sizes, 5 interleaved rounds, medians of the measured region.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { measureEdgeProfile } from '../src/bench/edge-profile.js';
import { profiledIncrementsPipeline } from '../src/bench/edge-profile.js';
import { runOnce } from '../src/bench/run-once.js';
import { geometricMean } from '../src/bench/suite.js';
import { Engine } from '../src/runtime/engine.js';
import { compileWasm, type WasmModule } from '../src/wasm/instance.js';

const DEFAULT = ['fib', 'strings', 'hashtable', 'nbody', 'lz77'];
const manifest = z
  .object({ programs: z.array(z.object({ name: z.string(), size: z.number() })) })
  .parse(JSON.parse(await readFile(new URL('../bench/manifest.json', import.meta.url), 'utf8')));
const names = process.argv[2]?.split(',') ?? DEFAULT;
const engine = new Engine({ flags: { opt_level: 'speed' } });
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

console.log('| program | estimate / none | profile / none | profile / estimate |');
console.log('|---|---:|---:|---:|');
const ratios: number[] = [];
for (const name of names) {
  const p = manifest.programs.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no program ${name}`);
  const wasm = new Uint8Array(await readFile(new URL(`../bench/wasm/${name}.wasm`, import.meta.url)));
  const args = [String(p.size)];
  const none = await compileWasm(wasm, 'none', engine);
  const expected = (await runOnce(none, args, `${name}.wasm`)).stdout;
  const { profile } = await measureEdgeProfile({ name, wasm, args, expected, dir: null }, engine, expected);
  // The profiled pipeline without its counting pass: the placement itself.
  const profiled = profiledIncrementsPipeline(profile).replace(/,fuel-unit-increments$/, '');
  const variants: [string, WasmModule][] = [
    ['none', none],
    ['estimate', await compileWasm(wasm, 'count', engine, { pipeline: 'fuel-pinned,fuel-drop-checks,fuel-place' })],
    ['profile', await compileWasm(wasm, 'count', engine, { pipeline: profiled })],
  ];
  const times = new Map<string, number[]>(variants.map(([label]) => [label, []]));
  for (let round = 0; round < 5; round++) {
    for (let k = 0; k < variants.length; k++) {
      const [label, module] = variants[(k + round) % variants.length]!;
      const r = await runOnce(module, args, `${name}.wasm`);
      if (r.stdout !== expected) throw new Error(`${name}: ${label} printed something else`);
      times.get(label)!.push(r.regionMs);
    }
  }
  const base = median(times.get('none')!);
  const estimate = median(times.get('estimate')!) / base;
  const byProfile = median(times.get('profile')!) / base;
  ratios.push(byProfile / estimate);
  console.log(`| ${name} | ${estimate.toFixed(3)} | ${byProfile.toFixed(3)} | ${(byProfile / estimate).toFixed(3)} |`);
}
console.log(`| **geomean** | | | **${geometricMean(ratios).toFixed(3)}** |`);
