// Machine code of one wasm function three ways (not a test): `npm run disasm:compare -- WASM
// INDEX [PROGRAM ARGS...]`. Prints our `none` and `slacked-placed` (the module's CLIF after the
// mode's pipeline, compiled by Cranelift with the flags the JIT uses and this CPU's features)
// and Wasmtime's `none` (the reference runner's compiled object, --save-compiled, where the
// function is the symbol `wasm[0]::function[INDEX]`), each through `objdump -d`. The runner
// runs the program once to compile it: pass arguments that make that run short. With `sizes`
// for INDEX it prints every function's code size on the three sides instead, and the total
// where our none and Wasmtime's none differ (where to look for different code).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { BENCH_MODE_SPECS, specCompileOptions } from '../src/bench/modes.js';
import { ensurePeerRunner } from '../src/bench/peers.js';
import { fuelConvention } from '../src/runtime/metering.js';
import { compile } from '../src/native/compile.js';
import { Engine } from '../src/runtime/engine.js';
import { codegenFlags } from '../src/runtime/module.js';
import { compileWasm } from '../src/wasm/instance.js';

const [wasmFile, indexText, ...programArgs] = process.argv.slice(2);
if (wasmFile === undefined || indexText === undefined) {
  process.stderr.write('usage: npm run disasm:compare -- WASM FUNCTION-INDEX|sizes [PROGRAM ARGS...]\n');
  process.exit(2);
}
const sizesOnly = indexText === 'sizes';
const index = sizesOnly ? -1 : z.coerce.number().int().nonnegative().parse(indexText);

/** The x86_64 features cranelift-native finds on this CPU (what the JIT compiles for). */
function hostFeatures(): Record<string, boolean> {
  const flags = new Set(readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1]?.trim().split(/\s+/) ?? []);
  const map: Record<string, string> = {
    has_sse3: 'pni',
    has_ssse3: 'ssse3',
    has_sse41: 'sse4_1',
    has_sse42: 'sse4_2',
    has_popcnt: 'popcnt',
    has_avx: 'avx',
    has_avx2: 'avx2',
    has_fma: 'fma',
    has_bmi1: 'bmi1',
    has_bmi2: 'bmi2',
    has_lzcnt: 'abm',
    has_cmpxchg16b: 'cx16',
  };
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, flags.has(v)]));
}

const objdump = (args: readonly string[]): string => execFileSync('objdump', ['-d', '--no-show-raw-insn', '-M', 'att', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });

/** Keeps the instruction lines of an objdump listing. */
const instructions = (listing: string): string => listing.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).join('\n');

const wasm = new Uint8Array(readFileSync(wasmFile));
/** Code bytes per wasm function index, each side. */
const sizes = new Map<number, { none?: number; placed?: number; wasmtime?: number }>();
const sizeOf = (i: number) => sizes.get(i) ?? (sizes.set(i, {}), sizes.get(i)!);
const engine = new Engine({ flags: { opt_level: 'speed' } });
const scratch = mkdtempSync(join(tmpdir(), 'slackfuel-disasm-'));
try {
  for (const mode of ['none', 'slacked-placed'] as const) {
    const spec = BENCH_MODE_SPECS[mode];
    const module = await compileWasm(wasm, spec.metering, engine, specCompileOptions(spec));
    const text = module.module.text;
    const pinned = fuelConvention(spec.metering) === 'pinned';
    const flags = { ...codegenFlags(engine.flags, pinned, /\breturn_call(?:_indirect)?\b/.test(text)), ...hostFeatures() };
    const all = compile(text, { isa: 'x86_64', flags });
    for (const f of all) {
      const m = /^u0:(\d+)$/.exec(f.name);
      if (m !== null) sizeOf(Number(m[1]))[mode === 'none' ? 'none' : 'placed'] = f.codeSize;
    }
    if (sizesOnly) continue;
    const fn = all.find((f) => f.name === `u0:${index}`);
    if (fn === undefined) throw new Error(`no function u0:${index} in ${wasmFile}`);
    const bin = join(scratch, `${mode}.bin`);
    writeFileSync(bin, fn.code);
    process.stdout.write(`## ours, ${mode}: u0:${index}, ${fn.codeSize} bytes\n${instructions(objdump(['-D', '-b', 'binary', '-m', 'i386:x86-64', bin]))}\n\n`);
  }
  const cwasm = join(scratch, 'wasmtime-none.cwasm');
  const source = join(scratch, basename(wasmFile));
  writeFileSync(source, wasm);
  execFileSync(ensurePeerRunner(), ['run', '--mode', 'none', '--save-compiled', cwasm, source, ...programArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
  const symbols = execFileSync('objdump', ['-t', cwasm], { encoding: 'utf8' });
  if (sizesOnly) {
    for (const line of symbols.split('\n')) {
      const m = /\s([0-9a-f]+)\s+wasm\[0\]::function\[(\d+)\]/.exec(line);
      if (m !== null) sizeOf(Number(m[2])).wasmtime = parseInt(m[1]!, 16);
    }
    let differ = 0;
    process.stdout.write('| function | ours none | ours slacked-placed | Wasmtime none |\n|---|---:|---:|---:|\n');
    for (const [i, s] of [...sizes].sort((a, b) => a[0] - b[0])) {
      if (s.none !== s.wasmtime) differ++;
      process.stdout.write(`| ${i} | ${s.none ?? '—'} | ${s.placed ?? '—'} | ${s.wasmtime ?? '—'}${s.none !== s.wasmtime ? ' (differs)' : ''} |\n`);
    }
    const total = (k: 'none' | 'placed' | 'wasmtime') => [...sizes.values()].reduce((n, s) => n + (s[k] ?? 0), 0);
    process.stdout.write(`\ntotal: ours none ${total('none')}, ours slacked-placed ${total('placed')}, Wasmtime none ${total('wasmtime')}; ${differ} functions differ in size between the two nones\n`);
    process.exit(0);
  }
  const symbol = symbols.split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '').find((s) => s.startsWith(`wasm[0]::function[${index}]`));
  if (symbol === undefined) throw new Error(`no symbol wasm[0]::function[${index}] in Wasmtime's object`);
  process.stdout.write(`## Wasmtime none: ${symbol}\n${instructions(objdump([`--disassemble=${symbol}`, cwasm]))}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
