// Runs an attack in a child process, so that a guarantee that fails by killing or hanging the
// process is a failing test (with the exit status), not a dead test runner.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { meteringModeSchema, type MeteringMode } from '../../src/runtime/metering.js';

const script = fileURLToPath(new URL('./run-attack.ts', import.meta.url));
const lineSchema = z.object({ mode: meteringModeSchema, ok: z.boolean(), error: z.string().nullable() }).strict();

/** Per mode: null when the guarantee held, else what went wrong (a crash fails every mode not reported). */
export function runAttackInChild(name: string, modes: readonly MeteringMode[], timeoutMs: number): Promise<Map<MeteringMode, string | null>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import=tsx', script, name, modes.join(',')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), modes.length * timeoutMs + 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const results = new Map<MeteringMode, string | null>();
      for (const line of stdout.split('\n').filter((l) => l.startsWith('{'))) {
        const r = lineSchema.parse(JSON.parse(line));
        results.set(r.mode, r.ok ? null : r.error);
      }
      const how = signal !== null ? `the process was killed by ${signal}` : `the process exited with ${code}`;
      for (const mode of modes) if (!results.has(mode)) results.set(mode, `${how} before reporting${stderr.trim() === '' ? '' : `: ${stderr.trim().slice(-2000)}`}`);
      resolve(results);
    });
  });
}
