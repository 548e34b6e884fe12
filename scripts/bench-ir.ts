// The compile-time report of issue 16 (a script, not a test). Prints each ratio with the
// command and the inputs that produce it:
//   (a) the slacked fuel pipeline (parse + fuel-pinned,fuel-drop-checks,fuel-place + print) /
//       Cranelift's native compile of the same functions: the built-in suite and a large module;
//       and the Rust passes (fuel-pinned,fuel-drop-checks,fuel-place, their own time only) /
//       the native compile of their output, / Cranelift's `Context::compile` alone, and / real
//       Wasmtime 48's one-thread compile of the module (when `npm run peer:build` has built
//       its runner);
//   (b) `run-wasm --metering slacked` / `--metering vanilla` wall clock, a ~2 s and a ~50 ms run;
//   (c) parse + print MB/s on real CLIF (the large module's) and on generated CLIF;
//   (d) peak RSS of the pipeline / of the native compile, on the large module.
//
//   npm run bench:ir [-- --module FILE.wasm] [--repeats N] [--jobs N] [--skip a,b,c,d] [--mb 8]
//
// The machine is shared and noisy: every ratio compares runs made in the same invocation,
// interleaved, and reports medians. Internal: `--child pipeline|native FILE` measures one side
// of (d) in a fresh process and prints JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parse, parseEach, print } from '../src/ir/index.js';
import { compile, hostIsa, runNativePasses } from '../src/native/index.js';
import { PassManager } from '../src/passes/pass-manager.js';
import { defaultJobs, PipelinePool, runPipelineOnTexts } from '../src/passes/parallel/index.js';
import { clifText, translate } from '../src/wasm/index.js';
import { peerRunnerPath, runPeer } from '../src/bench/peers.js';
import { engineCompileCpu, NATIVE_PASSES } from './engine-compile.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SLACKED = 'fuel-pinned,fuel-drop-checks,fuel-place';
const LARGE = 'node_modules/@bytecodealliance/jco/obj/wasm-tools.core.wasm';
const SUITE = ['tight_loop', 'nested_loops', 'branchy', 'interp', 'fib', 'ackermann', 'calls', 'fnptr', 'sort', 'memcpy', 'hashtable', 'nbody', 'spectral_norm', 'matmul', 'sha256', 'crc32', 'strings', 'lz77'];

const args = parseArgs({
  options: {
    module: { type: 'string', default: LARGE },
    repeats: { type: 'string', default: '3' },
    jobs: { type: 'string' },
    skip: { type: 'string', default: '' },
    mb: { type: 'string', default: '8' },
    child: { type: 'string' },
  },
  allowPositionals: true,
});
const options = z
  .object({
    module: z.string().min(1),
    repeats: z.coerce.number().int().positive().max(50),
    jobs: z.coerce.number().int().min(1).max(256).optional(),
    skip: z.string().transform((s) => new Set(s.split(',').filter((x) => x !== ''))),
    mb: z.coerce.number().positive().max(512),
    child: z.enum(['pipeline', 'native']).optional(),
  })
  .parse(args.values);
const jobs = options.jobs ?? defaultJobs();

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (x: number, digits = 2) => x.toFixed(digits);

function vanillaClif(wasmPath: string): { texts: string[]; text: string } {
  const module = translate(readFileSync(wasmPath), { metering: 'vanilla' });
  return { texts: module.functions.map((f) => f.clif), text: clifText(module) };
}

/** Parse, run and print one function at a time (what `opt` does on one thread). */
function pipelineSerial(text: string): string {
  const manager = PassManager.build(SLACKED);
  const out: string[] = [];
  for (const fn of parseEach(text).functions) {
    manager.run(fn);
    out.push(print(fn));
  }
  return out.join('\n');
}

/**
 * The worker path of compileWasm: workers parse, run and print; this thread parses the result.
 * With `pool`, the workers are already warm (a long-lived engine); without, they start here.
 */
async function pipelineParallel(texts: readonly string[], pool?: PipelinePool): Promise<string> {
  const out: string[] = [];
  for (const r of pool === undefined ? await runPipelineOnTexts(texts, SLACKED, jobs) : await pool.run(texts)) {
    if (r.kind !== 'functions') throw new Error(`parse error in a worker: ${r.message}`);
    for (const f of r.functions) {
      if (!f.ok) throw new Error(`${f.pass} failed on ${f.function}: ${f.message}`);
      out.push(f.text);
    }
  }
  const printed = out.join('\n');
  parse(printed);
  return printed;
}

