// The one error the CLIF parser throws: where it happened and what was expected.

/** A syntax or reference error in CLIF text, with a 1-based line and column. */
export class ClifParseError extends Error {
  override readonly name = 'ClifParseError';
  /** 1-based line number. */
  readonly line: number;
  /** 1-based column (in UTF-16 code units) of the offending token. */
  readonly column: number;
  /** The full text of the offending line, without its line break. */
  readonly lineText: string;
  /** The message without the location prefix. */
  readonly reason: string;

  constructor(reason: string, line: number, column: number, lineText: string) {
    super(`${line}:${column}: ${reason}`);
    this.reason = reason;
    this.line = line;
    this.column = column;
    this.lineText = lineText;
  }

  /** `FILE:LINE:COL: message` followed by the offending line and a caret under the column. */
  format(file: string): string {
    const caret = `${' '.repeat(Math.max(0, this.column - 1))}^`;
    return `${file}:${this.line}:${this.column}: ${this.reason}\n    ${this.lineText}\n    ${caret}\n`;
  }
}

/** Builds a `ClifParseError` for a character offset in `source`. */
export function errorAt(source: string, offset: number, reason: string): ClifParseError {
  const at = Math.max(0, Math.min(offset, source.length));
  let lineStart = source.lastIndexOf('\n', at - 1) + 1;
  if (at === 0) lineStart = 0;
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < lineStart; i = source.indexOf('\n', i + 1)) line++;
  let lineEnd = source.indexOf('\n', lineStart);
  if (lineEnd === -1) lineEnd = source.length;
  let lineText = source.slice(lineStart, lineEnd);
  if (lineText.endsWith('\r')) lineText = lineText.slice(0, -1);
  return new ClifParseError(reason, line, at - lineStart + 1, lineText);
}
