// CLIF tokenizer. It follows cranelift-reader's lexer token for token (the same words become
// entities, types or identifiers), but keeps only the current token in fields, so scanning
// allocates almost nothing and runs in linear time.
import { ClifParseError, errorAt } from './parse-error.js';
import { I8, parseType, type Type } from './types.js';
import { addWord, findWord, hashStep, type Word } from './words.js';

/** Token kinds. */
export const Tok = {
  Eof: 0,
  LPar: 1,
  RPar: 2,
  LBrace: 3,
  RBrace: 4,
  LBracket: 5,
  RBracket: 6,
  LAngle: 7,
  RAngle: 8,
  Minus: 9,
  Plus: 10,
  Multiply: 11,
  Comma: 12,
  Dot: 13,
  Colon: 14,
  Equal: 15,
  Bang: 16,
  At: 17,
  Arrow: 18,
  Float: 19,
  Integer: 20,
  Type: 21,
  Cold: 22,
  Name: 23,
  String: 24,
  HexSequence: 25,
  Identifier: 26,
  SourceLoc: 27,
  // Numbered entities: `num` holds the number.
  Value: 40,
  Block: 41,
  StackSlot: 42,
  DynamicStackSlot: 43,
  DynamicType: 44,
  GlobalValue: 45,
  MemoryType: 46,
  Constant: 47,
  FuncRef: 48,
  SigRef: 49,
  UserRef: 50,
  UserNameRef: 51,
  ExceptionTableRef: 52,
  ExceptionTag: 53,
  AliasRegion: 54,
  TryCallRet: 55,
  TryCallExn: 56,
  // Legacy-dialect entities (pre-2023 Cranelift): heaps, tables, jump tables.
  Heap: 57,
  Table: 58,
  JumpTableRef: 59,
} as const;
export type TokKind = (typeof Tok)[keyof typeof Tok];


const U32_MAX = 0xffff_ffff;

/** Character classes, indexed by char code (ASCII only). */
const WORD = 1; // [_0-9a-zA-Z]
const HEX = 2; // [0-9a-fA-F]
const DIGIT = 4; // [0-9]
const NUMBODY = 8; // [-_.0-9a-zA-Z]
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  let k = 0;
  if (/[_0-9a-zA-Z]/.test(ch)) k |= WORD;
  if (/[0-9a-fA-F]/.test(ch)) k |= HEX;
  if (/[0-9]/.test(ch)) k |= DIGIT;
  if (/[-_.0-9a-zA-Z]/.test(ch)) k |= NUMBODY;
  CLASS[c] = k;
}
function is(c: number, k: number): boolean {
  return c < 128 && (CLASS[c]! & k) !== 0;
}

/**
 * The type a word names, or undefined. Current Cranelift types plus the legacy `b1`..`b128`, `r32`,
 * `r64`, `iflags`, `fflags`; never the dynamic `xN` form, which CLIF text does not use.
 */
export function typeWord(text: string): Type | undefined {
  if (text.endsWith('xN')) return undefined;
  return parseType(text);
}

/** The type a word names, or undefined (Cranelift's lexer rule for type words). */
function classify(text: string): Type | undefined {
  // Type words start with i, f, b or r (or are iflags/fflags) and are short; every type name but
  // iflags/fflags has a digit second (i32, f64x2, b1, r64).
  const c0 = text.charCodeAt(0);
  if (text.length <= 12 && (c0 === 105 || c0 === 102 || c0 === 98 || c0 === 114) && (is(text.charCodeAt(1), DIGIT) || text.length === 6)) {
    return typeWord(text);
  }
  return undefined;
}

export class Lexer {
  readonly src: string;
  private pos = 0;
  /** Current token kind. */
  kind: TokKind = Tok.Eof;
  /** Offset of the current token's first character. */
  start = 0;
  /** Offset just past the current token. */
  end = 0;
  /** Entity number for entity tokens. */
  num = 0;
  /** The type of `Type` tokens. */
  type: Type = I8;
  /** The interned word of `Identifier`, `Type` and `Cold` tokens (null if the table was full). */
  interned: Word | null = null;

  constructor(src: string) {
    this.src = src;
    this.next();
  }

  /** The current token's text (for names, strings, hex sequences and srclocs: without the sigil). */
  text(): string {
    const k = this.kind;
    if (k === Tok.Name || k === Tok.HexSequence || k === Tok.SourceLoc) return this.src.slice(this.start + 1, this.end);
    if (k === Tok.String) return this.src.slice(this.start + 1, this.end - 1);
    if ((k === Tok.Identifier || k === Tok.Type || k === Tok.Cold) && this.interned !== null) return this.interned.text;
    return this.src.slice(this.start, this.end);
  }