function nativeCompile(text: string): void {
  const isa = hostIsa();
  if (isa === undefined) throw new Error('no native ISA on this host');
  compile(text, { isa, optLevel: 'speed', flags: { enable_pinned_reg: true } });
}


/** CPU time of this process (all its threads) spent in `f`, in ms: steadier than the wall clock when others load the machine. */
function cpuTimed<T>(f: () => T): [T, number, number] {
  const c = process.cpuUsage();
  const t0 = performance.now();
  const r = f();
  const wall = performance.now() - t0;
  const d = process.cpuUsage(c);
  return [r, wall, (d.user + d.system) / 1000];
}

async function timedAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

// ---- child processes for (d) ----
if (options.child !== undefined) {
  const file = z.string().min(1).parse(args.positionals[0]);
  const before = process.resourceUsage().maxRSS;
  if (options.child === 'pipeline') {
    const { texts } = vanillaClif(file);
    const translatedRss = process.resourceUsage().maxRSS;
    const t0 = performance.now();
    const out = jobs > 1 ? await pipelineParallel(texts) : pipelineSerial(texts.join('\n\n'));
    writeFileSync(`${file}.slacked.clif`, out);
    console.log(JSON.stringify({ startRssKb: before, translatedRssKb: translatedRss, peakRssKb: process.resourceUsage().maxRSS, ms: performance.now() - t0 }));
  } else {
    // The same front end as the pipeline side (an engine translates before it compiles), kept
    // alive as the pipeline side keeps it; then Cranelift on the pipeline's output.
    const translated = vanillaClif(z.string().min(1).parse(args.positionals[1]));
    const text = readFileSync(file, 'utf8');
    const loadedRss = process.resourceUsage().maxRSS;
    const t0 = performance.now();
    nativeCompile(text);
    if (translated.texts.length === 0) console.error('the module has no functions');
    console.log(JSON.stringify({ startRssKb: before, translatedRssKb: loadedRss, peakRssKb: process.resourceUsage().maxRSS, ms: performance.now() - t0 }));
  }
  process.exit(0);
}

const lines: string[] = [];
const say = (s = '') => {
  console.log(s);
  lines.push(s);
};
say(`# slackfuel compile-time report (issue 16) — ${new Date().toISOString()}`);
say(`machine: ${defaultJobs()} cores; pool size ${jobs}; repeats ${options.repeats} (medians, interleaved)`);
say(`pipeline: ${SLACKED} on the CLIF of \`wasm2clif --metering vanilla\`; native: Cranelift opt_level=speed, enable_pinned_reg`);
say();

// ---- (c) parse + print ----
if (!options.skip.has('c')) {
  say(`## (c) parse + print on real CLIF: ${options.module} (\`slackfuel wasm2clif --metering vanilla ${options.module}\`)`);
  const { text } = vanillaClif(options.module);
  const mb = Buffer.byteLength(text) / (1024 * 1024);
  // One function at a time, as opt and the pipeline read it (parsing the whole file first
  // also measures the collector moving 50 MB of functions to the old generation).
  const parseOnly = () => {
    let n = 0;
    for (const fn of parseEach(text).functions) n += fn.layout.blockList().length;
    return n;
  };
  const parseAndPrint = () => {
    let n = 0;
    for (const fn of parseEach(text).functions) n += print(fn).length;
    return n;
  };
  parseAndPrint(); // warm-up: the first pass also pays for compiling the parser and printer
  const parseMs: number[] = [];
  const bothMs: number[] = [];
  const parseCpu: number[] = [];
  const bothCpu: number[] = [];
  let printedLength = -1;
  for (let r = 0; r < options.repeats; r++) {
    const [, pw, pc] = cpuTimed(parseOnly);
    parseMs.push(pw);
    parseCpu.push(pc);
    const [len, bw, bc] = cpuTimed(parseAndPrint);
    if (printedLength !== -1 && len !== printedLength) throw new Error('printing is not deterministic');
    printedLength = len;
    bothMs.push(bw);
    bothCpu.push(bc);
  }
  const rate = (ms: number) => fmt(mb / (ms / 1000), 1);
  const p = median(parseMs);
  const pp = median(bothMs);
  say(`input ${fmt(mb, 1)} MB, parsed and printed one function at a time; wall: parse ${fmt(p, 0)} ms (${rate(p)} MB/s), parse + print ${fmt(pp, 0)} ms; CPU: parse ${fmt(median(parseCpu), 0)} ms (${rate(median(parseCpu))} MB/s), parse + print ${fmt(median(bothCpu), 0)} ms`);
  say(`**(c) parse + print: ${rate(pp)} MB/s wall clock, ${rate(median(bothCpu))} MB/s of CPU time** (target >= 20)`);
  say();
}

