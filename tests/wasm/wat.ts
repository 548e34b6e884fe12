// Assembles the WAT fixtures in-process with jco's parser (no wabt or clang needed).
import { readFile } from 'node:fs/promises';
import { parse } from '@bytecodealliance/jco';

export const WAT_FIXTURES = ['integer', 'float', 'control', 'globals', 'memory', 'tables', 'calls', 'traps', 'simd'] as const;
export type WatFixture = (typeof WAT_FIXTURES)[number];

const cache = new Map<string, Promise<Uint8Array>>();

/** The binary module of tests/fixtures/wat/NAME.wat. */
export function watModule(name: WatFixture): Promise<Uint8Array> {
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = readFile(new URL(`../fixtures/wat/${name}.wat`, import.meta.url), 'utf8').then((text) => parse(text));
    cache.set(name, bytes);
  }
  return bytes;
}

/** Assembles WAT text given inline. */
export function wat(text: string): Promise<Uint8Array> {
  return parse(text);
}
