// Interned words of CLIF text: opcodes, types, flag, condition and keyword words. The lexer finds
// a word by a hash of its characters without slicing it out of the source, and each entry caches
// what the word means, so every distinct word is sliced and classified once per process instead
// of once per occurrence.
import { opcodeFactsByName, type OpcodeFacts } from './opcode-table.js';
import type { Type } from './types.js';

export class Word {
  private opcodeCache: OpcodeFacts | null | undefined = undefined;

  constructor(
    /** The word itself. */
    readonly text: string,
    /** The type it names, or null. */
    readonly type: Type | null,
  ) {}

  /** The opcode this word names (its current meaning), or undefined. */
  opcode(): OpcodeFacts | undefined {
    if (this.opcodeCache === undefined) this.opcodeCache = opcodeFactsByName(this.text) ?? null;
    return this.opcodeCache ?? undefined;
  }
}

// Open addressing with linear probing; half full at most. Real CLIF has a few hundred distinct
// words; beyond the cap (a file of made-up identifiers) the lexer slices as before.
const SIZE = 1 << 13;
const MASK = SIZE - 1;
const CAP = SIZE >> 1;
const slots: (Word | null)[] = new Array<Word | null>(SIZE).fill(null);
let count = 0;

/** Hash step over char codes; the lexer folds each character of a word in with it. */
export function hashStep(h: number, c: number): number {
  return (Math.imul(h, 31) + c) | 0;
}

/** The interned word equal to `src[begin, end)` whose hash is `hash`, or null. */
export function findWord(src: string, begin: number, end: number, hash: number): Word | null {
  const len = end - begin;
  for (let i = hash & MASK; ; i = (i + 1) & MASK) {
    const w = slots[i]!;
    if (w === null) return null;
    if (w.text.length === len && sameChars(w.text, src, begin)) return w;
  }
}

/** Whether `src` holds `text` at `at` (a loop: words are short, and startsWith is a call). */
function sameChars(text: string, src: string, at: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== src.charCodeAt(at + i)) return false;
  return true;
}

/** Interns `text` (whose hash is `hash`); null when the table is full. */
export function addWord(text: string, hash: number, type: Type | null): Word | null {
  if (count >= CAP) return null;
  let i = hash & MASK;
  while (slots[i] !== null) i = (i + 1) & MASK;
  const w = new Word(text, type);
  slots[i] = w;
  count++;
  return w;
}
