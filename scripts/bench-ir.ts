// Parse and print throughput on a large generated CLIF file (a script, not a test):
//   npm run bench:ir [-- --mb 8 --runs 5]      (BENCH_DUMP=FILE also writes the generated text)
// The file mixes what Wasmtime emits: fuel checks, loads and stores with memflags, arithmetic,
// comparisons, calls, branches with block arguments, constants and source locations.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parse, print } from '../src/index.js';

const options = z
  .object({ mb: z.coerce.number().positive().max(512), runs: z.coerce.number().int().positive().max(100) })
  .parse(parseArgs({ options: { mb: { type: 'string', default: '8' }, runs: { type: 'string', default: '5' } } }).values);

/** A deterministic pseudo-random source, so every run measures the same text. */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

function generateFunction(index: number, pick: (n: number) => number): string {
  const lines: string[] = [];
  const loc = () => `@${pick(0x10000).toString(16).padStart(4, '0')} `;
  lines.push(`function u0:${index}(i64 vmctx, i64, i32, i64) -> i32 tail {`);
  lines.push('    gv0 = vmctx', '    gv1 = load.i64 notrap aligned readonly gv0+8', '    sig0 = (i64 vmctx) -> i8 tail');
  lines.push('    sig1 = (i64 vmctx, i32) -> i32 tail', '    fn0 = colocated u805306368:12 sig0', '    fn1 = colocated u0:7 sig1', '');
  let v = 4;
  const blocks = 8 + pick(16);
  const i32s = ['v2'];
  const i64s = ['v3'];
  const some = (list: string[]) => list[list.length - 1 - pick(Math.min(list.length, 6))]!;
  for (let b = 0; b < blocks; b++) {
    const param = `v${v++}`;
    lines.push(b === 0 ? 'block0(v0: i64, v1: i64, v2: i32, v3: i64):' : `block${b}(${param}: i64):`);
    if (b > 0) i64s.push(param);
    const pad = (s: string) => `${loc()}${' '.repeat(31)}${s}`;
    lines[lines.length - 1] = `${' '.repeat(32)}${lines[lines.length - 1]}`;
    const fuel = `v${v++}`;
    lines.push(pad(`${fuel} = load.i64 notrap aligned v0+8`));
    const body = 10 + pick(30);
    for (let i = 0; i < body; i++) {
      const r = `v${v++}`;
      switch (pick(10)) {
        case 0:
          lines.push(pad(`${r} = iconst.i32 ${pick(2) ? pick(100) : pick(1 << 30)}`));
          i32s.push(r);
          break;
        case 1:
          lines.push(pad(`${r} = iadd ${some(i32s)}, ${some(i32s)}`));
          i32s.push(r);
          break;
        case 2:
          lines.push(pad(`${r} = load.i32 notrap aligned ${some(i64s)}+${pick(64) * 4}`));
          i32s.push(r);
          break;
        case 3:
          lines.push(pad(`store notrap aligned ${some(i32s)}, ${some(i64s)}+${pick(64) * 4}`));
          break;
        case 4:
          lines.push(pad(`${r} = icmp slt ${some(i32s)}, ${some(i32s)}`));
          lines.push(pad(`v${v++} = select ${r}, ${some(i32s)}, ${some(i32s)}`));
          i32s.push(`v${v - 1}`);
          break;
        case 5:
          lines.push(pad(`${r} = call fn1(v0, ${some(i32s)})`));
          i32s.push(r);
          break;
        case 6:
          lines.push(pad(`${r} = uextend.i64 ${some(i32s)}`));
          lines.push(pad(`v${v++} = iadd ${some(i64s)}, ${r}`));
          i64s.push(`v${v - 1}`);
          break;
        case 7:
          lines.push(pad(`${r} = imul ${some(i32s)}, ${some(i32s)}`));
          i32s.push(r);
          break;
        case 8:
          lines.push(pad(`${r} = ishl ${some(i32s)}, ${some(i32s)}`));
          i32s.push(r);
          break;
        default:
          lines.push(pad(`${r} = band ${some(i32s)}, ${some(i32s)}`));
          i32s.push(r);
      }
    }
    const cost = `v${v++}`;
    lines.push(pad(`${cost} = iconst.i64 ${1 + pick(20)}`));
    lines.push(pad(`v${v++} = iadd ${fuel}, ${cost}`));
    lines.push(pad(`store notrap aligned v${v - 1}, v0+8`));
    if (b + 1 < blocks) {
      const cond = some(i32s);
      const target = b + 1 + pick(blocks - b - 1);
      lines.push(pad(`brif ${cond}, block${b + 1}(${some(i64s)}), block${target}(${some(i64s)})`));
    } else {
      lines.push(pad(`return ${some(i32s)}`));
    }
    lines.push('');
  }
  lines.pop();
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

const pick = rng(2026);
const parts: string[] = [];
let size = 0;
for (let i = 0; size < options.mb * 1024 * 1024; i++) {
  const f = generateFunction(i, pick);
  parts.push(f);
  size += f.length;
}
const text = parts.join("\n");
if (process.env.BENCH_DUMP) writeFileSync(process.env.BENCH_DUMP, text);
const mb = text.length / (1024 * 1024);

// Warm up; later runs must print exactly the same text.
const warm = parse(text);
const instructions = warm.functions.reduce((n, fn) => {
  for (const b of fn.layout.blocks()) for (const _ of fn.layout.blockInsts(b)) n++;
  return n;
}, 0);
const printedOnce = warm.functions.map((fn) => print(fn)).join('');

let parseMs = Infinity;
let printMs = Infinity;
for (let r = 0; r < options.runs; r++) {
  const t0 = performance.now();
  const file = parse(text);
  const t1 = performance.now();
  let out = 0;
  for (const fn of file.functions) out += print(fn).length;
  const t2 = performance.now();
  if (out !== printedOnce.length) throw new Error('printing is not deterministic');
  parseMs = Math.min(parseMs, t1 - t0);
  printMs = Math.min(printMs, t2 - t1);
}
const rate = (ms: number) => (mb / (ms / 1000)).toFixed(1);
const irate = (ms: number) => ((instructions / (ms / 1000)) / 1e6).toFixed(2);
console.log(`input: ${mb.toFixed(2)} MB, ${warm.functions.length} functions, ${instructions} instructions (best of ${options.runs} runs)`);
console.log(`parse:         ${parseMs.toFixed(0)} ms  ${rate(parseMs)} MB/s  ${irate(parseMs)} M inst/s`);
console.log(`print:         ${printMs.toFixed(0)} ms  ${rate(printMs)} MB/s  ${irate(printMs)} M inst/s`);
console.log(`parse + print: ${(parseMs + printMs).toFixed(0)} ms  ${rate(parseMs + printMs)} MB/s  ${irate(parseMs + printMs)} M inst/s`);
