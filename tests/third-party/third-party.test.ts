// Third-party programs (C: lz4, brotli, zstd, Lua, SQLite, cmark; C++: RapidJSON; Go's runtime;
// tests/third-party/programs.ts) under
// our modes against real Wasmtime 48: the same stdout and exit code, and, where we meter, the
// same fuel to the unit (tests/fixtures/third-party/wasmtime.json, instantiation included).
import { readFileSync } from 'node:fs';
import test from 'ava';
import { runWasi } from '../../src/wasi/index.js';
import { readThirdPartyWasm, THIRD_PARTY, THIRD_PARTY_FIXTURE, thirdPartyDirs, thirdPartyFixtureSchema, thirdPartyProgramName } from './programs.js';

const fixture = thirdPartyFixtureSchema.parse(JSON.parse(readFileSync(THIRD_PARTY_FIXTURE, 'utf8')));

test('the fixture covers every program and names the Wasmtime version', (t) => {
  t.regex(fixture.wasmtime, /^48\.\d+\.\d+$/);
  t.deepEqual(fixture.programs.map((p) => p.name), THIRD_PARTY.map((p) => p.name));
});

for (const program of THIRD_PARTY) {
  for (const metering of program.modes) {
    // The large modules (SQLite, Go: 1–2.5 GB each while compiling) run one at a time, before
    // the others: side by side in one worker they exhaust its heap.
    const declare = program.large === true ? test.serial : test;
    declare(`${program.name} (${metering}): Wasmtime's stdout, exit code${metering === 'none' ? '' : ' and fuel'}`, async (t) => {
      t.timeout(600_000);
      const want = fixture.programs.find((p) => p.name === program.name);
      if (want === undefined) return t.fail(`${program.name} is not in ${THIRD_PARTY_FIXTURE}: run npm run peer:record-third-party`);
      const out: Uint8Array[] = [];
      const r = await runWasi(readThirdPartyWasm(program), {
        metering,
        args: [...program.args],
        dirs: thirdPartyDirs(program),
        programName: thirdPartyProgramName(program),
        env: { ...program.env },
        deterministic: program.deterministic === true,
        stdout: (b) => out.push(b.slice()),
        stderr: () => {},
        checkIntervalMs: false,
      });
      t.is(Buffer.concat(out).toString(), want.stdout);
      t.is(r.exitCode, want.exitCode);
      t.is(r.error, null);
      t.is(r.fuelConsumed, metering === 'none' ? null : want.fuel);
    });
  }
}
