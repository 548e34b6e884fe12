// A WASI preview1 subset, enough for C programs built with wasi-libc: stdio, args, environment,
// clocks, randomness, exit, and read-only files under one preopened directory (fd 3, named ".").
// Every function is a host function of slackfuel's runtime, so it is reached through the
// wasm→host trampoline: none runs once the fuel is exhausted.
import { randomFillSync } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import type { ClifValue } from '../native/values.js';
import type { HostFunction } from '../runtime/instance.js';
import { HostStop, SlackfuelError } from '../runtime/errors.js';
import { ERRNO, FILETYPE, RIGHTS } from './errno.js';

/** Thrown by proc_exit: the program asked to exit with `code`; the call that ran it ends. */
export class WasiExit extends HostStop {
  override readonly name = 'WasiExit';
  constructor(readonly code: number) {
    super(`the program exited with code ${code}`);
  }
}

/**
 * proc_exit with a status a process cannot report (126 and above are the shell's, and WASI's
 * u32 does not fit an exit code): an error, as Wasmtime reports it, never a silent exit 0.
 */
export class WasiExitStatusError extends SlackfuelError {
  override readonly name = 'WasiExitStatusError';
  constructor(readonly status: number) {
    super(`proc_exit(${status}): exit with invalid exit status outside of [0..126)`);
  }
}

/** What the host functions need from the instance: its linear memory. */
export interface WasiMemory {
  readMemory(offset: number, length: number): Uint8Array;
  writeMemory(offset: number, bytes: Uint8Array): void;
}

export interface WasiOptions {
  /**
   * Which of fds 0, 1, 2 are terminals: those are character devices (wasi-libc's isatty says
   * yes, so stdio line-buffers); the others have filetype unknown, as Wasmtime reports stdio
   * that is not a terminal. The program's output, and its fuel, depend on it; default: none.
   */
  readonly terminals?: readonly [boolean, boolean, boolean];
  /** argv, argv[0] included. */
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Directory preopened (read-only) as "."; null for none. */
  readonly preopen: string | null;
  readonly stdout: (bytes: Uint8Array) => void;
  readonly stderr: (bytes: Uint8Array) => void;
  /** Bytes the program reads from fd 0 (default: none, end of file at once). */
  readonly stdin?: Uint8Array;
  /**
   * Fills random_get's buffer (default: the OS's random bytes). A seeded source makes runs
   * whose control flow depends on the bytes reproducible, fuel included.
   */
  readonly random?: (bytes: Uint8Array) => void;
}

interface OpenFile {
  readonly kind: 'file' | 'dir';
  readonly path: string;
  readonly data: Uint8Array;
  position: number;
}

const PREOPEN_FD = 3;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function u32(v: ClifValue): number {
  return Number(v) >>> 0;
}

/** Marks around the measured region (`bench.start` / `bench.end`). */
export interface BenchMarks {
  start: bigint | null;
  end: bigint | null;
}

export class WasiHost {
  #memory: WasiMemory | undefined;
  readonly #files = new Map<number, OpenFile>();
  #nextFd = PREOPEN_FD + 1;
  #stdinPosition = 0;
  readonly marks: BenchMarks = { start: null, end: null };

  constructor(readonly options: WasiOptions) {}

  /** Connects the host to the instance whose memory it reads and writes. */
  attach(memory: WasiMemory): void {
    this.#memory = memory;
  }

  get #mem(): WasiMemory {
    if (this.#memory === undefined) throw new SlackfuelError('WASI host functions called before the instance was attached');
    return this.#memory;
  }

