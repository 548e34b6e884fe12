// How the Rust fuel passes scale on single functions of shapes a guest controls: many loops in a
// row (plain, or counted ones that fuel-counted-loops versions), loops nested deep, a wide
// br_table, if/else nested deep, and thousands of calls each followed by a branch. For each size it prints the passes' time against Cranelift's compile of
// their output (`Context::compile`, as bench:ir measures it), so a pass that grows faster than
// the compiler shows as a ratio that grows with the size.
//
//   npm run bench:shapes -- [--repeats N] [--scale S] [--counted-loops] [--ts] [SHAPE...]
//
// --scale multiplies every size (0.25 for a quick look). --counted-loops adds fuel-counted-loops,
// the last pass of the default slacked pipeline. --ts also times the TypeScript passes
// (the reference a custom pipeline runs; the function parsed beforehand, untimed). Load another
// build of the addon with SLACKFUEL_NATIVE_ADDON=PATH to compare builds on the same shapes.
import { parseArgs } from 'node:util';
import { parse as parseWat } from '@bytecodealliance/jco';
import { z } from 'zod';
import { translate } from '../src/wasm/index.js';
import { SHAPE_NAMES, SIZES, shapeModule, type Shape } from '../src/bench/shapes.js';
import { parse } from '../src/ir/index.js';
import { PassManager } from '../src/passes/pass-manager.js';
import { NATIVE_PASSES, passesAgainstCompile } from './engine-compile.js';



const USAGE = `usage: npm run bench:shapes -- [--repeats N] [--scale S] [--counted-loops] [--ts] [SHAPE...]\nshapes: ${SHAPE_NAMES.join(', ')}`;
const { values, positionals } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    scale: { type: 'string', default: '1' },
    'counted-loops': { type: 'boolean', default: false },
    ts: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
  allowPositionals: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const args = z
  .object({
    repeats: z.coerce.number().int().min(1),
    scale: z.coerce.number().positive().max(4),
    shapes: z.array(z.enum(SHAPE_NAMES as [Shape, ...Shape[]])),
  })
  .safeParse({ repeats: values.repeats, scale: values.scale, shapes: positionals });
if (!args.success) {
  console.error(`${USAGE}\n(${args.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  process.exit(2);
}
const { repeats, scale } = args.data;
const pipeline = values['counted-loops'] ? `${NATIVE_PASSES},fuel-counted-loops` : NATIVE_PASSES;
const shapes = args.data.shapes.length > 0 ? args.data.shapes : SHAPE_NAMES;

console.log(`addon: ${process.env['SLACKFUEL_NATIVE_ADDON'] ?? 'native/slackfuel.node'}; ${pipeline}; CPU ms, best of ${repeats}`);
const tsColumns = values.ts ? ' TypeScript passes (ms) | ratio |' : '';
console.log(`| shape | size | blocks | passes (ms) | Context::compile (ms) | ratio |${tsColumns}`);
console.log(`|---|---:|---:|---:|---:|---:|${values.ts ? '---:|---:|' : ''}`);

/** CPU ms of the TypeScript passes on a fresh parse of `clif`, best of `repeats`. */
function typeScriptPasses(clif: string): number {
  const manager = PassManager.build(pipeline);
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const fn = parse(clif).functions[0]!;
    const start = process.cpuUsage();
    manager.run(fn);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}
for (const shape of shapes) {
  for (const size of SIZES[shape].map((s) => Math.max(1, Math.round(s * scale)))) {
    const wat = shapeModule(shape, size);
    const clif = translate(await parseWat(wat), { metering: 'vanilla' }).functions[0]!.clif;
    const { passes, compile, output } = passesAgainstCompile(clif, repeats, pipeline);
    const blocks = (output.match(/^ {0,4}block\d+/gm) ?? []).length;
    const ts = values.ts ? typeScriptPasses(clif) : undefined;
    const tsCells = ts === undefined ? '' : ` ${ts.toFixed(1)} | ${(ts / compile).toFixed(2)} |`;
    console.log(`| ${shape} | ${size} | ${blocks} | ${passes.toFixed(1)} | ${compile.toFixed(1)} | ${(passes / compile).toFixed(2)} |${tsCells}`);
  }
}
