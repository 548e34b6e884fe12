// Every attack of tests/guest/attacks/*.ts, in file and declaration order.
import { readdirSync } from 'node:fs';
import type { Attack, AttackModule } from './attack.js';

const directory = new URL('./attacks/', import.meta.url);

export async function loadAttacks(): Promise<Attack[]> {
  const files = readdirSync(directory)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const attacks: Attack[] = [];
  for (const file of files) {
    const module = (await import(new URL(file, directory).href)) as AttackModule;
    attacks.push(...module.attacks);
  }
  const names = new Set<string>();
  for (const a of attacks) {
    if (names.has(a.name)) throw new Error(`two attacks are named ${a.name}`);
    names.add(a.name);
  }
  return attacks;
}