  /** The current token as a plain decimal of 1 to 9 digits (no sign, no `_`), read in place; else -1. */
  plainDecimal(): number {
    const s = this.src;
    const len = this.end - this.start;
    if (len > 9) return -1;
    let v = 0;
    for (let i = this.start; i < this.end; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  }

  /** The current token as `+N` or `-N` with 1 to 9 plain decimal digits, read in place; else null. */
  signedDecimal(): number | null {
    const s = this.src;
    const sign = s.charCodeAt(this.start);
    const len = this.end - this.start;
    if ((sign !== 43 && sign !== 45) || len < 2 || len > 10) return null;
    let v = 0;
    for (let i = this.start + 1; i < this.end; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    return sign === 45 ? 0 - v : v; // never -0
  }

  error(reason: string, offset = this.start): ClifParseError {
    return errorAt(this.src, offset, reason);
  }

  /** Skips to the end of the current line; the next token starts on the following line. */
  restOfLine(): string {
    const begin = this.start;
    let nl = this.src.indexOf('\n', begin);
    if (nl === -1) nl = this.src.length;
    this.pos = nl;
    const text = this.src.slice(begin, nl);
    this.next();
    return text;
  }

  /** Advances to the next token, skipping whitespace and comments. */
  next(): void {
    const s = this.src;
    const n = s.length;
    let p = this.pos;
    for (;;) {
      if (p >= n) {
        this.kind = Tok.Eof;
        this.start = this.end = this.pos = n;
        return;
      }
      const c = s.charCodeAt(p);
      if (c === 32 || (c >= 9 && c <= 13)) {
        p++;
        continue;
      }
      if (c === 59 /* ; */) {
        const nl = s.indexOf('\n', p);
        p = nl === -1 ? n : nl;
        continue;
      }
      this.start = p;
      switch (c) {
        case 40: return this.single(Tok.LPar, p);
        case 41: return this.single(Tok.RPar, p);
        case 123: return this.single(Tok.LBrace, p);
        case 125: return this.single(Tok.RBrace, p);
        case 91: return this.single(Tok.LBracket, p);
        case 93: return this.single(Tok.RBracket, p);
        case 60: return this.single(Tok.LAngle, p);
        case 62: return this.single(Tok.RAngle, p);
        case 44: return this.single(Tok.Comma, p);
        case 46: return this.single(Tok.Dot, p);
        case 58: return this.single(Tok.Colon, p);
        case 61: return this.single(Tok.Equal, p);
        case 33: return this.single(Tok.Bang, p);
        case 42: return this.single(Tok.Multiply, p);
        case 43: return this.number(p);
        case 45:
          if (s.charCodeAt(p + 1) === 62) {
            this.kind = Tok.Arrow;
            this.end = this.pos = p + 2;
            return;
          }
          return this.number(p);
        case 37: return this.scanName(p);
        case 34: return this.scanString(p);
        case 35: return this.scanHex(p);
        case 64: return this.scanAt(p);
        default:
          if (c >= 48 && c <= 57) return this.number(p);
          if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
            if (s.startsWith('NaN', p) || s.startsWith('Inf', p)) return this.number(p);
            return this.word(p);
          }
          throw this.error('invalid character', p);
      }
    }
  }

  private single(kind: TokKind, p: number): void {
    this.kind = kind;
    this.end = this.pos = p + 1;
  }

  private lookingAtNumeric(p: number): boolean {
    const s = this.src;
    if (p >= s.length) return false;
    const c = s.charCodeAt(p);
    if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) return true;
    return s.startsWith('NaN', p) || s.startsWith('Inf', p) || s.startsWith('sNaN', p);
  }

  private number(begin: number): void {
    const s = this.src;
    let p = begin;
    let isFloat = false;
    const c0 = s.charCodeAt(p);
    if (c0 === 45 || c0 === 43) {
      p++;
      if (!this.lookingAtNumeric(p)) {
        this.kind = c0 === 45 ? Tok.Minus : Tok.Plus;
        this.end = this.pos = p;
        return;
      }
    }
    if (s.startsWith('NaN:', p) || s.startsWith('sNaN:', p)) {
      p = s.indexOf(':', p);
      isFloat = true;
    } else if (s.startsWith('NaN', p) || s.startsWith('Inf', p)) {
      isFloat = true;
    }
    // The first character is taken as is; the rest must be number-body characters.
    p++;
    const n = s.length;
    while (p < n) {
      const c = s.charCodeAt(p);
      if (!is(c, NUMBODY)) break;
      if (c === 46) isFloat = true;
      p++;
    }
    this.kind = isFloat ? Tok.Float : Tok.Integer;
    this.end = this.pos = p;
  }

