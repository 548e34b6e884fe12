// `npm run peer:record-third-party`: runs the third-party WASI programs of
// tests/fixtures/third-party/ (built by scripts/build-third-party.sh) under real Wasmtime 48 (the
// reference runner, `npm run peer:build`) with consume_fuel, and writes their fuel, exit code
// and stdout to tests/fixtures/third-party/wasmtime.json.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPeer } from '../src/bench/peers.js';
import { readThirdPartyWasm, THIRD_PARTY, THIRD_PARTY_FIXTURE, thirdPartyDir, thirdPartyFixtureSchema, thirdPartyProgramName } from '../tests/third-party/programs.js';

let version = '';
const programs = [];
// The runner reads a file and names the program after it: compressed fixtures are written out
// under their program name first.
const scratch = mkdtempSync(join(tmpdir(), 'slackfuel-third-party-'));
for (const p of THIRD_PARTY) {
  const wasmFile = join(scratch, thirdPartyProgramName(p));
  writeFileSync(wasmFile, readThirdPartyWasm(p));
  const r = await runPeer({ mode: 'fuel', wasmFile, args: [...p.args], dir: thirdPartyDir(p), ...(p.guestDir === undefined ? {} : { guestDir: p.guestDir }), env: { ...p.env }, deterministic: p.deterministic === true });
  if (r.fuelConsumed === null) throw new Error(`${p.name}: Wasmtime reported no fuel (${r.trap ?? 'no trap'}: ${r.message ?? ''})`);
  version = r.wasmtimeVersion;
  programs.push({ name: p.name, args: [...p.args], fuel: r.fuelConsumed, instantiateFuel: r.instantiateFuel ?? 0, exitCode: r.exitCode, stdout: r.stdout });
  console.log(`${p.name}: exit ${r.exitCode}, fuel ${r.fuelConsumed}`);
}
rmSync(scratch, { recursive: true, force: true });
const fixture = thirdPartyFixtureSchema.parse({ wasmtime: version, recordedBy: 'npm run peer:record-third-party (scripts/record-third-party.ts)', programs });
writeFileSync(THIRD_PARTY_FIXTURE, `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`wrote ${programs.length} programs to ${THIRD_PARTY_FIXTURE}`);
