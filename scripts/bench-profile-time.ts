// Profile-guided placement, timed (not a test):
//
//   npm run bench:profile -- [--suite builtin|third-party] [--rounds N] [--train quick]
//                            [--shuffle-layout] [NAMES]
//
// The bench counts the increments each placement executes; this measures whether the placement
// with fewer increments also runs faster. Both variants are `count` (no checker, so only the code
// differs) with the runtime's whole slacked pipeline: fuel-place and fuel-counted-loops with the
// static estimate, and the same two passes fed the program's measured edge profile (taken on the
// same input, so the profile's gain here is an upper bound; with `--train quick` the profile
// comes from the program's quick-size input instead, as a profile from a training run would).
// Full sizes, interleaved rounds (default 5), medians of the measured region; with
// `--shuffle-layout` each round lays the code out anew (seed = round + 1, as `bench` does).
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { measureEdgeProfile, profiledIncrementsPipeline } from '../src/bench/edge-profile.js';
import { runOnce } from '../src/bench/run-once.js';
import { builtinPrograms, geometricMean, type BenchProgram } from '../src/bench/suite.js';
import { thirdPartyPrograms } from '../src/bench/third-party.js';
import { Engine } from '../src/runtime/engine.js';
import { SLACKED_FUEL_PIPELINE } from '../src/runtime/metering.js';
import { packageFile } from '../src/cli/package-file.js';
import { compileWasm, type WasmModule } from '../src/wasm/instance.js';

const BUILTIN_DEFAULT = ['fib', 'strings', 'hashtable', 'nbody', 'lz77'];
const USAGE = 'usage: npm run bench:profile -- [--suite builtin|third-party] [--rounds N] [--train quick] [--shuffle-layout] [NAMES]';

const { values, positionals } = parseArgs({
  options: {
    suite: { type: 'string', default: 'builtin' },
    rounds: { type: 'string', default: '5' },
    train: { type: 'string', default: 'same' },
    'shuffle-layout': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const parsed = z
  .object({
    suite: z.enum(['builtin', 'third-party']),
    rounds: z.coerce.number().int().min(1),
    train: z.enum(['same', 'quick']),
    names: z.array(z.string()).max(1),
  })
  .safeParse({ suite: values.suite, rounds: values.rounds, train: values.train, names: positionals });
if (!parsed.success) {
  console.error(`${USAGE}\n(${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  process.exit(2);
}
const { suite, rounds, train } = parsed.data;
const shuffle = values['shuffle-layout'] === true;
const named = parsed.data.names[0]?.split(',');
const only = new Set(named ?? (suite === 'builtin' ? BUILTIN_DEFAULT : []));
async function load(quick: boolean): Promise<{ programs: BenchProgram[]; dispose: () => Promise<void> }> {
  return suite === 'third-party'
    ? thirdPartyPrograms(packageFile('tests/fixtures/third-party'), quick, only.size > 0 ? only : undefined)
    : { programs: await builtinPrograms(dirname(packageFile('bench/manifest.json')), quick, only), dispose: async () => {} };
}
const full = await load(false);
const training = train === 'quick' ? await load(true) : full;

const engine = new Engine({ flags: { opt_level: 'speed' } });
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function timeProgram(program: BenchProgram, trainer: BenchProgram): Promise<[number, number]> {
  const { name, wasm, args, dir } = program;
  const none = await compileWasm(wasm, 'none', engine);
  const expected = (await runOnce(none, args, `${name}.wasm`, dir)).stdout;
  const trainerExpected = trainer === program ? expected : (await runOnce(none, trainer.args, `${name}.wasm`, trainer.dir)).stdout;
  const { profile } = await measureEdgeProfile(trainer, engine, trainerExpected);
  // The profiled pipeline without its counting pass: the placement itself.
  const profiled = profiledIncrementsPipeline(profile).replace(/,fuel-unit-increments$/, '');
  const variants: [string, WasmModule][] = [
    ['none', none],
    ['estimate', await compileWasm(wasm, 'count', engine, { pipeline: SLACKED_FUEL_PIPELINE })],
    ['profile', await compileWasm(wasm, 'count', engine, { pipeline: profiled })],
  ];
  const times = new Map<string, number[]>(variants.map(([label]) => [label, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const [label, module] = variants[(k + round) % variants.length]!;
      const r = await runOnce(module, args, `${name}.wasm`, dir, 0, shuffle ? round + 1 : undefined);
      if (r.stdout !== expected) throw new Error(`${name}: ${label} printed something else`);
      times.get(label)!.push(r.regionMs);
    }
  }
  const base = median(times.get('none')!);
  return [median(times.get('estimate')!) / base, median(times.get('profile')!) / base];
}

try {
  const trained = train === 'quick' ? 'profiles from the quick-size inputs' : 'profiles from the measured inputs';
  console.log(`${suite} suite, ${rounds} rounds${shuffle ? ' over shuffled layouts' : ''}, ${trained}; both placements run ${SLACKED_FUEL_PIPELINE} in count mode`);
  console.log('| program | estimate / none | profile / none | profile / estimate |');
  console.log('|---|---:|---:|---:|');
  const ratios: number[] = [];
  for (const program of full.programs) {
    const trainer = training.programs.find((p) => p.name === program.name) ?? program;
    const [estimate, byProfile] = await timeProgram(program, trainer);
    ratios.push(byProfile / estimate);
    console.log(`| ${program.name} | ${estimate.toFixed(3)} | ${byProfile.toFixed(3)} | ${(byProfile / estimate).toFixed(3)} |`);
  }
  console.log(`| **geomean** | | | **${geometricMean(ratios).toFixed(3)}** |`);
} finally {
  await full.dispose();
  if (training !== full) await training.dispose();
}
