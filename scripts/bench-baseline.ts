// Baseline check (not a test): `npm run bench:baseline [-- NAMES]`. How much of a metering
// mode's ratio to `none` is the metering, and how much the shape of the CFG it starts from?
// The metered modes start from the vanilla translation, whose loop headers and function bodies
// are blocks of their own (Wasmtime's checks go there); `none` is the front end's
// uninstrumented translation. `stripped` is the vanilla translation put through
// fuel-pinned,fuel-drop-checks,fuel-strip: the metered modes' CFG with no fuel at all.
// Full sizes, 5 interleaved rounds, medians of the bench.start → bench.end region.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { geometricMean } from '../src/bench/suite.js';
import { runOnce } from '../src/bench/run-once.js';
import { Engine } from '../src/runtime/engine.js';
import { compileWasm, type WasmModule } from '../src/wasm/instance.js';

const manifest = z
  .object({ programs: z.array(z.object({ name: z.string(), size: z.number() })) })
  .parse(JSON.parse(await readFile(new URL('../bench/manifest.json', import.meta.url), 'utf8')));
const only = process.argv[2]?.split(',');
const programs = manifest.programs.filter((p) => only === undefined || only.includes(p.name));
const engine = new Engine({ flags: { opt_level: 'speed' } });
const VARIANTS = ['none', 'stripped', 'slacked-placed', 'count'] as const;
const ROUNDS = 5;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const rows: { name: string; ratios: Record<(typeof VARIANTS)[number], number> }[] = [];
console.log(`| program | ${VARIANTS.join(' | ')} | slacked-placed / stripped | count / stripped |`);
console.log(`|---|${VARIANTS.map(() => '---:').join('|')}|---:|---:|`);
for (const p of programs) {
  const wasm = new Uint8Array(await readFile(new URL(`../bench/wasm/${p.name}.wasm`, import.meta.url)));
  const modules: Record<(typeof VARIANTS)[number], WasmModule> = {
    none: await compileWasm(wasm, 'none', engine),
    stripped: await compileWasm(wasm, 'count', engine, { pipeline: 'fuel-pinned,fuel-drop-checks,fuel-strip' }),
    'slacked-placed': await compileWasm(wasm, 'slacked', engine, { pipeline: 'fuel-pinned,fuel-drop-checks,fuel-place' }),
    count: await compileWasm(wasm, 'count', engine, { pipeline: 'fuel-pinned,fuel-drop-checks,fuel-place' }),
  };
  const times = new Map<string, number[]>(VARIANTS.map((v) => [v, []]));
  let stdout: string | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = VARIANTS[(k + round) % VARIANTS.length]!;
      const r = await runOnce(modules[v], [String(p.size)], `${p.name}.wasm`);
      if (stdout !== undefined && r.stdout !== stdout) throw new Error(`${p.name}: ${v} printed something else`);
      stdout = r.stdout;
      times.get(v)!.push(r.regionMs);
    }
  }
  const base = median(times.get('none')!);
  const ratios = Object.fromEntries(VARIANTS.map((v) => [v, median(times.get(v)!) / base])) as Record<(typeof VARIANTS)[number], number>;
  rows.push({ name: p.name, ratios });
  console.log(`| ${p.name} | ${VARIANTS.map((v) => ratios[v].toFixed(3)).join(' | ')} | ${(ratios['slacked-placed'] / ratios.stripped).toFixed(3)} | ${(ratios.count / ratios.stripped).toFixed(3)} |`);
}
const g = (f: (r: (typeof rows)[number]) => number): string => geometricMean(rows.map(f)).toFixed(3);
console.log(
  `| **geomean** | ${VARIANTS.map((v) => `**${g((r) => r.ratios[v])}**`).join(' | ')} | **${g((r) => r.ratios['slacked-placed'] / r.ratios.stripped)}** | **${g((r) => r.ratios.count / r.ratios.stripped)}** |`,
);
