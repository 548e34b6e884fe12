// WASI preview1 errno values and file types (wasi_snapshot_preview1 witx).
export const ERRNO = Object.freeze({
  success: 0,
  acces: 2,
  badf: 8,
  exist: 20,
  inval: 28,
  isdir: 31,
  noent: 44,
  nosys: 52,
  notdir: 54,
  notsup: 58,
  rofs: 69,
  spipe: 70,
  notcapable: 76,
});

export const FILETYPE = Object.freeze({ unknown: 0, characterDevice: 2, directory: 3, regularFile: 4 });

/** Rights bits used here (fd_seek, fd_tell: isatty() says "not a terminal" when present). */
export const RIGHTS = Object.freeze({
  fdRead: 1n << 1n,
  fdSeek: 1n << 2n,
  fdFdstatSetFlags: 1n << 3n,
  fdTell: 1n << 5n,
  fdWrite: 1n << 6n,
  pathOpen: 1n << 13n,
  fdReaddir: 1n << 14n,
  pathFilestatGet: 1n << 18n,
  fdFilestatGet: 1n << 21n,
});
