// WASI preview1 errno values and file types (wasi_snapshot_preview1 witx).
export const ERRNO = Object.freeze({
  success: 0,
  acces: 2,
  again: 6,
  badf: 8,
  exist: 20,
  inval: 28,
  io: 29,
  isdir: 31,
  loop: 32,
  nametoolong: 37,
  noent: 44,
  nospc: 51,
  nosys: 52,
  notdir: 54,
  notempty: 55,
  notsock: 57,
  notsup: 58,
  perm: 63,
  rofs: 69,
  spipe: 70,
  xdev: 75,
  notcapable: 76,
});

export const FILETYPE = Object.freeze({ unknown: 0, blockDevice: 1, characterDevice: 2, directory: 3, regularFile: 4, socketDgram: 5, socketStream: 6, symbolicLink: 7 });

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
