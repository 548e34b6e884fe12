// Path resolution beneath a preopened directory that a guest cannot escape.
//
// Node has no openat2(RESOLVE_BENEATH), and no npm package we found does this for host paths,
// so we resolve the way cap-std (Wasmtime's filesystem layer) does: one component at a time,
// with lstat, never handing a guest-controlled path to the OS to resolve. `..` pops a component
// we already resolved and fails once it would climb above the root; a symlink is expanded by
// splicing its target into the components still to walk (so a `..` inside it is judged from
// the link's real location), and an absolute target or absolute path is refused. The file is
// then opened with O_NOFOLLOW and its dev/ino compared with what the walk saw, so a component
// swapped for a symlink between the check and the open is caught, not followed.
import { constants, fstatSync, lstatSync, openSync, closeSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { ERRNO } from './errno.js';

/** Symlinks expanded in one resolution before ELOOP (Linux's MAXSYMLINKS). */
const MAX_SYMLINKS = 40;

export type Resolved =
  | { readonly ok: true; readonly hostPath: string; /** lstat of the final entry; null if it does not exist. */ readonly stat: Stats | null }
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

const fail = (errno: number): Resolved => ({ ok: false, errno });

/**
 * Resolves the guest `path` relative to the host directory `root`. `followFinal`: whether a
 * symlink as the last component is followed (WASI's lookupflags.symlink_follow); symlinks in
 * the middle are always followed while they stay beneath `root`. A missing last component is
 * not an error (the caller may create it); a missing middle one is ENOENT.
 */
export function resolveBeneath(root: string, path: string, followFinal: boolean): Resolved {
  if (path.includes('\0')) return fail(ERRNO.inval);
  // An absolute path names something outside every preopen: Wasmtime answers EPERM.
  if (path.startsWith('/')) return fail(ERRNO.perm);
  const mustBeDir = path.endsWith('/');
  const pending = path.split('/').reverse(); // a stack: the next component is at the end
  const walked: string[] = [];
  let links = 0;
  let lastStat: Stats | null = lstatSync(root);
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const isLast = pending.every((c) => c === '' || c === '.');
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (walked.length === 0) return fail(ERRNO.perm);
      walked.pop();
      lastStat = lstatSync(join(root, ...walked));
      continue;
    }
    const hostPath = join(root, ...walked, name);
    const st = lstatOrNull(hostPath);
    if (st === null) {
      if (!isLast) return fail(ERRNO.noent);
      return { ok: true, hostPath, stat: null };
    }
    if (st.isSymbolicLink() && (!isLast || followFinal || mustBeDir)) {
      if (++links > MAX_SYMLINKS) return fail(ERRNO.loop);
      const target = readlinkSync(hostPath);
      if (target.startsWith('/')) return fail(ERRNO.perm);
      pending.push(...target.split('/').reverse());
      continue;
    }
    if (!isLast && !st.isDirectory()) return fail(ERRNO.notdir);
    walked.push(name);
    lastStat = st;
  }
  if (mustBeDir && lastStat !== null && !lastStat.isDirectory()) return fail(ERRNO.notdir);
  return { ok: true, hostPath: join(root, ...walked), stat: lastStat };
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
