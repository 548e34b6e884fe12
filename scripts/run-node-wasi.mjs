#!/usr/bin/env node
// Runs a wasm32-wasi module under Node's own engine (V8) with node:wasi (preview1).
// The reference against which slackfuel's own runs are checked: the program's stdout and
// stderr pass straight through and its exit code becomes ours. The module may also import
// `bench.start` / `bench.end` (marks around the measured region); here they only record the
// time, which `--report` writes out.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';

// Node 20.20's V8 crashes (SIGSEGV in a keyed load, after _start returns) when concurrent
// marking overlaps a long wasm run on a large memory; bench/wasm/hashtable.wasm hits it every
// time. Marking on the main thread avoids the crash and costs wasm code nothing measurable.
setFlagsFromString('--no-concurrent-marking');

const usage = `Usage: node scripts/run-node-wasi.mjs [options] FILE.wasm [ARGS...]

Runs FILE.wasm (a wasm32-wasi preview1 command) under V8 with node:wasi.
The program sees argv = [basename(FILE), ARGS...].

Options (before FILE):
  --dir PATH       preopen PATH as "." (default: the current directory)
  --no-dir         preopen nothing
  --env NAME=VALUE add an environment variable (repeatable; the default environment is empty)
  --report PATH    write {"exitCode", "compileMs", "runMs", "regionMs"} as JSON to PATH
                   (regionMs: time between bench.start and bench.end, null if not marked)
  -h, --help       print this help
`;

// node:wasi prints an ExperimentalWarning on load; it would pollute the program's stderr.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'ExperimentalWarning' && String(warning).includes('WASI')) return;
  emitWarning(warning, ...rest);
};

function fail(message) {
  process.stderr.write(`run-node-wasi: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { dir: process.cwd(), env: {}, report: null, file: null, args: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(usage);
      process.exit(0);
    }
    if (arg === '--') { i++; break; }
    if (!arg.startsWith('-')) break;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) fail(`${arg} needs a value`);
      return next;
    };
    if (arg === '--dir') options.dir = resolve(value());
    else if (arg === '--no-dir') options.dir = null;
    else if (arg === '--report') options.report = value();
    else if (arg === '--env') {
      const pair = value();
      const eq = pair.indexOf('=');
      if (eq <= 0) fail(`--env expects NAME=VALUE, got '${pair}'`);
      options.env[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else fail(`unknown option '${arg}' (see --help)`);
  }
  options.file = argv[i];
  if (options.file === undefined) fail('missing FILE.wasm (see --help)');
  options.args = argv.slice(i + 1);
  return options;
}

const options = parseArgs(process.argv.slice(2));
const { WASI } = await import('node:wasi');

let bytes;
try {
  bytes = readFileSync(options.file);
} catch (error) {
  fail(`cannot read ${options.file}: ${error.message}`);
}

const wasi = new WASI({
  version: 'preview1',
  args: [basename(options.file), ...options.args],
  env: options.env,
  preopens: options.dir === null ? {} : { '.': options.dir },
  returnOnExit: true,
});

const marks = { start: null, end: null };
const bench = {
  start: () => { marks.start = performance.now(); },
  end: () => { marks.end = performance.now(); },
};

const t0 = performance.now();
let instance;
try {
  const module = await WebAssembly.compile(bytes);
  instance = await WebAssembly.instantiate(module, { ...wasi.getImportObject(), bench });
} catch (error) {
  fail(`cannot instantiate ${options.file}: ${error.message}`);
}
const t1 = performance.now();
let exitCode;
try {
  exitCode = wasi.start(instance) ?? 0;
} catch (error) {
  // A trap (RuntimeError) or a host failure: report it like a crashed process.
  process.stderr.write(`run-node-wasi: ${error instanceof WebAssembly.RuntimeError ? 'trap' : 'error'}: ${error.message}\n`);
  exitCode = 134;
}
const t2 = performance.now();

if (options.report !== null) {
  const regionMs = marks.start !== null && marks.end !== null ? marks.end - marks.start : null;
  writeFileSync(options.report, JSON.stringify({ exitCode, compileMs: t1 - t0, runMs: t2 - t1, regionMs }) + '\n');
}
process.exitCode = exitCode;
