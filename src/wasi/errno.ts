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

/** The preview1 rights bits (only reported: rights are not enforced, as in Wasmtime's p1). */
export const RIGHTS = Object.freeze({
  fdDatasync: 1n << 0n,
  fdRead: 1n << 1n,
  fdSeek: 1n << 2n,
  fdFdstatSetFlags: 1n << 3n,
  fdSync: 1n << 4n,
  fdTell: 1n << 5n,
  fdWrite: 1n << 6n,
  fdAdvise: 1n << 7n,
  fdAllocate: 1n << 8n,
  pathCreateDirectory: 1n << 9n,
  pathCreateFile: 1n << 10n,
  pathLinkSource: 1n << 11n,
  pathLinkTarget: 1n << 12n,
  pathOpen: 1n << 13n,
  fdReaddir: 1n << 14n,
  pathReadlink: 1n << 15n,
  pathRenameSource: 1n << 16n,
  pathRenameTarget: 1n << 17n,
  pathFilestatGet: 1n << 18n,
  pathFilestatSetSize: 1n << 19n,
  pathFilestatSetTimes: 1n << 20n,
  fdFilestatGet: 1n << 21n,
  fdFilestatSetSize: 1n << 22n,
  fdFilestatSetTimes: 1n << 23n,
  pathSymlink: 1n << 24n,
  pathRemoveDirectory: 1n << 25n,
  pathUnlinkFile: 1n << 26n,
  pollFdReadwrite: 1n << 27n,
  sockShutdown: 1n << 28n,
  sockAccept: 1n << 29n,
});

/** Every right. */
export const ALL_RIGHTS = (1n << 30n) - 1n;

/** fdflags bits. */
export const FDFLAGS = Object.freeze({ append: 1, dsync: 2, nonblock: 4, rsync: 8, sync: 16 });
