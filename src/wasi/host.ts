// WASI preview1 for C programs built with wasi-libc: stdio, args, environment, clocks,
// randomness, poll_oneoff, exit, and read-only files under one preopened directory (fd 3, named
// "."), reached through real host file descriptors. Paths resolve through sandbox.ts, so no
// `..`, absolute path or symlink leaves the preopen.
// Every function is a host function of slackfuel's runtime, so it is reached through the
// wasm→host trampoline: none runs once the fuel is exhausted.
import { randomFillSync } from 'node:crypto';
import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  futimesSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  readSync,
  renameSync,
  rmdirSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
  type Stats,
} from 'node:fs';
import type { ClifValue } from '../native/values.js';
import type { HostFunction } from '../runtime/instance.js';
import { HostStop, SlackfuelError } from '../runtime/errors.js';
import { ALL_RIGHTS, ERRNO, FDFLAGS, FILETYPE, RIGHTS } from './errno.js';
import { fdPath, openResolved, PINNED, resolveBeneath, wasiErrno, type Resolved } from './sandbox.js';
import { hasClock, missingClockErrno, readClock, systemClocks, type WasiClocks } from './clocks.js';
import { pollOneoff } from './poll.js';

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
  /** Directory preopened (read-only) as "."; null for none. Ignored when `preopens` is given. */
  readonly preopen: string | null;
  /** Directories preopened read-only, at fds 3, 4, ... in this order (`--dir HOST::GUEST`). */
  readonly preopens?: readonly Preopen[];
  readonly stdout: (bytes: Uint8Array) => void;
  readonly stderr: (bytes: Uint8Array) => void;
  /** Bytes the program reads from fd 0 (default: none, end of file at once). */
  readonly stdin?: Uint8Array;
  /**
   * Fills random_get's buffer (default: the OS's random bytes). A seeded source makes runs
   * whose control flow depends on the bytes reproducible, fuel included.
   */
  readonly random?: (bytes: Uint8Array) => void;
  /** The clocks the program reads (default: the host's); deterministic.ts has fixed ones. */
  readonly clocks?: WasiClocks;
}

/** A host directory the guest sees under the name `guest`. */
export interface Preopen {
  readonly host: string;
  readonly guest: string;
  /** Whether the guest may create, write, rename and remove beneath it (default: read-only). */
  readonly writable?: boolean;
}

interface OpenFile {
  readonly kind: 'file' | 'dir';
  /** The host path it was opened at; a directory's is the root its own path_* calls resolve under. */
  readonly path: string;
  /** The host file descriptor (closed by fd_close). */
  readonly fd: number;
  /** Opened beneath a writable preopen; for a file, opened for writing too. */
  readonly writable: boolean;
  /** fdflags.append: every write goes to the end (fd_fdstat_set_flags may change it). */
  append: boolean;
  /** fdflags.nonblock: only reported back (files never block here), as Wasmtime keeps it. */
  nonblocking: boolean;
  /** path_open asked for fd_read / fd_write: Wasmtime's open mode, which fdstat reports. */
  readonly readRight: boolean;
  readonly writeRight: boolean;
  position: bigint;
}

const PREOPEN_FD = 3;

/** What fd_fdstat_get reports for a preopened directory: the fixed sets Wasmtime's p1 reports. */
const PREOPEN_RIGHTS =
  RIGHTS.pathCreateDirectory | RIGHTS.pathCreateFile | RIGHTS.pathLinkSource | RIGHTS.pathLinkTarget | RIGHTS.pathOpen | RIGHTS.fdReaddir |
  RIGHTS.pathReadlink | RIGHTS.pathRenameSource | RIGHTS.pathRenameTarget | RIGHTS.pathSymlink | RIGHTS.pathRemoveDirectory |
  RIGHTS.pathUnlinkFile | RIGHTS.pathFilestatGet | RIGHTS.pathFilestatSetTimes | RIGHTS.fdFilestatGet | RIGHTS.fdFilestatSetTimes;
