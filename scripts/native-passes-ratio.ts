// The Rust fuel passes against Cranelift's compile alone, for one build of the addon: the
// quick form of `npm run bench:ir -- --skip b,c,d`, for comparing builds (load each with
// SLACKFUEL_NATIVE_ADDON=PATH and run them alternately).
//
//   npx tsx scripts/native-passes-ratio.ts [--repeats N] FILE.wasm...
//
// All the files' vanilla CLIF together is put through `fuel-pinned,fuel-drop-checks,fuel-place`
// (`runNativePasses`, the passes' own CPU time) and the output through `timeCompile`
// (`Context::compile` as an engine runs it, CPU of the compiling thread); best of N of each.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { clifText, translate } from '../src/wasm/index.js';
import { passesAgainstCompile } from './engine-compile.js';

const USAGE = 'usage: npx tsx scripts/native-passes-ratio.ts [--repeats N] FILE.wasm...';
const { values, positionals } = parseArgs({ options: { repeats: { type: 'string', default: '3' } }, allowPositionals: true });
const args = z
  .object({ repeats: z.coerce.number().int().min(1), files: z.array(z.string()).min(1) })
  .safeParse({ repeats: values.repeats, files: positionals });
if (!args.success) {
  console.error(`${USAGE}\n(${args.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  process.exit(2);
}
const { repeats, files } = args.data;

const text = files.map((f) => clifText(translate(new Uint8Array(readFileSync(f)), { metering: 'vanilla' }))).join('\n');
const { passes, compile } = passesAgainstCompile(text, repeats);
const addon = process.env['SLACKFUEL_NATIVE_ADDON'] ?? 'native/slackfuel.node';
console.log(`${addon}: ${files.length} module(s), ${(text.length / 1e6).toFixed(1)} MB of CLIF`);
console.log(`passes ${passes.toFixed(1)} ms, Context::compile ${compile.toFixed(1)} ms (CPU, best of ${repeats}): ratio ${(passes / compile).toFixed(3)}`);
