// Runs one attack in this process in the given modes, one after another:
// `node --import=tsx tests/guest/run-attack.ts NAME MODE[,MODE...]`. Prints one JSON line per
// mode (`{"mode", "ok", "error"}`); a crash or hang of the process is the attack succeeding.
import { z } from 'zod';
import { meteringModeSchema } from '../../src/runtime/metering.js';
import { loadAttacks } from './load-attacks.js';

const [name, modes] = process.argv.slice(2);
const attack = (await loadAttacks()).find((a) => a.name === name);
if (attack === undefined) {
  console.error(`no attack named ${name}`);
  process.exit(2);
}
for (const mode of z.array(meteringModeSchema).parse((modes ?? '').split(','))) {
  try {
    await attack.run(mode);
    console.log(JSON.stringify({ mode, ok: true, error: null }));
  } catch (error) {
    console.log(JSON.stringify({ mode, ok: false, error: error instanceof Error ? error.message : String(error) }));
  }
}
process.exit(0);