  private word(begin: number): void {
    const s = this.src;
    let p = begin + 1;
    const n = s.length;
    while (p < n && is(s.charCodeAt(p), WORD)) p++;
    this.end = this.pos = p;
    let digits = p;
    while (digits > begin && is(s.charCodeAt(digits - 1), DIGIT)) digits--;
    const tailLen = p - digits;
    // Entity words: a known prefix and a decimal number without leading zeros that fits a u32.
    if (tailLen > 0 && tailLen <= 10 && !(tailLen > 1 && s.charCodeAt(digits) === 48)) {
      let number = 0;
      for (let i = digits; i < p; i++) number = number * 10 + (s.charCodeAt(i) - 48);
      if (number <= U32_MAX) {
        const entity = this.entityPrefix(begin, digits - begin);
        if (entity !== null && !((entity === Tok.Value || entity === Tok.Block) && number === U32_MAX)) {
          this.kind = entity;
          this.num = number;
          return;
        }
      }
    }
    // Any other word: look it up among the words seen before, classifying it the first time.
    // (Hashed only here: entity words, the most frequent, need no hash.)
    let hash = 0;
    for (let i = begin; i < p; i++) hash = hashStep(hash, s.charCodeAt(i));
    let word = findWord(s, begin, p, hash);
    if (word === null) {
      const text = s.slice(begin, p);
      word = addWord(text, hash, classify(text) ?? null);
      if (word === null) {
        this.interned = null;
        const type = classify(text);
        if (type !== undefined) {
          this.kind = Tok.Type;
          this.type = type;
        } else this.kind = text === 'cold' ? Tok.Cold : Tok.Identifier;
        return;
      }
    }
    this.interned = word;
    if (word.type !== null) {
      this.kind = Tok.Type;
      this.type = word.type;
    } else this.kind = word.text === 'cold' ? Tok.Cold : Tok.Identifier;
  }

  /** The entity kind whose prefix is the `len` characters at `begin`, without slicing. */
  private entityPrefix(begin: number, len: number): TokKind | null {
    const s = this.src;
    switch (len) {
      case 1: {
        const c = s.charCodeAt(begin);
        return c === 118 ? Tok.Value : c === 117 ? Tok.UserRef : null;
      }
      case 2:
        return s.startsWith('jt', begin)
          ? Tok.JumpTableRef
          : s.startsWith('ss', begin) ? Tok.StackSlot : s.startsWith('gv', begin) ? Tok.GlobalValue : s.startsWith('fn', begin) ? Tok.FuncRef : s.startsWith('dt', begin) ? Tok.DynamicType : s.startsWith('mt', begin) ? Tok.MemoryType : null;
      case 3:
        return s.startsWith('sig', begin)
          ? Tok.SigRef
          : s.startsWith('dss', begin)
            ? Tok.DynamicStackSlot
            : s.startsWith('tag', begin)
              ? Tok.ExceptionTag
              : s.startsWith('ret', begin)
                ? Tok.TryCallRet
                : s.startsWith('exn', begin)
                  ? Tok.TryCallExn
                  : null;
      case 4:
        return s.startsWith('heap', begin) ? Tok.Heap : null;
      case 5:
        return s.startsWith('block', begin)
          ? Tok.Block
          : s.startsWith('const', begin)
            ? Tok.Constant
            : s.startsWith('table', begin)
              ? Tok.Table
              : null;
      case 6:
        return s.startsWith('region', begin) ? Tok.AliasRegion : null;
      case 7:
        return s.startsWith('extable', begin) ? Tok.ExceptionTableRef : null;
      case 11:
        return s.startsWith('userextname', begin) ? Tok.UserNameRef : null;
      default:
        return null;
    }
  }

  private scanName(begin: number): void {
    const s = this.src;
    let p = begin + 1;
    while (p < s.length && is(s.charCodeAt(p), WORD)) p++;
    this.kind = Tok.Name;
    this.end = this.pos = p;
  }

  private scanString(begin: number): void {
    const close = this.src.indexOf('"', begin + 1);
    if (close === -1) throw this.error('unterminated string', begin);
    this.kind = Tok.String;
    this.end = this.pos = close + 1;
  }

  private scanHex(begin: number): void {
    const s = this.src;
    let p = begin + 1;
    while (p < s.length && is(s.charCodeAt(p), HEX)) p++;
    this.kind = Tok.HexSequence;
    this.end = this.pos = p;
  }

  private scanAt(begin: number): void {
    const s = this.src;
    let p = begin + 1;
    if (p < s.length && is(s.charCodeAt(p), HEX)) {
      while (p < s.length && is(s.charCodeAt(p), HEX)) p++;
      this.kind = Tok.SourceLoc;
    } else {
      this.kind = Tok.At;
    }
    this.end = this.pos = p;
  }
}