// ---- (a) pipeline / native compile ----
if (!options.skip.has('a')) {
  say('## (a) TypeScript pipeline time / native compile time');
  say(`command: per module, \`slackfuel wasm2clif --metering vanilla M | slackfuel opt --jobs 1|${jobs} --passes ${SLACKED}\` (in process: parse, passes, print; with workers also this thread's parse of their output) against \`compile\` of the result (Cranelift, all functions)`);
  // Warm the JIT on one module first, so the first measured module does not pay for it; the
  // workers are one pool for the whole run, warmed the same way (a long-lived engine's case).
  const warm = vanillaClif(join(ROOT, 'bench/wasm/fib.wasm'));
  pipelineSerial(warm.text);
  const pool = new PipelinePool(SLACKED, jobs);
  if (jobs > 1) await pipelineParallel(warm.texts, pool);
  const rows: Array<{ name: string; serial: number; parallel: number; native: number; serialCpu: number; nativeCpu: number; rustPasses: number; rustNative: number; rustPassesCpu: number; rustNativeCpu: number; engineCpu: number; wasmtime: number }> = [];
  // Real Wasmtime's compile of the same module, on one thread, when its runner is built.
  const peer = existsSync(peerRunnerPath());
  const modules = [...SUITE.map((n) => ({ name: n, path: join(ROOT, `bench/wasm/${n}.wasm`) })), { name: basename(options.module), path: options.module }];
  for (const m of modules) {
    const { texts, text } = vanillaClif(m.path);
    const serial: number[] = [];
    const serialCpu: number[] = [];
    const parallel: number[] = [];
    const native: number[] = [];
    const nativeCpu: number[] = [];
    const rustPasses: number[] = [];
    const rustNative: number[] = [];
    const rustPassesCpu: number[] = [];
    const rustNativeCpu: number[] = [];
    const engineCpu: number[] = [];
    const wasmtime: number[] = [];
    let output = '';
    for (let r = 0; r < options.repeats; r++) {
      const [out, s, sc] = cpuTimed(() => pipelineSerial(text));
      serial.push(s);
      serialCpu.push(sc);
      output = out;
      if (jobs > 1) {
        const [outP, p] = await timedAsync(() => pipelineParallel(texts, pool));
        if (outP !== output) throw new Error(`${m.name}: the workers' output differs from the serial output`);
        parallel.push(p);
      }
      const [, n, nc] = cpuTimed(() => nativeCompile(output));
      native.push(n);
      nativeCpu.push(nc);
      // The Rust passes time themselves (parse and print of the text excluded).
      const rust = runNativePasses(text, NATIVE_PASSES);
      rustPasses.push(rust.passMs);
      rustPassesCpu.push(rust.passCpuMs ?? rust.passMs);
      const [, rn, rnc] = cpuTimed(() => nativeCompile(rust.functions.join('\n')));
      rustNative.push(rn);
      rustNativeCpu.push(rnc);
      engineCpu.push(engineCompileCpu(rust.functions.join('\n')));
      if (peer) wasmtime.push((await runPeer({ mode: 'none', wasmFile: m.path, args: [], dir: null, compileOnly: true, compileThreads: 1 })).compileMs);
    }
    const row = {
      name: m.name,
      serial: median(serial),
      parallel: jobs > 1 ? median(parallel) : median(serial),
      native: median(native),
      serialCpu: median(serialCpu),
      nativeCpu: median(nativeCpu),
      rustPasses: median(rustPasses),
      rustNative: median(rustNative),
      rustPassesCpu: median(rustPassesCpu),
      rustNativeCpu: median(rustNativeCpu),
      engineCpu: median(engineCpu),
      wasmtime: peer ? median(wasmtime) : NaN,
    };
    rows.push(row);
    console.error(`  ${m.name}: serial ${fmt(row.serial, 0)} ms (CPU ${fmt(row.serialCpu, 0)}), ${jobs} workers ${fmt(row.parallel, 0)} ms, native ${fmt(row.native, 0)} ms (CPU ${fmt(row.nativeCpu, 0)}), Rust passes ${fmt(row.rustPasses, 1)} ms / native ${fmt(row.rustNative, 0)} ms`);
  }
  await pool.close();
  const suite = rows.slice(0, SUITE.length);
  const large = rows[rows.length - 1]!;
  const sum = (f: (r: (typeof rows)[number]) => number, rs: typeof rows) => rs.reduce((n, r) => n + f(r), 0);
  say(`workers: a pool of ${jobs} started and warmed once for the run`);
  say('| input | pipeline, 1 thread (ms) | pipeline, workers (ms) | native compile (ms) | ratio, 1 thread | ratio, workers | ratio of CPU times, 1 thread |');
  say('|---|---:|---:|---:|---:|---:|---:|');
  const row = (name: string, rs: typeof rows) => {
    const [s, p, n, sc, nc] = [sum((r) => r.serial, rs), sum((r) => r.parallel, rs), sum((r) => r.native, rs), sum((r) => r.serialCpu, rs), sum((r) => r.nativeCpu, rs)];
    say(`| ${name} | ${fmt(s, 0)} | ${fmt(p, 0)} | ${fmt(n, 0)} | ${fmt(s / n)} | ${fmt(p / n)} | ${fmt(sc / nc)} |`);
  };
  row(`built-in suite (18 modules, sum)`, suite);
  const ratios = suite.map((r) => r.serial / r.native).sort((a, b) => a - b);
  row(large.name, [large]);
  say(`per suite module, 1 thread: median ratio ${fmt(median(ratios))} (min ${fmt(ratios[0]!)}, max ${fmt(ratios[ratios.length - 1]!)})`);
  say(`**(a) pipeline / native: suite ${fmt(sum((r) => r.serial, suite) / sum((r) => r.native, suite))} (workers ${fmt(sum((r) => r.parallel, suite) / sum((r) => r.native, suite))}); ${large.name} ${fmt(large.serial / large.native)} (workers ${fmt(large.parallel / large.native)})** (target <= 0.2)`);
  say();
  say(`### native passes: the Rust ${NATIVE_PASSES} (runNativePasses, its own pass time: no parse, no print) / native compile of their output`);
  say('| input | Rust passes (ms) | native compile (ms) | ratio | Rust passes, CPU (ms) | native compile, CPU (ms) | ratio of CPU times |');
  say('|---|---:|---:|---:|---:|---:|---:|');
  const rustRow = (name: string, rs: typeof rows) => {
    const [p, n, pc, nc] = [sum((r) => r.rustPasses, rs), sum((r) => r.rustNative, rs), sum((r) => r.rustPassesCpu, rs), sum((r) => r.rustNativeCpu, rs)];
    say(`| ${name} | ${fmt(p, 1)} | ${fmt(n, 0)} | ${fmt(p / n, 3)} | ${fmt(pc, 1)} | ${fmt(nc, 0)} | ${fmt(pc / nc, 3)} |`);
  };
  rustRow('built-in suite (18 modules, sum)', suite);
  rustRow(large.name, [large]);
  say(
    `**(a) native passes / native: suite ${fmt(sum((r) => r.rustPasses, suite) / sum((r) => r.rustNative, suite), 3)} (CPU ${fmt(sum((r) => r.rustPassesCpu, suite) / sum((r) => r.rustNativeCpu, suite), 3)}); ${large.name} ${fmt(large.rustPasses / large.rustNative, 3)} (CPU ${fmt(large.rustPassesCpu / large.rustNativeCpu, 3)})** against \`compile\` (parse, verify, verifier between passes, disassembly)`,
  );
  say();
  say(`### native passes / Cranelift's compile alone, as an engine compiles (\`timeCompile\`: verifier off, no disassembly, no parse; CPU of the compiling thread)`);
  say('| input | Rust passes, CPU (ms) | Context::compile, CPU (ms) | ratio | `compile` / Context::compile |');
  say('|---|---:|---:|---:|---:|');
  const engineRow = (name: string, rs: typeof rows) => {
    const [pc, ec, nc] = [sum((r) => r.rustPassesCpu, rs), sum((r) => r.engineCpu, rs), sum((r) => r.rustNativeCpu, rs)];
    say(`| ${name} | ${fmt(pc, 1)} | ${fmt(ec, 0)} | ${fmt(pc / ec, 3)} | ${fmt(nc / ec)} |`);
  };
  engineRow('built-in suite (18 modules, sum)', suite);
  engineRow(large.name, [large]);
  say(
    `**(a) native passes / Cranelift's compile alone: suite ${fmt(sum((r) => r.rustPassesCpu, suite) / sum((r) => r.engineCpu, suite), 3)}; ${large.name} ${fmt(large.rustPassesCpu / large.engineCpu, 3)}** (the whole pipeline: target <= 0.2)`,
  );
  say();
  say(`### native passes / Wasmtime 48's whole compile of the module on one thread (\`wasmtime-runner run --mode none --compile-only\`, RAYON_NUM_THREADS=1: its \`Module::from_file\`, which reads, validates, translates, compiles and links; wall clock)`);
  if (!peer) {
    say(`skipped: the Wasmtime reference runner is not built (${peerRunnerPath()}); \`npm run peer:build\` builds it (about 7 minutes on 2 cores)`);
  } else {
    say('| input | Rust passes, CPU (ms) | Wasmtime compile (ms) | ratio |');
    say('|---|---:|---:|---:|');
    const peerRow = (name: string, rs: typeof rows) => {
      const [pc, wt] = [sum((r) => r.rustPassesCpu, rs), sum((r) => r.wasmtime, rs)];
      say(`| ${name} | ${fmt(pc, 1)} | ${fmt(wt, 0)} | ${fmt(pc / wt, 3)} |`);
    };
    peerRow('built-in suite (18 modules, sum)', suite);
    peerRow(large.name, [large]);
    say(`**(a) native passes / Wasmtime's one-thread compile: suite ${fmt(sum((r) => r.rustPassesCpu, suite) / sum((r) => r.wasmtime, suite), 3)}; ${large.name} ${fmt(large.rustPassesCpu / large.wasmtime, 3)}**`);
  }
  say();
}

