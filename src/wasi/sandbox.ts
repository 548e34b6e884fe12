// Path resolution beneath a preopened directory that a guest cannot escape.
//
// Node has no openat2(RESOLVE_BENEATH), and no npm package we found does this for host paths,
// so we resolve the way cap-std (Wasmtime's filesystem layer) does: one component at a time,
// never handing a guest-controlled path to the OS to resolve. `..` pops a component we already
// resolved and fails once it would climb above the root; a symlink is expanded by splicing its
// target into the components still to walk (so a `..` inside it is judged from the link's real
// location), and an absolute target or absolute path is refused.
//
// On Linux the walk holds an fd on every directory it enters (opened O_NOFOLLOW|O_DIRECTORY)
// and names the next component through `/proc/self/fd/N/name`, which the kernel looks up in
// the directory N already refers to: Node's stand-in for openat. A directory renamed or
// replaced by a symlink after we entered it cannot redirect the rest of the walk, nor the final
// operation, which uses the returned `/proc/self/fd/N/name` path while the fds are still open.
// Elsewhere the walk uses plain paths and the final open's dev/ino check (openResolved).
import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { ERRNO } from './errno.js';

/** Symlinks expanded in one resolution before ELOOP (Linux's MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

/** Whether directories can be pinned by fd (Linux procfs). */
export const PINNED = existsSync('/proc/self/fd');

/** The host path of a directory we hold an fd on, usable as a root for later resolutions. */
export function fdPath(fd: number): string {
  return `/proc/self/fd/${fd}`;
}

export type Resolved =
  | {
      readonly ok: true;
      /** Where the final entry is, for the host call (valid until `release`). */
      readonly hostPath: string;
      /** lstat of the final entry; null if it does not exist. */
      readonly stat: Stats | null;
      /** Closes the directory fds the walk holds; call once the host call is done. */
      readonly release: () => void;
    }
  | { readonly ok: false; readonly errno: number };

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if (isCode(error, 'ENOENT')) return null;
    throw error;
  }
}

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/**
 * Resolves the guest `path` relative to the host directory `root`. `followFinal`: whether a
 * symlink as the last component is followed (WASI's lookupflags.symlink_follow); symlinks in
 * the middle are always followed while they stay beneath `root`. A missing last component is
 * not an error (the caller may create it); a missing middle one is ENOENT.
 */
export function resolveBeneath(root: string, path: string, followFinal: boolean): Resolved {
  if (path.includes('\0')) return { ok: false, errno: ERRNO.inval };
  // An absolute path names something outside every preopen: Wasmtime answers EPERM.
  if (path.startsWith('/')) return { ok: false, errno: ERRNO.perm };
  const held: number[] = []; // fds of root and each directory walked into (PINNED only)
  const release = () => {
    for (const fd of held.splice(0)) closeSync(fd);
  };
  try {
    const r = walk(root, path, followFinal, held);
    if (!r.ok) release();
    return r.ok ? { ...r, release } : r;
  } catch (error) {
    release();
    throw error;
  }
}

type WalkResult = { ok: true; hostPath: string; stat: Stats | null } | { ok: false; errno: number };

function walk(root: string, path: string, followFinal: boolean, held: number[]): WalkResult {
  const fail = (errno: number): WalkResult => ({ ok: false, errno });
  const dirFlags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
  if (PINNED) held.push(openSync(root, constants.O_RDONLY | constants.O_DIRECTORY));
  const walked: string[] = [];
  const at = (name: string) => (PINNED ? `${fdPath(held[held.length - 1] as number)}/${name}` : join(root, ...walked, name));
  const mustBeDir = path.endsWith('/');
  const pending = path.split('/').reverse(); // a stack: the next component is at the end
  let links = 0;
  let lastStat: Stats = lstatSync(at('.'));
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const isLast = pending.every((c) => c === '' || c === '.');
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (walked.length === 0) return fail(ERRNO.perm);
      walked.pop();
      if (PINNED) closeSync(held.pop() as number);
      lastStat = lstatSync(at('.'));
      continue;
    }
    const st = lstatOrNull(at(name));
    if (st === null) {
      if (!isLast) return fail(ERRNO.noent);
      return { ok: true, hostPath: at(name), stat: null };
    }
    if (st.isSymbolicLink() && (!isLast || followFinal || mustBeDir)) {
      if (++links > MAX_SYMLINKS) return fail(ERRNO.loop);
      const target = readlinkSync(at(name));
      if (target.startsWith('/')) return fail(ERRNO.perm);
      pending.push(...target.split('/').reverse());
      continue;
    }
    if (!isLast && !st.isDirectory()) return fail(ERRNO.notdir);
    if (isLast) {
      if (mustBeDir && !st.isDirectory()) return fail(ERRNO.notdir);
      return { ok: true, hostPath: at(name), stat: st };
    }
    if (PINNED) {
      let fd: number;
      try {
        fd = openSync(at(name), dirFlags);
      } catch (error) {
        // Replaced since the lstat (by a symlink: ELOOP; by a file: ENOTDIR): not followed.
        return fail(isCode(error, 'ELOOP') ? ERRNO.perm : isCode(error, 'ENOTDIR') ? ERRNO.notdir : ERRNO.noent);
      }
      held.push(fd);
    }
    walked.push(name);
    lastStat = st;
  }
  // The path named a directory we walked into (".", "sub/..", "sub/"): the entry is "." in it.
  if (mustBeDir && !lastStat.isDirectory()) return fail(ERRNO.notdir);
  return { ok: true, hostPath: at('.'), stat: lastStat };
}

export type Opened = { readonly ok: true; readonly fd: number; readonly stat: Stats } | { readonly ok: false; readonly errno: number };

/** Host errno names to WASI errno, for failures of the final open. */
const HOST_ERRNO: Readonly<Record<string, number>> = {
  ENOENT: ERRNO.noent,
  EEXIST: ERRNO.exist,
  EISDIR: ERRNO.isdir,
  ENOTDIR: ERRNO.notdir,
  EACCES: ERRNO.acces,
  EPERM: ERRNO.perm,
  ELOOP: ERRNO.loop,
  ENOTEMPTY: ERRNO.notempty,
  EINVAL: ERRNO.inval,
  EROFS: ERRNO.rofs,
  ENOSPC: ERRNO.nospc,
  EXDEV: ERRNO.xdev,
  EBADF: ERRNO.badf,
  ENAMETOOLONG: ERRNO.nametoolong,
};

/** The WASI errno for a failed host fs call (EIO when it has no better name). */
export function wasiErrno(error: unknown): number {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  return (code !== undefined ? HOST_ERRNO[code] : undefined) ?? ERRNO.io;
}

/**
 * Opens what `resolveBeneath` found without following a final symlink, and checks that the
 * file opened is the one the walk saw (same dev/ino); a mismatch means the tree changed under
 * us, and the open is refused with EPERM rather than trusting the new entry.
 */
export function openResolved(resolved: Extract<Resolved, { ok: true }>, flags: number, mode = 0o666): Opened {
  let fd: number;
  try {
    fd = openSync(resolved.hostPath, flags | constants.O_NOFOLLOW, mode);
  } catch (error) {
    // O_NOFOLLOW on a symlink gives ELOOP: a link the caller chose not to follow.
    return { ok: false, errno: wasiErrno(error) };
  }
  const st = fstatSync(fd);
  const seen = resolved.stat;
  if (seen !== null && (seen.dev !== st.dev || seen.ino !== st.ino)) {
    closeSync(fd);
    return { ok: false, errno: ERRNO.perm };
  }
  return { ok: true, fd, stat: st };
}
