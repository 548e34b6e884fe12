// Two builds of the addon in one process, their Rust fuel passes run alternately on the same
// CLIF: the steadiest comparison of two builds this shared machine gives (separate processes
// differ by several percent from one run to the next, whichever build they load).
//
//   npx tsx scripts/native-passes-ab.ts [--rounds N] [--pipeline P] A.node B.node FILE.wasm|FILE.clif...
//
// A `.wasm` file is translated with `--metering vanilla` first. Each round runs both builds on
// all the files' CLIF, A first in even rounds and B first in odd ones; each prints the passes'
// own CPU time (`passCpuMs`: no parse, no print), median, fastest and slowest, and the ratio of
// the medians.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { clifText, translate } from '../src/wasm/index.js';

const USAGE =
  'usage: npx tsx scripts/native-passes-ab.ts [--rounds N] [--pipeline P] A.node B.node FILE.wasm|FILE.clif...';
const { values, positionals } = parseArgs({
  options: {
    rounds: { type: 'string', default: '12' },
    pipeline: { type: 'string', default: 'fuel-pinned,fuel-drop-checks,fuel-place' },
  },
  allowPositionals: true,
});
const args = z
  .object({
    rounds: z.coerce.number().int().min(2),
    pipeline: z.string().regex(/^[a-z-]+(,[a-z-]+)*$/),
    builds: z.tuple([z.string().endsWith('.node'), z.string().endsWith('.node')]),
    files: z.array(z.string()).min(1),
  })
  .safeParse({ rounds: values.rounds, pipeline: values.pipeline, builds: positionals.slice(0, 2), files: positionals.slice(2) });
if (!args.success) {
  console.error(`${USAGE}\n(${args.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  process.exit(2);
}
const { rounds, pipeline, builds, files } = args.data;

/** What this script reads of a build's `runNativePasses` answer. */
const passesOutput = z.object({ passMs: z.number(), passCpuMs: z.number().nullish() });
const addon = z.object({
  runNativePasses: z.custom<(text: string, pipeline: string) => unknown>((f) => typeof f === 'function'),
});
const require = createRequire(import.meta.url);
/** The build at `path`, or exit with why it cannot be loaded. */
function load(path: string): z.infer<typeof addon> {
  let module: unknown;
  try {
    module = require(resolve(path));
  } catch (e) {
    console.error(`${path}: cannot load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    process.exit(1);
  }
  const found = addon.safeParse(module);
  if (!found.success) {
    console.error(`${path}: not a slackfuel addon build (no runNativePasses)`);
    process.exit(1);
  }
  return found.data;
}
const run = builds.map((path) => {
  const loaded = load(path);
  return (text: string) => {
    const out = passesOutput.parse(loaded.runNativePasses(text, pipeline));
    return out.passCpuMs ?? out.passMs;
  };
});

/** A file's CLIF: read as it is, or translated first when it is a `.wasm` module. */
function clifOf(file: string): string {
  try {
    return file.endsWith('.wasm') ? clifText(translate(new Uint8Array(readFileSync(file)), { metering: 'vanilla' })) : readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`${file}: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
const text = files.map(clifOf).join('\n');
const times: number[][] = [[], []];
for (let r = 0; r < rounds; r++) {
  for (const k of r % 2 === 0 ? [0, 1] : [1, 0]) times[k]!.push(run[k]!(text));
}
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
console.log(`${files.length} file(s), ${(text.length / 1e6).toFixed(1)} MB of CLIF; ${pipeline}; ${rounds} rounds, CPU ms`);
for (const k of [0, 1]) {
  const sorted = [...times[k]!].sort((x, y) => x - y);
  console.log(`${'AB'[k]} ${builds[k]}: median ${median(times[k]!).toFixed(1)} (fastest ${sorted[0]!.toFixed(1)}, slowest ${sorted[sorted.length - 1]!.toFixed(1)})`);
}
console.log(`B / A, medians: ${(median(times[1]!) / median(times[0]!)).toFixed(3)}`);
