// fd_fdstat_get / fd_fdstat_set_flags / fd_fdstat_set_rights answer as Wasmtime's preview1 does:
// Go's runtime sets NONBLOCK on every fd it opens and its fuel follows the answer (a file that
// refused it cost Go 24,122 fuel less than under Wasmtime), so these are fuel, not just errnos.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ALL_RIGHTS, ERRNO, FDFLAGS, FILETYPE, RIGHTS } from '../../src/wasi/errno.js';
import { WasiHost } from '../../src/wasi/index.js';

const dir = mkdtempSync(join(tmpdir(), 'slackfuel-fdstat-'));
writeFileSync(join(dir, 'a.txt'), 'abc');
const hosts: WasiHost[] = [];
test.after.always(() => {
  for (const h of hosts) h.close();
  rmSync(dir, { recursive: true, force: true });
});

type HostFn = (...args: (number | bigint)[]) => number;

function host() {
  const bytes = new Uint8Array(65536);
  const h = new WasiHost({ args: ['t'], env: {}, preopen: null, preopens: [{ host: dir, guest: '.' }], stdout: () => {}, stderr: () => {} });
  h.attach({ readMemory: (o, n) => bytes.slice(o, o + n), writeMemory: (o, b) => bytes.set(b, o) });
  const fns = h.imports()['wasi_snapshot_preview1'] as Record<string, HostFn>;
  const call = (name: string, ...args: (number | bigint)[]) => fns[name]!(...args);
  const view = new DataView(bytes.buffer);
  const fdstat = (fd: number) => {
    const errno = call('fd_fdstat_get', fd, 100);
    return errno !== ERRNO.success ? errno : { filetype: view.getUint8(100), flags: view.getUint16(102, true), base: view.getBigUint64(108, true), inheriting: view.getBigUint64(116, true) };
  };
  /** path_open of `name` under the preopen with these rights and fdflags; the new fd or the errno. */
  const open = (name: string, rights: bigint, fdflags = 0, oflags = 0) => {
    bytes.set(new TextEncoder().encode(name), 2000);
    const errno = call('path_open', 3, 1, 2000, name.length, oflags, rights, 0n, fdflags, 200);
    return errno === ERRNO.success ? view.getUint32(200, true) : -errno;
  };
  hosts.push(h);
  return { call, fdstat, open };
}

test('stdio reports only fd_read or fd_write, no flags; set_flags and set_rights on it are EBADF', (t) => {
  const { call, fdstat } = host();
  t.deepEqual(fdstat(0), { filetype: FILETYPE.unknown, flags: 0, base: RIGHTS.fdRead, inheriting: RIGHTS.fdRead });
  t.deepEqual(fdstat(1), { filetype: FILETYPE.unknown, flags: 0, base: RIGHTS.fdWrite, inheriting: RIGHTS.fdWrite });
  t.is(call('fd_fdstat_set_flags', 1, FDFLAGS.nonblock), ERRNO.badf);
  t.is(call('fd_fdstat_set_rights', 1, 0n, 0n), ERRNO.badf);
});

test("a preopen reports Wasmtime's fixed rights; set_flags on it is EBADF, set_rights ENOTSUP", (t) => {
  const { call, fdstat } = host();
  const s = fdstat(3);
  if (typeof s === 'number') return t.fail(`errno ${s}`);
  t.is(s.filetype, FILETYPE.directory);
  t.is(s.base & RIGHTS.pathOpen, RIGHTS.pathOpen);
  t.is(s.base & RIGHTS.fdRead, 0n);
  t.is(s.inheriting & RIGHTS.fdRead, RIGHTS.fdRead);
  t.is(call('fd_fdstat_set_flags', 3, 0), ERRNO.badf);
  t.is(call('fd_fdstat_set_rights', 3, 0n, 0n), ERRNO.notsup);
  t.is(call('fd_fdstat_set_rights', 9, 0n, 0n), ERRNO.badf);
});

test('a file takes nonblock and append, reports them back, and refuses the sync flags', (t) => {
  const { call, fdstat, open } = host();
  const fd = open('a.txt', RIGHTS.fdRead);
  t.true(fd > 3);
  t.deepEqual(fdstat(fd), { filetype: FILETYPE.regularFile, flags: 0, base: ALL_RIGHTS & ~RIGHTS.fdWrite, inheriting: ALL_RIGHTS & ~RIGHTS.fdWrite });
  t.is(call('fd_fdstat_set_flags', fd, FDFLAGS.nonblock), ERRNO.success);
  t.is((fdstat(fd) as { flags: number }).flags, FDFLAGS.nonblock);
  t.is(call('fd_fdstat_set_flags', fd, FDFLAGS.nonblock | FDFLAGS.append), ERRNO.success);
  t.is((fdstat(fd) as { flags: number }).flags, FDFLAGS.nonblock | FDFLAGS.append);
  for (const sync of [FDFLAGS.dsync, FDFLAGS.rsync, FDFLAGS.sync]) t.is(call('fd_fdstat_set_flags', fd, sync), ERRNO.inval);
  t.is(call('fd_fdstat_set_rights', fd, 0n, 0n), ERRNO.notsup);
  t.is(call('fd_close', fd), ERRNO.success);
  t.is(call('fd_fdstat_set_flags', fd, 0), ERRNO.badf);
});

test('a directory opened by path_open: no fd_seek or fd_write, fd_read only if asked; set_flags EBADF', (t) => {
  const { call, fdstat, open } = host();
  const fd = open('.', RIGHTS.fdRead | RIGHTS.fdReaddir, 0, 2);
  t.true(fd > 3);
  const s = fdstat(fd);
  if (typeof s === 'number') return t.fail(`errno ${s}`);
  t.is(s.filetype, FILETYPE.directory);
  t.is(s.base & (RIGHTS.fdSeek | RIGHTS.fdWrite), 0n);
  t.is(s.base & RIGHTS.fdRead, RIGHTS.fdRead);
  t.is(call('fd_fdstat_set_flags', fd, 0), ERRNO.badf);
  const bare = open('.', RIGHTS.pathOpen, 0, 2);
  t.is((fdstat(bare) as { base: bigint }).base & (RIGHTS.fdRead | RIGHTS.fdReaddir), 0n);
});