  #view(ptr: number, length: number): DataView {
    const bytes = this.#mem.readMemory(ptr, length);
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #writeU32(ptr: number, value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0, true);
    this.#mem.writeMemory(ptr, b);
  }

  #writeU64(ptr: number, value: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.#mem.writeMemory(ptr, b);
  }

  /** The (pointer, length) pairs of an iovec array. */
  #iovecs(iovs: number, count: number): [number, number][] {
    const view = this.#view(iovs, count * 8);
    return Array.from({ length: count }, (_, i) => [view.getUint32(i * 8, true), view.getUint32(i * 8 + 4, true)]);
  }

  #strings(list: readonly string[], sizesOnly: false, ptrs: number, buf: number): number;
  #strings(list: readonly string[], sizesOnly: true, countPtr: number, sizePtr: number): number;
  #strings(list: readonly string[], sizesOnly: boolean, a: number, b: number): number {
    const encoded = list.map((s) => encoder.encode(`${s}\0`));
    if (sizesOnly) {
      this.#writeU32(a, encoded.length);
      this.#writeU32(b, encoded.reduce((n, e) => n + e.length, 0));
      return ERRNO.success;
    }
    let offset = b;
    encoded.forEach((e, i) => {
      this.#writeU32(a + 4 * i, offset);
      this.#mem.writeMemory(offset, e);
      offset += e.length;
    });
    return ERRNO.success;
  }

  /** Resolves a path under the preopened directory; undefined if it would leave it. */
  #resolve(dirFd: number, path: string): string | undefined {
    if (dirFd !== PREOPEN_FD || this.options.preopen === null) return undefined;
    if (isAbsolute(path)) return undefined;
    const normal = normalize(path);
    if (normal === '..' || normal.startsWith(`..${sep}`)) return undefined;
    return join(this.options.preopen, normal);
  }

  #stat(path: string): Stats | undefined {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  }

  #writeFilestat(ptr: number, st: Stats): void {
    const b = new Uint8Array(64);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, BigInt(st.dev), true);
    v.setBigUint64(8, BigInt(st.ino), true);
    v.setUint8(16, st.isDirectory() ? FILETYPE.directory : st.isFile() ? FILETYPE.regularFile : FILETYPE.unknown);
    v.setBigUint64(24, BigInt(st.nlink), true);
    v.setBigUint64(32, BigInt(st.size), true);
    const ns = (ms: number) => BigInt(Math.round(ms * 1e6));
    v.setBigUint64(40, ns(st.atimeMs), true);
    v.setBigUint64(48, ns(st.mtimeMs), true);
    v.setBigUint64(56, ns(st.ctimeMs), true);
    this.#mem.writeMemory(ptr, b);
  }

  readonly #functions: Record<string, HostFunction> = {
    args_sizes_get: (countPtr, sizePtr) => this.#strings(this.options.args, true, u32(countPtr), u32(sizePtr)),
    args_get: (ptrs, buf) => this.#strings(this.options.args, false, u32(ptrs), u32(buf)),
    environ_sizes_get: (countPtr, sizePtr) => this.#strings(this.#environ(), true, u32(countPtr), u32(sizePtr)),
    environ_get: (ptrs, buf) => this.#strings(this.#environ(), false, u32(ptrs), u32(buf)),
    fd_write: (fd, iovs, count, nwritten) => {
      const out = u32(fd) === 1 ? this.options.stdout : u32(fd) === 2 ? this.options.stderr : undefined;
      if (out === undefined) return this.#files.has(u32(fd)) || u32(fd) === PREOPEN_FD ? ERRNO.notcapable : ERRNO.badf;
      // Like Wasmtime's preview1 fd_write: only the first non-empty buffer is written, and
      // wasi-libc loops for the rest. The loop is guest code, so this is visible in the fuel.
      const first = this.#iovecs(u32(iovs), u32(count)).find(([, len]) => len > 0);
      if (first !== undefined) out(this.#mem.readMemory(first[0], first[1]));
      this.#writeU32(u32(nwritten), first?.[1] ?? 0);
      return ERRNO.success;
    },
    fd_read: (fd, iovs, count, nread) => {
      const f = u32(fd);
      let source: { data: Uint8Array; position: number; advance: (n: number) => void };
      if (f === 0) {
        const data = this.options.stdin ?? new Uint8Array();
        source = { data, position: this.#stdinPosition, advance: (n) => (this.#stdinPosition += n) };
      } else {
        const file = this.#files.get(f);
        if (file === undefined) return f === 1 || f === 2 ? ERRNO.notcapable : ERRNO.badf;
        if (file.kind === 'dir') return ERRNO.isdir;
        source = { data: file.data, position: file.position, advance: (n) => (file.position += n) };
      }
      // Like Wasmtime's preview1 fd_read: only the first non-empty buffer is filled.
      const first = this.#iovecs(u32(iovs), u32(count)).find(([, len]) => len > 0);
      const chunk = first === undefined ? new Uint8Array() : source.data.subarray(source.position, source.position + first[1]);
      if (first !== undefined && chunk.length > 0) this.#mem.writeMemory(first[0], chunk);
      source.advance(chunk.length);
      this.#writeU32(u32(nread), chunk.length);
      return ERRNO.success;
    },
    fd_seek: (fd, offset, whence, newOffset) => {
      const file = this.#files.get(u32(fd));
      if (file === undefined) return u32(fd) <= 2 ? ERRNO.spipe : ERRNO.badf;
      if (file.kind === 'dir') return ERRNO.isdir;
      const base = [0, file.position, file.data.length][u32(whence)];
      if (base === undefined) return ERRNO.inval;
      const target = BigInt(base) + BigInt(offset);
      if (target < 0n) return ERRNO.inval;
      file.position = Number(target);
      this.#writeU64(u32(newOffset), target);
      return ERRNO.success;
    },
    fd_close: (fd) => {
      if (!this.#files.delete(u32(fd))) return ERRNO.badf;
      return ERRNO.success;
    },
    fd_fdstat_get: (fd, ptr) => {
      const f = u32(fd);
      const file = this.#files.get(f);
      let filetype: number;
      let rights: bigint;
      if (f <= 2) {
        filetype = this.options.terminals?.[f] === true ? FILETYPE.characterDevice : FILETYPE.unknown;
        rights = f === 0 ? RIGHTS.fdRead : RIGHTS.fdWrite | RIGHTS.fdFdstatSetFlags;
      } else if (f === PREOPEN_FD && this.options.preopen !== null) {
        filetype = FILETYPE.directory;
        rights = RIGHTS.pathOpen | RIGHTS.pathFilestatGet | RIGHTS.fdReaddir | RIGHTS.fdFilestatGet;
      } else if (file !== undefined) {
        filetype = file.kind === 'dir' ? FILETYPE.directory : FILETYPE.regularFile;
        rights = file.kind === 'dir' ? RIGHTS.pathOpen | RIGHTS.pathFilestatGet : RIGHTS.fdRead | RIGHTS.fdSeek | RIGHTS.fdTell | RIGHTS.fdFilestatGet;
      } else {
        return ERRNO.badf;
      }
      const b = new Uint8Array(24);
      const v = new DataView(b.buffer);
      v.setUint8(0, filetype);
      v.setUint16(2, 0, true);
      v.setBigUint64(8, rights, true);
      v.setBigUint64(16, file?.kind === 'dir' || f === PREOPEN_FD ? RIGHTS.fdRead | RIGHTS.fdSeek | RIGHTS.fdTell | RIGHTS.fdFilestatGet | RIGHTS.pathOpen | RIGHTS.pathFilestatGet : 0n, true);
      this.#mem.writeMemory(u32(ptr), b);
      return ERRNO.success;
    },
    fd_fdstat_set_flags: (fd, flags) => {
      const f = u32(fd);
      if (f > 2 && !this.#files.has(f) && f !== PREOPEN_FD) return ERRNO.badf;
      // Only "no flags" is supported (append, nonblock, sync would need a writable file).
      return u32(flags) === 0 ? ERRNO.success : ERRNO.notsup;
    },
    fd_prestat_get: (fd, ptr) => {
      if (u32(fd) !== PREOPEN_FD || this.options.preopen === null) return ERRNO.badf;
      const b = new Uint8Array(8);
      new DataView(b.buffer).setUint32(4, 1, true); // tag 0 = directory, name "." (1 byte)
      this.#mem.writeMemory(u32(ptr), b);
      return ERRNO.success;
    },
    fd_prestat_dir_name: (fd, ptr, len) => {
      if (u32(fd) !== PREOPEN_FD || this.options.preopen === null) return ERRNO.badf;
      if (u32(len) < 1) return ERRNO.inval;
      this.#mem.writeMemory(u32(ptr), encoder.encode('.'));
      return ERRNO.success;
    },
    path_open: (dirFd, _dirflags, pathPtr, pathLen, oflags, rightsBase, _rightsInheriting, fdflags, fdPtr) => {
      const path = decoder.decode(this.#mem.readMemory(u32(pathPtr), u32(pathLen)));
      const resolved = this.#resolve(u32(dirFd), path);
      if (resolved === undefined) return u32(dirFd) === PREOPEN_FD ? ERRNO.notcapable : ERRNO.badf;
      const o = u32(oflags);
      const creates = (o & 1) !== 0 || (o & 4) !== 0 || (o & 8) !== 0; // creat, excl, trunc
      const writes = (BigInt(rightsBase) & RIGHTS.fdWrite) !== 0n || (u32(fdflags) & 1) !== 0; // fd_write or append
      const st = this.#stat(resolved);
      if (st === undefined) return creates ? ERRNO.rofs : ERRNO.noent;
      if (creates || writes) return st.isDirectory() ? ERRNO.isdir : ERRNO.rofs;
      const wantsDir = (o & 2) !== 0;
      if (wantsDir && !st.isDirectory()) return ERRNO.notdir;
      const kind = st.isDirectory() ? 'dir' : 'file';
      const data = kind === 'file' ? new Uint8Array(readFileSync(resolved)) : new Uint8Array();
      const fd = this.#nextFd++;
      this.#files.set(fd, { kind, path: resolved, data, position: 0 });
      this.#writeU32(u32(fdPtr), fd);
      return ERRNO.success;
    },
    path_filestat_get: (dirFd, _flags, pathPtr, pathLen, ptr) => {
      const path = decoder.decode(this.#mem.readMemory(u32(pathPtr), u32(pathLen)));
      const resolved = this.#resolve(u32(dirFd), path);
      if (resolved === undefined) return u32(dirFd) === PREOPEN_FD ? ERRNO.notcapable : ERRNO.badf;
      const st = this.#stat(resolved);
      if (st === undefined) return ERRNO.noent;
      this.#writeFilestat(u32(ptr), st);
      return ERRNO.success;
    },
    clock_time_get: (id, _precision, ptr) => {
      const clock = u32(id);
      let now: bigint;
      if (clock === 0) now = BigInt(Date.now()) * 1_000_000n;
      else if (clock === 1 || clock === 2 || clock === 3) now = process.hrtime.bigint();
      else return ERRNO.inval;
      this.#writeU64(u32(ptr), now);
      return ERRNO.success;
    },
    random_get: (ptr, len) => {
      const bytes = new Uint8Array(u32(len));
      (this.options.random ?? randomFillSync)(bytes);
      this.#mem.writeMemory(u32(ptr), bytes);
      return ERRNO.success;
    },
    proc_exit: (code) => {
      const status = u32(code);
      if (status >= 126) throw new WasiExitStatusError(status);
      throw new WasiExit(status);
    },
  };

  #environ(): string[] {
    return Object.entries(this.options.env).map(([k, v]) => `${k}=${v}`);
  }

  /** The import object: `wasi_snapshot_preview1` and `bench`. */
  imports(): Record<string, Record<string, HostFunction>> {
    return {
      wasi_snapshot_preview1: { ...this.#functions },
      bench: {
        start: () => {
          this.marks.start = process.hrtime.bigint();
        },
        end: () => {
          this.marks.end = process.hrtime.bigint();
        },
      },
    };
  }
}