// ---- (b) run-wasm wall clock ----
// slacked runs the fuel passes in Rust inside the translation by default (no function parsed);
// slacked-ts is the TypeScript passes (--ts-passes), cold and with a warm compile cache. The
// large module (SQLite) is run once per variant: with 1 row (almost only getting to _start) and
// with 125,000 rows (through).
if (!options.skip.has('b')) {
  say('## (b) run-wasm wall clock, slacked / vanilla');
  const cacheDir = mkdtempSync(join(tmpdir(), 'slackfuel-bench-ir-cache-'));
  const cli = ['--import=tsx', join(ROOT, 'src/cli/main.ts'), 'run-wasm'];
  const sqlite = 'tests/fixtures/third-party/sqlite.wasm';
  const programs = [
    { label: '~2 s program', wasm: 'bench/wasm/fib.wasm', args: ['40'], target: 1.2 as number | undefined, repeats: options.repeats },
    { label: '~50 ms program (compile-dominated)', wasm: 'bench/wasm/fib.wasm', args: ['20'], target: 1.5 as number | undefined, repeats: options.repeats },
    { label: 'SQLite, 1 row (to _start)', wasm: sqlite, args: ['1'], target: undefined, repeats: 1 },
    { label: 'SQLite, 125,000 rows (through)', wasm: sqlite, args: ['125000'], target: undefined, repeats: 1 },
  ];
  const variants = [
    { name: 'vanilla', flags: ['--no-cache', '--metering', 'vanilla'] },
    { name: 'slacked', flags: ['--no-cache', '--metering', 'slacked'] },
    { name: 'slacked-ts', flags: ['--no-cache', '--metering', 'slacked', '--ts-passes'] },
    { name: 'slacked-ts-cached', flags: ['--cache-dir', cacheDir, '--metering', 'slacked', '--ts-passes'] },
  ];
  const jobsFlag = options.jobs === undefined ? [] : ['--jobs', String(options.jobs)];
  for (const prog of programs) {
    const times: Record<string, number[]> = {};
    const runOnce = (flags: readonly string[]) => {
      const t0 = performance.now();
      const res = spawnSync(process.execPath, [...cli, ...flags, ...jobsFlag, prog.wasm, ...prog.args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
      if (res.status !== 0) throw new Error(`run-wasm ${flags.join(' ')} failed: ${res.stderr}`);
      return performance.now() - t0;
    };
    runOnce(variants[3]!.flags); // fills the cache
    for (let r = 0; r < prog.repeats; r++) for (const v of variants) (times[v.name] ??= []).push(runOnce(v.flags));
    const v = median(times.vanilla!);
    const s = median(times.slacked!);
    const ts = median(times['slacked-ts']!);
    const c = median(times['slacked-ts-cached']!);
    say(
      `${prog.label}: \`node --import=tsx src/cli/main.ts run-wasm --no-cache --metering vanilla|slacked [--ts-passes] ${prog.wasm} ${prog.args.join(' ')}\` (median of ${prog.repeats}): vanilla ${fmt(v, 0)} ms, slacked (Rust passes) ${fmt(s, 0)} ms, slacked with --ts-passes ${fmt(ts, 0)} ms (${fmt(c, 0)} ms from a warm compile cache)`,
    );
    say(`**(b) ${prog.label}: slacked / vanilla ${fmt(s / v)} (TypeScript passes: ${fmt(ts / v)} cold, ${fmt(c / v)} from the compile cache)**${prog.target === undefined ? '' : ` (target <= ${prog.target})`}`);
  }
  say();
}

// ---- (d) peak RSS ----
if (!options.skip.has('d')) {
  say(`## (d) peak RSS on ${options.module}: pipeline / native compile (fresh processes)`);
  const dir = mkdtempSync(join(tmpdir(), 'slackfuel-bench-ir-'));
  const wasmCopy = join(dir, basename(options.module));
  writeFileSync(wasmCopy, readFileSync(options.module));
  const child = (kind: string, file: string, childJobs: number, ...more: string[]) => {
    const res = spawnSync(process.execPath, ['--import=tsx', fileURLToPath(import.meta.url), '--child', kind, '--jobs', String(childJobs), file, ...more], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (res.status !== 0) throw new Error(`child ${kind} failed: ${res.stderr}`);
    return z.object({ startRssKb: z.number(), translatedRssKb: z.number(), peakRssKb: z.number(), ms: z.number() }).parse(JSON.parse(res.stdout.trim().split('\n').pop()!));
  };
  const serial = child('pipeline', wasmCopy, 1);
  const native = child('native', `${wasmCopy}.slacked.clif`, 1, wasmCopy);
  const parallel = jobs > 1 ? child('pipeline', wasmCopy, jobs) : serial;
  const mb = (kb: number) => fmt(kb / 1024, 0);
  say(`pipeline (translate the module, then parse/passes/print one function at a time): peak ${mb(serial.peakRssKb)} MB (after translation ${mb(serial.translatedRssKb)} MB)`);
  say(`pipeline on ${jobs} workers: peak ${mb(parallel.peakRssKb)} MB`);
  say(`native compile (translate the module, then Cranelift on every function of the pipeline's output): peak ${mb(native.peakRssKb)} MB (translated and text loaded: ${mb(native.translatedRssKb)} MB)`);
  say(`**(d) peak RSS pipeline / native: ${fmt(serial.peakRssKb / native.peakRssKb)} (workers ${fmt(parallel.peakRssKb / native.peakRssKb)})** (target <= 2)`);
  say();
}

// ---- generated CLIF (the old bench:ir figure, kept for comparison) ----
if (!options.skip.has('c')) {
  say(`## parse + print on ${options.mb} MB of generated CLIF (Wasmtime-like mix)`);
  const text = generated(options.mb);
  const mb = text.length / (1024 * 1024);
  const parseMs: number[] = [];
  const printMs: number[] = [];
  const parseCpu: number[] = [];
  const printCpu: number[] = [];
  // The whole file at once (all functions alive), after a warm-up pass as in (c).
  parse(text).functions.forEach((fn) => print(fn));
  for (let r = 0; r < options.repeats; r++) {
    const [file, p, pc] = cpuTimed(() => parse(text));
    const [, q, qc] = cpuTimed(() => file.functions.reduce((n, fn) => n + print(fn).length, 0));
    parseMs.push(p);
    printMs.push(q);
    parseCpu.push(pc);
    printCpu.push(qc);
  }
  const rates = (p: number, q: number) => `parse ${fmt(mb / (p / 1000), 1)} MB/s, print ${fmt(mb / (q / 1000), 1)} MB/s, parse + print ${fmt(mb / ((p + q) / 1000), 1)} MB/s`;
  say(`wall clock: ${rates(median(parseMs), median(printMs))}; CPU time: ${rates(median(parseCpu), median(printCpu))}`);
}

/** A deterministic pseudo-random source, so every run measures the same text. */
function rng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

function generated(megabytes: number): string {
  const pick = rng(2026);
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < megabytes * 1024 * 1024; i++) {
    const f = generateFunction(i, pick);
    parts.push(f);
    size += f.length;
  }
  return parts.join('\n');
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

if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, `${lines.join('\n')}\n`);
