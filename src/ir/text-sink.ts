// An append-only byte buffer for the printer. Printing a function writes words and numbers as
// bytes and makes one string at the end, instead of the thousands of short-lived strings (and
// their garbage) that template literals and `+=` produce per function.

const encoder = new TextEncoder();
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

  /** Bytes written so far. */
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

  /** A string (ASCII copied byte by byte; anything else encoded as UTF-8). */
  str(s: string): void {
    const n = s.length;
    this.reserve(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = p;
        this.utf8(s.slice(i));
        return;
      }
      buf[p++] = c;
    }
    this.pos = p;
  }

  private utf8(s: string): void {
    this.reserve(3 * s.length);
    this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written;
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
    const text = decoder.decode(this.buf.subarray(0, this.pos));
    if (this.buf.length <= SPARE_LIMIT) spare = this.buf;
    return text;
  }
}
