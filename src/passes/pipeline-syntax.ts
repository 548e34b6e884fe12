// The pipeline text syntax: `pass-a,pass-b{key=value,list=[x,y]},pass-c{"key": 1}`.
// Values are JSON when they parse as JSON (numbers, true/false, null, "strings"), `[a,b]`
// lists of values, or bare words taken as strings. Keys may be kebab-case (`non-pinned`) or
// camelCase (`nonPinned`). Braces holding a JSON object are taken as that object.

/** One step of a pipeline: a pass name and its (not yet validated) options. */
export interface PassSpec {
  readonly name: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** A pipeline that cannot be built: bad syntax, an unknown pass or invalid options. */
export class PipelineError extends Error {
  override readonly name: string = 'PipelineError';
}

export class PipelineSyntaxError extends PipelineError {
  override readonly name = 'PipelineSyntaxError';
  constructor(
    message: string,
    readonly text: string,
    readonly position: number,
  ) {
    super(`${message} at column ${position + 1} of '${text}'`);
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function camelCase(key: string): string {
  return key.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Splits `text` on `sep` at nesting depth 0 (braces, brackets and quoted strings nest). */
function splitTopLevel(text: string, sep: string, whole: string, offset: number): Array<{ part: string; at: number }> {
  const out: Array<{ part: string; at: number }> = [];
  let depth = 0;
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth < 0) throw new PipelineSyntaxError(`unbalanced '${c}'`, whole, offset + i);
    } else if (c === sep && depth === 0) {
      out.push({ part: text.slice(start, i), at: offset + start });
      start = i + 1;
    }
  }
  if (quoted) throw new PipelineSyntaxError('unterminated string', whole, offset + text.length);
  if (depth !== 0) throw new PipelineSyntaxError('unbalanced brackets', whole, offset + text.length);
  out.push({ part: text.slice(start), at: offset + start });
  return out;
}

function parseValue(raw: string, whole: string, at: number): unknown {
  const text = raw.trim();
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new PipelineSyntaxError("a list must end with ']'", whole, at);
    const inner = text.slice(1, -1);
    if (inner.trim() === '') return [];
    return splitTopLevel(inner, ',', whole, at + 1).map(({ part, at: p }) => parseValue(part, whole, p));
  }
  if (text === '') throw new PipelineSyntaxError('missing value', whole, at);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    if (text.startsWith('"')) throw new PipelineSyntaxError('bad string literal', whole, at);
    return text;
  }
}

function parseOptions(body: string, whole: string, at: number): Record<string, unknown> {
  const trimmed = body.trim();
  if (trimmed.startsWith('"')) {
    try {
      const value = JSON.parse(`{${trimmed}}`) as unknown;
      if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
    } catch (error) {
      throw new PipelineSyntaxError(`bad JSON options (${error instanceof Error ? error.message : String(error)})`, whole, at);
    }
  }
  const options: Record<string, unknown> = {};
  if (trimmed === '') return options;
  for (const { part, at: p } of splitTopLevel(body, ',', whole, at)) {
    const eq = part.indexOf('=');
    if (eq === -1) throw new PipelineSyntaxError(`expected key=value, found '${part.trim()}'`, whole, p);
    const key = part.slice(0, eq).trim();
    if (!NAME.test(key)) throw new PipelineSyntaxError(`bad option name '${key}'`, whole, p);
    options[camelCase(key)] = parseValue(part.slice(eq + 1), whole, p + eq + 1);
  }
  return options;
}

/** Parses a pipeline string into steps (names are not checked against the registry here). */
export function parsePipeline(text: string): PassSpec[] {
  if (text.trim() === '') throw new PipelineSyntaxError('empty pipeline', text, 0);
  return splitTopLevel(text, ',', text, 0).map(({ part, at }) => {
    const brace = part.indexOf('{');
    const name = (brace === -1 ? part : part.slice(0, brace)).trim();
    if (!NAME.test(name)) throw new PipelineSyntaxError(name === '' ? 'missing pass name' : `bad pass name '${name}'`, text, at);
    if (brace === -1) return { name };
    const close = part.lastIndexOf('}');
    if (close < brace || part.slice(close + 1).trim() !== '') throw new PipelineSyntaxError(`options of '${name}' must end with '}'`, text, at + brace);
    return { name, options: parseOptions(part.slice(brace + 1, close), text, at + brace + 1) };
  });
}
