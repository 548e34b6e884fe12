// Reads the CLIF fixtures of the native backend tests.
import { readFileSync } from 'node:fs';

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/native/${name}`, import.meta.url), 'utf8');
}

export function fixturePath(name: string): string {
  return `tests/fixtures/native/${name}`;
}