const PREOPEN_INHERITING =
  PREOPEN_RIGHTS | RIGHTS.fdDatasync | RIGHTS.fdRead | RIGHTS.fdSeek | RIGHTS.fdFdstatSetFlags | RIGHTS.fdSync | RIGHTS.fdTell | RIGHTS.fdWrite |
  RIGHTS.fdAdvise | RIGHTS.fdAllocate | RIGHTS.fdFilestatGet | RIGHTS.fdFilestatSetSize | RIGHTS.fdFilestatSetTimes | RIGHTS.pollFdReadwrite;
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
  readonly #preopens = new Map<number, Preopen>();
  /** Releases of the directory fds the current host call's resolutions hold (see sandbox.ts). */
  readonly #held: (() => void)[] = [];
  #nextFd: number;
  #stdinPosition = 0;
  readonly marks: BenchMarks = { start: null, end: null };

  constructor(readonly options: WasiOptions) {
    const list = options.preopens ?? (options.preopen === null ? [] : [{ host: options.preopen, guest: '.' }]);
    list.forEach((p, i) => {
      // Checked now, not at the guest's first open: a typo in --dir is the user's error.
      let st: Stats;
      try {
        st = statSync(p.host);
      } catch {
        throw new SlackfuelError(`preopened directory ${p.host} does not exist`);
      }
      if (!st.isDirectory()) throw new SlackfuelError(`preopened ${p.host} is not a directory`);
      this.#preopens.set(PREOPEN_FD + i, p);
    });
    this.#nextFd = PREOPEN_FD + list.length;
  }

  /** Closes the host fds the guest left open (the run is over; they would leak otherwise). */
  close(): void {
    for (const file of this.#files.values()) closeSync(file.fd);
    this.#files.clear();
  }

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

  /** The host directory a path_* call on `dirFd` resolves under, or the errno why there is none. */
  #dirRoot(dirFd: number): string | number {
    const pre = this.#preopens.get(dirFd);
    if (pre !== undefined) return pre.host;
    const f = this.#files.get(dirFd);
    if (f === undefined) return ERRNO.badf;
    return f.kind === 'dir' ? f.path : ERRNO.notdir;
  }

  /** Whether path_* calls on `dirFd` may change the tree. */
  #treeWritable(dirFd: number): boolean {
    return this.#preopens.get(dirFd)?.writable ?? this.#files.get(dirFd)?.writable ?? false;
  }

  /** Resolves a guest path (read from memory) beneath `dirFd`'s directory; see sandbox.ts. */
  #resolve(dirFd: number, pathPtr: number, pathLen: number, follow: boolean): Resolved {
    const root = this.#dirRoot(dirFd);
    if (typeof root === 'number') return { ok: false, errno: root };
    const path = decoder.decode(this.#mem.readMemory(pathPtr, pathLen));
    try {
      const r = resolveBeneath(root, path, follow);
      if (r.ok) this.#held.push(r.release);
      return r;
    } catch (error) {
      return { ok: false, errno: wasiErrno(error) };
    }
  }

  #writeFilestat(ptr: number, st: Stats): void {
    const b = new Uint8Array(64);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, BigInt(st.dev), true);
    v.setBigUint64(8, BigInt(st.ino), true);
    v.setUint8(16, filetypeOf(st));
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
      if (out === undefined) return this.#writeFile(u32(fd), u32(iovs), u32(count), u32(nwritten), null);
      const buffer = this.#firstBuffer(u32(iovs), u32(count));
      if (buffer !== undefined) out(this.#mem.readMemory(buffer[0], buffer[1]));
      this.#writeU32(u32(nwritten), buffer?.[1] ?? 0);
      return ERRNO.success;
    },
    fd_read: (fd, iovs, count, nread) => this.#read(u32(fd), u32(iovs), u32(count), u32(nread), null),
    fd_pread: (fd, iovs, count, offset, nread) => this.#read(u32(fd), u32(iovs), u32(count), u32(nread), BigInt.asUintN(64, BigInt(offset))),
    fd_seek: (fd, offset, whence, newOffset) => {
      const file = this.#files.get(u32(fd));
      if (file === undefined) return u32(fd) <= 2 ? ERRNO.spipe : ERRNO.badf;
      if (file.kind === 'dir') return ERRNO.isdir;
      const w = u32(whence);
      if (w > 2) return ERRNO.inval;
      const base = w === 0 ? 0n : w === 1 ? file.position : BigInt(fstatSync(file.fd).size);
      const target = base + BigInt.asIntN(64, BigInt(offset));
      if (target < 0n) return ERRNO.inval;
      file.position = target;
      this.#writeU64(u32(newOffset), target);
      return ERRNO.success;
    },
    fd_tell: (fd, ptr) => {
      const file = this.#files.get(u32(fd));
      if (file === undefined) return u32(fd) <= 2 ? ERRNO.spipe : ERRNO.badf;
      if (file.kind === 'dir') return ERRNO.isdir;
      this.#writeU64(u32(ptr), file.position);
      return ERRNO.success;
    },
    fd_close: (fd) => {
      const file = this.#files.get(u32(fd));
      if (file === undefined) return ERRNO.badf;
      this.#files.delete(u32(fd));
      closeSync(file.fd);
      return ERRNO.success;
    },
    fd_renumber: (from, to) => {
      const file = this.#files.get(u32(from));
      const target = this.#files.get(u32(to));
      if (file === undefined || target === undefined) return ERRNO.badf;
      if (u32(from) === u32(to)) return ERRNO.success;
      closeSync(target.fd);
      this.#files.set(u32(to), file);
      this.#files.delete(u32(from));
      return ERRNO.success;
    },
    fd_filestat_get: (fd, ptr) => {
      const f = u32(fd);
      if (f <= 2) {
        // Stdio has no host identity the guest may see; its type is the one fd_fdstat_get reports.
        const b = new Uint8Array(64);
        b[16] = this.options.terminals?.[f] === true ? FILETYPE.characterDevice : FILETYPE.unknown;
        this.#mem.writeMemory(u32(ptr), b);
        return ERRNO.success;
      }
      const file = this.#files.get(f);
      let st: Stats;
      if (file !== undefined) st = fstatSync(file.fd);
      else {
        const pre = this.#preopens.get(f);
        if (pre === undefined) return ERRNO.badf;
        st = statSync(pre.host);
      }
      this.#writeFilestat(u32(ptr), st);
      return ERRNO.success;
    },
    fd_sync: (fd) => this.#sync(u32(fd), fsyncSync),
    fd_datasync: (fd) => this.#sync(u32(fd), fdatasyncSync),
    fd_advise: (fd, _offset, _len, advice) => {
      if (!this.#files.has(u32(fd))) return ERRNO.badf;
      // Only a hint: Node cannot pass it to posix_fadvise, and ignoring it changes no result.
      return u32(advice) <= 5 ? ERRNO.success : ERRNO.inval;
    },
    fd_allocate: (fd) => (this.#files.has(u32(fd)) ? ERRNO.notsup : ERRNO.badf), // Wasmtime's p1 answer for every file
    fd_readdir: (fd, buf, bufLen, cookie, usedPtr) => this.#readdir(u32(fd), u32(buf), u32(bufLen), BigInt.asUintN(64, BigInt(cookie)), u32(usedPtr)),
    fd_fdstat_get: (fd, ptr) => {
      const stat = this.#fdstat(u32(fd));
      if (stat === null) return ERRNO.badf;
      const b = new Uint8Array(24);
      const v = new DataView(b.buffer);
      v.setUint8(0, stat.filetype);
      v.setUint16(2, stat.flags, true);
      v.setBigUint64(8, stat.base, true);
      v.setBigUint64(16, stat.inheriting, true);
      this.#mem.writeMemory(u32(ptr), b);
      return ERRNO.success;
    },
    // As Wasmtime's p1: only an open file's append and nonblock flags can change; the sync
    // flags are EINVAL, and stdio and directories are EBADF.
    fd_fdstat_set_flags: (fd, flags) => {
      const file = this.#files.get(u32(fd));
      if (file === undefined || file.kind !== 'file') return ERRNO.badf;
      const f = u32(flags);
      if ((f & (FDFLAGS.dsync | FDFLAGS.rsync | FDFLAGS.sync)) !== 0) return ERRNO.inval;
      file.append = (f & FDFLAGS.append) !== 0;
      file.nonblocking = (f & FDFLAGS.nonblock) !== 0;
      return ERRNO.success;
    },
    fd_prestat_get: (fd, ptr) => {
      const pre = this.#preopens.get(u32(fd));
      if (pre === undefined) return ERRNO.badf;
      const b = new Uint8Array(8);
      new DataView(b.buffer).setUint32(4, encoder.encode(pre.guest).length, true); // tag 0 = directory
      this.#mem.writeMemory(u32(ptr), b);
      return ERRNO.success;
    },
    fd_prestat_dir_name: (fd, ptr, len) => {
      const pre = this.#preopens.get(u32(fd));
      if (pre === undefined) return ERRNO.badf;
      const name = encoder.encode(pre.guest);
      if (u32(len) < name.length) return ERRNO.nametoolong;
      this.#mem.writeMemory(u32(ptr), name);
      return ERRNO.success;
    },
    path_open: (dirFd, dirflags, pathPtr, pathLen, oflags, rightsBase, _rightsInheriting, fdflags, fdPtr) => {
      const resolved = this.#resolve(u32(dirFd), u32(pathPtr), u32(pathLen), (u32(dirflags) & 1) !== 0);
      if (!resolved.ok) return resolved.errno;
      const o = u32(oflags);
      const creates = (o & 1) !== 0 || (o & 4) !== 0 || (o & 8) !== 0; // creat, excl, trunc
      const writes = (BigInt(rightsBase) & RIGHTS.fdWrite) !== 0n || (u32(fdflags) & 1) !== 0; // fd_write or append
      const st = resolved.stat;
      const treeWritable = this.#treeWritable(u32(dirFd));
      // A read-only preopen: Wasmtime refuses creating and writing with NotPermitted, first.
      if ((creates || writes) && !treeWritable) return st?.isDirectory() === true ? ERRNO.isdir : ERRNO.perm;
      if ((o & 4) !== 0 && (o & 1) !== 0 && st !== null) return ERRNO.exist;
      if (st === null && (o & 1) === 0) return ERRNO.noent;
      const wantsDir = (o & 2) !== 0;
      if (wantsDir && st !== null && !st.isDirectory() && !st.isSymbolicLink()) return ERRNO.notdir;
      if (writes && st?.isDirectory() === true) return ERRNO.isdir;
      const reads = (BigInt(rightsBase) & RIGHTS.fdRead) !== 0n || !writes;
      const access = writes ? (reads ? constants.O_RDWR : constants.O_WRONLY) : constants.O_RDONLY;
      const flags =
        access |
        (wantsDir ? constants.O_DIRECTORY : 0) |
        ((o & 1) !== 0 ? constants.O_CREAT : 0) |
        ((o & 4) !== 0 ? constants.O_EXCL : 0) |
        ((o & 8) !== 0 ? constants.O_TRUNC : 0);
      const opened = openResolved(resolved, flags);
      if (!opened.ok) return opened.errno;
      const fd = this.#nextFd++;
      const kind = opened.stat.isDirectory() ? 'dir' : 'file';
      this.#files.set(fd, {
        kind,
        // A directory is a root for later path_* calls: named by its own fd where we can, so
        // renaming it or swapping it for a symlink cannot move what it refers to.
        path: PINNED ? fdPath(opened.fd) : resolved.hostPath,
        fd: opened.fd,
        position: 0n,
        writable: kind === 'dir' ? treeWritable : writes,
        append: (u32(fdflags) & FDFLAGS.append) !== 0,
        nonblocking: (u32(fdflags) & FDFLAGS.nonblock) !== 0,
        readRight: (BigInt(rightsBase) & RIGHTS.fdRead) !== 0n,
        writeRight: (BigInt(rightsBase) & RIGHTS.fdWrite) !== 0n,
      });
      this.#writeU32(u32(fdPtr), fd);
      return ERRNO.success;
    },
    path_filestat_get: (dirFd, flags, pathPtr, pathLen, ptr) => {
      const resolved = this.#resolve(u32(dirFd), u32(pathPtr), u32(pathLen), (u32(flags) & 1) !== 0);
      if (!resolved.ok) return resolved.errno;
      if (resolved.stat === null) return ERRNO.noent;
      this.#writeFilestat(u32(ptr), resolved.stat);
      return ERRNO.success;
    },
    path_readlink: (dirFd, pathPtr, pathLen, buf, bufLen, usedPtr) => {
      const resolved = this.#resolve(u32(dirFd), u32(pathPtr), u32(pathLen), false);
      if (!resolved.ok) return resolved.errno;
      if (resolved.stat === null) return ERRNO.noent;
      if (!resolved.stat.isSymbolicLink()) return ERRNO.inval;
      const target = encoder.encode(readlinkSync(resolved.hostPath));
      const n = Math.min(target.length, u32(bufLen));
      this.#mem.writeMemory(u32(buf), target.subarray(0, n));
      this.#writeU32(u32(usedPtr), n);
      return ERRNO.success;
    },
    // Changes to the tree: refused with EPERM beneath a read-only preopen (after the path checks,
    // so an escape still reads as an escape), as Wasmtime does for a directory without write
    // permission. Final symlinks are never followed (the entry itself is what changes).
    path_create_directory: (dirFd, pathPtr, pathLen) => this.#change(u32(dirFd), u32(pathPtr), u32(pathLen), (p) => mkdirSync(p)),
    path_remove_directory: (dirFd, pathPtr, pathLen) => this.#change(u32(dirFd), u32(pathPtr), u32(pathLen), (p) => rmdirSync(p)),
    path_unlink_file: (dirFd, pathPtr, pathLen) =>
      this.#change(u32(dirFd), u32(pathPtr), u32(pathLen), (p, st) => {
        if (st?.isDirectory() === true) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
        unlinkSync(p);
      }),
    path_filestat_set_times: (dirFd, flags, pathPtr, pathLen, atim, mtim, fstFlags) => {
      const r = this.#resolve(u32(dirFd), u32(pathPtr), u32(pathLen), (u32(flags) & 1) !== 0);
      if (!r.ok) return r.errno;
      if (r.stat === null) return ERRNO.noent;
      if (!this.#treeWritable(u32(dirFd))) return ERRNO.perm;
      const times = setTimes(r.stat, BigInt(atim), BigInt(mtim), u32(fstFlags));
      if (typeof times === 'number') return times;
      return tryErrno(() => (r.stat?.isSymbolicLink() === true ? lutimesSync : utimesSync)(r.hostPath, times[0], times[1]));
    },
    path_symlink: (oldPtr, oldLen, dirFd, pathPtr, pathLen) => {
      const target = decoder.decode(this.#mem.readMemory(u32(oldPtr), u32(oldLen)));
      // An absolute target could never be followed beneath the preopen: refused as cap-std does.
      if (target.startsWith('/')) return ERRNO.perm;
      return this.#change(u32(dirFd), u32(pathPtr), u32(pathLen), (p) => symlinkSync(target, p));
    },
    path_rename: (dirFd, pathPtr, pathLen, newDirFd, newPtr, newLen) => {
      const from = this.#resolve(u32(dirFd), u32(pathPtr), u32(pathLen), false);
      if (!from.ok) return from.errno;
      const to = this.#resolve(u32(newDirFd), u32(newPtr), u32(newLen), false);
      if (!to.ok) return to.errno;
      if (!this.#treeWritable(u32(dirFd)) || !this.#treeWritable(u32(newDirFd))) return ERRNO.perm;
      if (from.stat === null) return ERRNO.noent;
      return tryErrno(() => renameSync(from.hostPath, to.hostPath));
    },
    path_link: (dirFd, flags, pathPtr, pathLen, newDirFd, newPtr, newLen) => {
      const from = this.#resolve(u32(dirFd), u32(pathPtr), u32(pathLen), (u32(flags) & 1) !== 0);
      if (!from.ok) return from.errno;
      const to = this.#resolve(u32(newDirFd), u32(newPtr), u32(newLen), false);
      if (!to.ok) return to.errno;
      if (!this.#treeWritable(u32(dirFd)) || !this.#treeWritable(u32(newDirFd))) return ERRNO.perm;
      if (from.stat === null) return ERRNO.noent;
      if (to.stat !== null) return ERRNO.exist;
      return tryErrno(() => linkSync(from.hostPath, to.hostPath));
    },
    fd_filestat_set_size: (fd, size) => this.#changeFd(u32(fd), (f) => ftruncateSync(f.fd, Number(BigInt.asUintN(64, BigInt(size))))),
    fd_filestat_set_times: (fd, atim, mtim, fstFlags) => {
      const file = this.#files.get(u32(fd));
      if (file === undefined) return this.#preopens.has(u32(fd)) ? ERRNO.perm : ERRNO.badf;
      if (!file.writable) return ERRNO.perm;
      const times = setTimes(fstatSync(file.fd), BigInt(atim), BigInt(mtim), u32(fstFlags));
      if (typeof times === 'number') return times;
      return tryErrno(() => futimesSync(file.fd, times[0], times[1]));
    },
    fd_pwrite: (fd, iovs, count, offset, nwritten) =>
      u32(fd) <= 2 ? ERRNO.spipe : this.#writeFile(u32(fd), u32(iovs), u32(count), u32(nwritten), BigInt.asUintN(64, BigInt(offset))),
    poll_oneoff: (inPtr, outPtr, count, eventsPtr) =>
      pollOneoff(this.#mem, u32(inPtr), u32(outPtr), u32(count), u32(eventsPtr), (fd) => this.#readiness(fd), this.options.clocks ?? systemClocks),
    sched_yield: () => ERRNO.success,
    // No sockets are ever handed to the guest, so no fd is one (Wasmtime's p1 without sockets).
    sock_accept: (fd) => this.#notSocket(u32(fd)),
    sock_recv: (fd) => this.#notSocket(u32(fd)),
    sock_send: (fd) => this.#notSocket(u32(fd)),
    sock_shutdown: (fd) => this.#notSocket(u32(fd)),
    clock_time_get: (id, _precision, ptr) => {
      const clock = u32(id);
      const now = readClock(this.options.clocks ?? systemClocks, clock);
      if (now === null) return missingClockErrno(clock);
      this.#writeU64(u32(ptr), now);
      return ERRNO.success;
    },
    clock_res_get: (id, ptr) => {
      const clock = u32(id);
      if (!hasClock(clock)) return missingClockErrno(clock);
      this.#writeU64(u32(ptr), 1n); // both clocks here are read in nanoseconds
      return ERRNO.success;
    },
    // Rights are not enforced (Wasmtime's p1 dropped them): narrowing them is ENOTSUP on an open
    // file or directory, EBADF on stdio and closed fds, as Wasmtime answers.
    fd_fdstat_set_rights: (fd) => (this.#files.has(u32(fd)) || this.#preopens.has(u32(fd)) ? ERRNO.notsup : ERRNO.badf),
    random_get: (ptr, len) => {
      const bytes = new Uint8Array(u32(len));
      (this.options.random ?? randomFillSync)(bytes);
      this.#mem.writeMemory(u32(ptr), bytes);
      return ERRNO.success;
    },
    // Signals do not exist for a guest; Wasmtime's p1 answers ENOTSUP as well.
    proc_raise: () => ERRNO.notsup,
    proc_exit: (code) => {
      const status = u32(code);
      if (status >= 126) throw new WasiExitStatusError(status);
      throw new WasiExit(status);
    },
  };

  /**
   * The buffers a read or write moves: like Wasmtime's preview1, only the first non-empty one
   * (wasi-libc loops for the rest, in guest code, so this is visible in the fuel).
   */
  #firstBuffer(iovs: number, count: number): [number, number] | undefined {
    return this.#iovecs(iovs, count).find(([, len]) => len > 0);
  }

  #read(fd: number, iovs: number, count: number, nreadPtr: number, at: bigint | null): number {
    const buffer = this.#firstBuffer(iovs, count);
    let n = 0;
    if (fd === 0) {
      if (at !== null) return ERRNO.spipe;
      const data = this.options.stdin ?? new Uint8Array();
      if (buffer !== undefined) {
        const chunk = data.subarray(this.#stdinPosition, this.#stdinPosition + buffer[1]);
        if (chunk.length > 0) this.#mem.writeMemory(buffer[0], chunk);
        this.#stdinPosition += chunk.length;
        n = chunk.length;
      }
    } else {
      const file = this.#files.get(fd);
      if (file === undefined) return ERRNO.badf;
      if (file.kind === 'dir') return ERRNO.isdir;
      if (buffer !== undefined) {
        const position = at ?? file.position;
        const chunk = new Uint8Array(buffer[1]);
        try {
          n = readSync(file.fd, chunk, 0, buffer[1], position);
        } catch (error) {
          return wasiErrno(error);
        }
        if (n > 0) this.#mem.writeMemory(buffer[0], chunk.subarray(0, n));
        if (at === null) file.position = position + BigInt(n);
      }
    }
    this.#writeU32(nreadPtr, n);
    return ERRNO.success;
  }

  #sync(fd: number, how: (fd: number) => void): number {
    const file = this.#files.get(fd);
    if (file === undefined) return ERRNO.badf;
    try {
      how(file.fd);
      return ERRNO.success;
    } catch (error) {
      return wasiErrno(error);
    }
  }

  /** fd_readdir: ".", "..", then the entries; the cookie is the index of the next entry. */
  #readdir(fd: number, buf: number, bufLen: number, cookie: bigint, usedPtr: number): number {
    const file = this.#files.get(fd);
    const path = file?.path ?? this.#preopens.get(fd)?.host ?? null;
    if (path === null) return ERRNO.badf;
    if (file !== undefined && file.kind !== 'dir') return ERRNO.notdir;
    const entries: [string, number][] = [
      ['.', FILETYPE.directory],
      ['..', FILETYPE.directory],
      ...readdirSync(path, { withFileTypes: true }).map((e): [string, number] => [e.name, e.isDirectory() ? FILETYPE.directory : e.isFile() ? FILETYPE.regularFile : e.isSymbolicLink() ? FILETYPE.symbolicLink : FILETYPE.unknown]),
    ];
    const out: Uint8Array[] = [];
    for (let i = Number(cookie); i < entries.length; i++) {
      const [name, type] = entries[i] as [string, number];
      const nameBytes = encoder.encode(name);
      const d = new Uint8Array(24 + nameBytes.length);
      const v = new DataView(d.buffer);
      v.setBigUint64(0, BigInt(i + 1), true);
      v.setBigUint64(8, name === '.' || name === '..' ? 0n : BigInt(lstatSync(`${path}/${name}`).ino), true);
      v.setUint32(16, nameBytes.length, true);
      v.setUint8(20, type);
      d.set(nameBytes, 24);
      out.push(d);
      if (out.reduce((n, x) => n + x.length, 0) >= bufLen) break;
    }
    // A full buffer (bufused == buf_len) tells wasi-libc to call again with a bigger one.
    const all = new Uint8Array(out.reduce((n, x) => n + x.length, 0));
    let o = 0;
    for (const x of out) {
      all.set(x, o);
      o += x.length;
    }
    const used = Math.min(all.length, bufLen);
    this.#mem.writeMemory(buf, all.subarray(0, used));
    this.#writeU32(usedPtr, used);
    return ERRNO.success;
  }

  /** A path_* change of one entry: resolved without following it, EPERM if read-only. */
  #change(dirFd: number, pathPtr: number, pathLen: number, apply: (hostPath: string, stat: Stats | null) => void): number {
    const r = this.#resolve(dirFd, pathPtr, pathLen, false);
    if (!r.ok) return r.errno;
    if (!this.#treeWritable(dirFd)) return ERRNO.perm;
    return tryErrno(() => apply(r.hostPath, r.stat));
  }

  #changeFd(fd: number, apply: (file: OpenFile) => void): number {
    const file = this.#files.get(fd);
    if (file === undefined) return this.#preopens.has(fd) ? ERRNO.perm : ERRNO.badf;
    if (file.kind === 'dir') return ERRNO.isdir;
    if (!file.writable) return ERRNO.perm;
    return tryErrno(() => apply(file));
  }

  /** fd_write / fd_pwrite on a file: at `at`, else at the position (the end when appending). */
  #writeFile(fd: number, iovs: number, count: number, nwrittenPtr: number, at: bigint | null): number {
    const file = this.#files.get(fd);
    if (file === undefined || file.kind === 'dir' || !file.writable) return ERRNO.badf; // not open for writing
    const buffer = this.#firstBuffer(iovs, count);
    let n = 0;
    if (buffer !== undefined) {
      const position = at ?? (file.append ? BigInt(fstatSync(file.fd).size) : file.position);
      try {
        n = writeSync(file.fd, this.#mem.readMemory(buffer[0], buffer[1]), 0, buffer[1], Number(position));
      } catch (error) {
        return wasiErrno(error);
      }
      if (at === null) file.position = position + BigInt(n);
    }
    this.#writeU32(nwrittenPtr, n);
    return ERRNO.success;
  }

  #notSocket(fd: number): number {
    return fd <= 2 || this.#files.has(fd) || this.#preopens.has(fd) ? ERRNO.notsock : ERRNO.badf;
  }

  /** For poll_oneoff: bytes ready to read on fd (stdin, a file), writable (stdout, stderr), or badf. */
  /** fd_fdstat_get's answer, as Wasmtime's p1 computes it; null for an fd that is not open. */
  #fdstat(fd: number): { filetype: number; flags: number; base: bigint; inheriting: bigint } | null {
    if (fd <= 2) {
      const filetype = this.options.terminals?.[fd] === true ? FILETYPE.characterDevice : FILETYPE.unknown;
      const rights = fd === 0 ? RIGHTS.fdRead : RIGHTS.fdWrite;
      return { filetype, flags: 0, base: rights, inheriting: rights };
    }
    if (this.#preopens.has(fd)) return { filetype: FILETYPE.directory, flags: 0, base: PREOPEN_RIGHTS, inheriting: PREOPEN_INHERITING };
    const file = this.#files.get(fd);
    if (file === undefined) return null;
    // Every right, less what the open mode rules out; a directory is never open for fd_write.
    let base = ALL_RIGHTS;
    if (file.kind === 'dir') base &= ~(RIGHTS.fdSeek | RIGHTS.fdFilestatSetSize | RIGHTS.pathFilestatSetSize | RIGHTS.fdWrite);
    if (!file.readRight) base &= ~(RIGHTS.fdRead | RIGHTS.fdReaddir);
    if (!file.writeRight) base &= ~RIGHTS.fdWrite;
    const flags = (file.append ? FDFLAGS.append : 0) | (file.nonblocking ? FDFLAGS.nonblock : 0);
    return { filetype: file.kind === 'dir' ? FILETYPE.directory : FILETYPE.regularFile, flags, base, inheriting: base };
  }

  #readiness(fd: number): { read: bigint; write: boolean } | null {
    if (fd === 0) return { read: BigInt((this.options.stdin?.length ?? 0) - this.#stdinPosition), write: false };
    if (fd === 1 || fd === 2) return { read: 0n, write: true };
    const file = this.#files.get(fd);
    if (file === undefined || file.kind === 'dir') return null;
    const size = BigInt(fstatSync(file.fd).size);
    return { read: size > file.position ? size - file.position : 0n, write: false };
  }

  #environ(): string[] {
    return Object.entries(this.options.env).map(([k, v]) => `${k}=${v}`);
  }

  /**
   * The import object: `wasi_snapshot_preview1` and `bench`. With `memory`, the functions read
   * and write that memory rather than the attached one: each instance of a linked program gets
   * its own imports over one WASI context (one fd table), as Wasmtime's WASI uses the caller's
   * `memory` export. (WASI host functions are synchronous, so the swap lasts exactly the call.)
   */
  imports(memory?: () => WasiMemory): Record<string, Record<string, HostFunction>> {
    return {
      wasi_snapshot_preview1: Object.fromEntries(
        Object.entries(this.#functions).map(([name, f]) => [
          name,
          (...args: ClifValue[]) => {
            const attached = this.#memory;
            if (memory !== undefined) this.#memory = memory();
            try {
              return f(...args);
            } finally {
              this.#memory = attached;
              for (const release of this.#held.splice(0)) release();
            }
          },
        ]),
      ),
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

function filetypeOf(st: Stats): number {
  if (st.isDirectory()) return FILETYPE.directory;
  if (st.isFile()) return FILETYPE.regularFile;
  if (st.isSymbolicLink()) return FILETYPE.symbolicLink;
  if (st.isCharacterDevice()) return FILETYPE.characterDevice;
  if (st.isBlockDevice()) return FILETYPE.blockDevice;
  if (st.isSocket()) return FILETYPE.socketStream;
  return FILETYPE.unknown;
}

/** Runs a host fs call; its failure becomes the WASI errno. */
function tryErrno(call: () => void): number {
  try {
    call();
    return ERRNO.success;
  } catch (error) {
    return wasiErrno(error);
  }
}

/** fstflags (atim 1, atim_now 2, mtim 4, mtim_now 8) to the [atime, mtime] to set, in seconds. */
function setTimes(st: Stats, atim: bigint, mtim: bigint, flags: number): [number, number] | number {
  if ((flags & 3) === 3 || (flags & 12) === 12) return ERRNO.inval;
  const now = Date.now() / 1000;
  const pick = (set: boolean, setNow: boolean, value: bigint, current: number) => (setNow ? now : set ? Number(value) / 1e9 : current / 1000);
  return [pick((flags & 1) !== 0, (flags & 2) !== 0, atim, st.atimeMs), pick((flags & 4) !== 0, (flags & 8) !== 0, mtim, st.mtimeMs)];
}
