// A content-addressed cache of prepared modules, as Wasmtime caches compiled code: the CLIF of a
// module's functions after its metering mode's fuel pipeline, keyed by everything that decides
// it (the wasm bytes, the translation options, the pipeline, and the code of slackfuel and of its
// native addon). A hit skips the TypeScript passes: the text is assembled as it is (its
// functions parsed only if asked for), so each entry carries the SHA-256 of its text, and one
// whose text does not match (a damaged file) is a miss.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { addonPath } from '../native/addon.js';

/** Bumped whenever the entry format or the meaning of a key changes. */
const CACHE_FORMAT = 2;

const entrySchema = z
  .object({
    format: z.literal(CACHE_FORMAT),
    /** The functions after the pipeline, in Cranelift's text format. */
    functions: z.string(),
    /** SHA-256 of `functions`, hex. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export type CacheEntry = z.infer<typeof entrySchema>;

/** What decides a prepared module, hashed into its key. */
export interface CacheKeyParts {
  readonly wasm: Uint8Array;
  readonly translateOptions: unknown;
  readonly pipeline: string;
}

/** `$XDG_CACHE_HOME/slackfuel`, else `~/.cache/slackfuel`. */
export function defaultCacheDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'slackfuel');
}

let fingerprint: string | undefined;

/**
 * A hash of the code that produces an entry: slackfuel's own modules (source or built) and the
 * native addon (which holds the front end). Any change to either gives new keys, so a cache is
 * never read by code other than the code that wrote it.
 */
function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = createHash('sha256');
  const self = fileURLToPath(import.meta.url);
  // Run from a module tree (src/wasm/, dist/wasm/): hash the whole tree. Bundled into one file:
  // that file holds all the code.
  const files = basename(dirname(self)) === 'wasm' ? codeFiles(dirname(dirname(self))) : [self];
  for (const file of files) hash.update(file.slice(file.lastIndexOf('/') + 1)).update(readFileSync(file));
  try {
    hash.update(readFileSync(addonPath()));
  } catch {
    hash.update('no addon');
  }
  fingerprint = hash.digest('hex');
  return fingerprint;
}

function codeFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(root);
  return out;
}

export class CompileCache {
  hits = 0;
  misses = 0;

  /** Entries live in `dir` (created on the first write), one file per key. */
  constructor(readonly dir: string = defaultCacheDir()) {}

  key(parts: CacheKeyParts): string {
    return createHash('sha256')
      .update(`slackfuel-cache-${CACHE_FORMAT}\0${codeFingerprint()}\0`)
      .update(JSON.stringify(parts.translateOptions))
      .update('\0')
      .update(parts.pipeline)
      .update('\0')
      .update(parts.wasm)
      .digest('hex');
  }

  /**
   * The entry for `key` turned into what the caller needs by `decode`, or undefined: a missing,
   * unreadable or malformed entry, or one `decode` refuses (returns undefined or throws), is a
   * miss.
   */
  read<T>(key: string, decode: (functions: string) => T | undefined): T | undefined {
    const value = this.#decode(key, decode);
    if (value === undefined) this.misses++;
    else this.hits++;
    return value;
  }

  #decode<T>(key: string, decode: (functions: string) => T | undefined): T | undefined {
    try {
      const entry = entrySchema.safeParse(JSON.parse(readFileSync(this.#path(key), 'utf8')));
      return entry.success && sha256(entry.data.functions) === entry.data.sha256 ? decode(entry.data.functions) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores an entry. Written to a temporary file and renamed, so readers never see half of one. */
  write(key: string, functions: string): void {
    mkdirSync(this.dir, { recursive: true });
    const path = this.#path(key);
    const temporary = `${path}.${process.pid}.tmp`;
    const entry: CacheEntry = { format: CACHE_FORMAT, functions, sha256: sha256(functions) };
    writeFileSync(temporary, JSON.stringify(entry));
    renameSync(temporary, path);
  }

  /** Removes every entry. */
  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Number of entries and their total size in bytes. */
  size(): { entries: number; bytes: number } {
    let entries = 0;
    let bytes = 0;
    try {
      for (const name of readdirSync(this.dir)) {
        if (!name.endsWith('.json')) continue;
        entries++;
        bytes += statSync(join(this.dir, name)).size;
      }
    } catch {
      // No directory yet: an empty cache.
    }
    return { entries, bytes };
  }

  #path(key: string): string {
    return join(this.dir, `${key}.json`);
  }
}
