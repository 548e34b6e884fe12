// `npm run peer:record`: runs the fuel oracle's cases under real Wasmtime (the reference runner,
// `npm run peer:build`) with consume_fuel, and writes what it reports to
// tests/fixtures/wasmtime/fuel.json: the WASI fixture programs, the benchmark programs at their
// quick sizes, and the exports of tests/fixtures/wasmtime/ops.wat. tests/peers/wasmtime-fuel.test.ts
// checks our fuel against the file. `--only PREFIX` re-records the cases whose name starts with
// PREFIX and keeps the others as recorded.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '@bytecodealliance/jco';
import { runPeer } from '../src/bench/peers.js';
import { FUEL_CASES, FUEL_COSTS_FIXTURE, fuelFixtureSchema, WAT_FILES, WASMTIME_FUEL_FIXTURE, watFixtureUrl, type FuelCase, type RecordedCase, type WatFile } from '../tests/peers/fuel-cases.js';

const onlyAt = process.argv.indexOf('--only');
const only: string | null = onlyAt === -1 ? null : (process.argv[onlyAt + 1] ?? '');
if (only === '') throw new Error('--only takes a case-name prefix (e.g. multimem/)');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const scratch = await mkdtemp(join(tmpdir(), 'slackfuel-record-'));
try {
  const watWasm = Object.fromEntries(WAT_FILES.map((f) => [f, join(scratch, `${f}.wasm`)])) as Record<WatFile, string>;
  for (const [file, path] of Object.entries(watWasm) as [WatFile, string][]) writeFileSync(path, await parse(readFileSync(watFixtureUrl(file), 'utf8')));
  const previous = only === null ? new Map<string, RecordedCase>() : new Map(fuelFixtureSchema.parse(JSON.parse(readFileSync(WASMTIME_FUEL_FIXTURE, 'utf8'))).cases.map((c) => [c.name, c]));
  const recorded: RecordedCase[] = [];
  let version = '';
  for (const c of FUEL_CASES) {
    const kept = previous.get(c.name);
    if (only !== null && !c.name.startsWith(only)) {
      if (kept === undefined) throw new Error(`${c.name} was never recorded: record without --only`);
      recorded.push(kept);
      continue;
    }
    const file = c.kind === 'wat' || c.kind === 'wasi-linked' ? watWasm[c.file] : c.wasm;
    const r = await runPeer({
      mode: 'fuel',
      wasmFile: file,
      args: c.kind === 'wat' ? [] : c.args,
      ...(c.kind === 'wasi-linked' ? { preload: [{ name: 'lib', wasmFile: watWasm[c.preload] }] } : {}),
      dir: c.kind === 'wasi' && c.dir !== null ? c.dir : null,
      ...(c.kind === 'wasi' ? { env: c.env } : {}),
      ...(c.kind === 'wat' ? { invoke: { name: c.invoke, args: c.invokeArgs.map(String) } } : {}),
      ...(c.kind === 'wat' && c.preload !== undefined ? { preload: [{ name: 'lib', wasmFile: watWasm[c.preload] }] } : {}),
      ...((c.kind === 'wat' || c.kind === 'bench') && c.costs === true ? { fuelCosts: FUEL_COSTS_FIXTURE } : {}),
    });
    version = r.wasmtimeVersion;
    if (r.fuelConsumed === null && r.trap === null) throw new Error(`${caseName(c)}: Wasmtime reported no fuel`);
    recorded.push({ name: caseName(c), fuel: r.fuelConsumed ?? 0, instantiateFuel: r.instantiateFuel ?? 0, exitCode: r.exitCode, trap: r.trap, stdoutSha256: sha256(r.stdout), results: r.results });
    console.log(`${caseName(c)}: ${r.fuelConsumed}`);
  }
  if (version === '') throw new Error(`no case starts with ${only}`);
  const fixture = { wasmtime: version, recordedBy: 'npm run peer:record (scripts/record-wasmtime-fuel.ts)', cases: recorded };
  writeFileSync(WASMTIME_FUEL_FIXTURE, `${JSON.stringify(fixture, null, 1)}\n`);
  console.log(`wrote ${recorded.length} cases to ${WASMTIME_FUEL_FIXTURE}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}

function caseName(c: FuelCase): string {
  return c.name;
}
