// An append-only byte buffer for the printer. Printing a function writes words and numbers as
// bytes and makes one string at the end, instead of the thousands of short-lived strings (and
// their garbage) that template literals and `+=` produce per function.

const decoder = new TextDecoder();

/** Spare buffer of the last finished sink, reused by the next one (printing is synchronous). */
let spare: Uint8Array | null = null;
/** A buffer grown past this for one huge function is not kept. */
const SPARE_LIMIT = 4 << 20;

export class TextSink {
  private buf: Uint8Array;
  private pos = 0;

  constructor() {
    this.buf = spare ?? new Uint8Array(1 << 16);
    spare = null; // a nested sink (an annotation hook that prints) gets a buffer of its own
  }

  /** Bytes written since the last non-ASCII string (enough to measure a line's prefix). */
  get length(): number {
    return this.pos;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** One ASCII character by code. */
  byte(c: number): void {
    this.reserve(1);
    this.buf[this.pos++] = c;
  }

  /** A string: ASCII is copied byte by byte; a string with anything else is kept as it is. */
  str(s: string): void {
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        // Not through UTF-8, which would replace lone surrogates: end the bytes so far as one
        // string piece and keep `s` as the next piece.
        (this.pieces ??= []).push(this.decode(), s);
        this.pos = 0;
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  /** Earlier pieces of the text, when a non-ASCII string broke the bytes up. */
  private pieces: string[] | null = null;

  private decode(): string {
    return decoder.decode(this.buf.subarray(0, this.pos));
  }

  /** A non-negative integer below 2^53 in decimal. */
  uint(n: number): void {
    if (n < 10) {
      this.byte(48 + n);
      return;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    this.reserve(digits);
    const buf = this.buf;
    const end = this.pos + digits;
    let x = n;
    for (let p = end - 1; p >= this.pos; p--) {
      buf[p] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
    this.pos = end;
  }

  /** An entity reference: a prefix letter sequence and its number (`v12`, `block3`). */
  entity(prefix: string, n: number): void {
    this.str(prefix);
    this.uint(n);
  }

  /** `n` spaces. */
  spaces(n: number): void {
    if (n <= 0) return;
    this.reserve(n);
    this.buf.fill(32, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Lower-case hex of a u32, zero-padded to at least `width` digits. */
  hex(n: number, width: number): void {
    let digits = 1;
    for (let x = n >>> 4; x !== 0; x >>>= 4) digits++;
    if (digits < width) digits = width;
    this.reserve(digits);
    const buf = this.buf;
    let x = n >>> 0;
    for (let p = this.pos + digits - 1; p >= this.pos; p--) {
      const d = x & 15;
      buf[p] = d < 10 ? 48 + d : 87 + d;
      x >>>= 4;
    }
    this.pos += digits;
  }

  /** The text written, as one string; the sink must not be used afterwards. */
  finish(): string {
    const last = this.decode();
    const text = this.pieces === null ? last : this.pieces.join('') + last;
    if (this.buf.length <= SPARE_LIMIT) spare = this.buf;
    return text;
  }
}
