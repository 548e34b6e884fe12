// One attack an untrusted guest can make on the host, run under one metering mode. The ava tests
// in tests/guest/*.test.ts run every attack in every mode it lists; `npm run stress:guest` runs
// them all repeatedly in one process and checks that nothing crashes, hangs or grows memory.
import type { MeteringMode } from '../../src/runtime/metering.js';

export interface Attack {
  /** Short, unique: `recursion-through-memory-grow`, `fill-256mib-forever`, ... */
  readonly name: string;
  /** The modes it is run in; every runtime mode when absent. */
  readonly modes?: readonly MeteringMode[];
  /** Runs the attack once and throws (an assertion message) when the host's guarantee fails.
   *  Must free what it creates (dispose instances) and end well within `timeoutMs`. */
  run(mode: MeteringMode): Promise<void>;
  /** How long one run may take before the stress command reports a hang (default 30 s). */
  readonly timeoutMs?: number;
  /** Run in a child process (the attack could kill or hang a process if the guarantee fails). */
  readonly isolate?: boolean;
  /** The attack asserts how long it takes (wall clock), so the ava test runs it before the
   *  file's concurrent tests, whose child processes would otherwise share the cores with it. */
  readonly timed?: boolean;
}

/** Every attack file under tests/guest/attacks/ exports `attacks: readonly Attack[]`. */
export type AttackModule = { readonly attacks: readonly Attack[] };
