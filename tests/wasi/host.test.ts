// The WASI host functions as a guest reaches them: WAT programs (assembled with jco) call one
// function group each and exit with the errno, or print what they read. The preopen is a temp
// tree holding the sandbox traps, so an escape attempt is checked end to end through path_open.
import test from 'ava';
import { existsSync, readdirSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERRNO } from '../../src/wasi/errno.js';
import { runWasi, WasiHost } from '../../src/wasi/index.js';
import { wat } from '../wasm/wat.js';

const base = mkdtempSync(join(tmpdir(), 'slackfuel-wasi-host-'));
const root = join(base, 'root');
mkdirSync(join(root, 'sub'), { recursive: true });
writeFileSync(join(base, 'secret.txt'), 'SECRET');
writeFileSync(join(root, 'data.txt'), 'hello, sandbox');
writeFileSync(join(root, 'sub', 'b.txt'), 'b');
symlinkSync('../secret.txt', join(root, 'out'));
symlinkSync(join(base, 'secret.txt'), join(root, 'abs-out'));
symlinkSync('data.txt', join(root, 'in'));
symlinkSync('l2', join(root, 'l1'));
symlinkSync('l1', join(root, 'l2'));
test.after.always(() => rmSync(base, { recursive: true, force: true }));

const IMPORTS = `
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func $fd_pread (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_sync" (func $fd_sync (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $sock_recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $set_size (param i32 i64) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)`;

/** Runs a `_start` body (WAT instructions) with `path` at address 1024; stdout and exit code. */
async function guest(body: string, path = '', dirs = [{ host: root, guest: '.' }]): Promise<{ code: number; stdout: string }> {
  const bytes = JSON.stringify(path).slice(1, -1);
  const module = await wat(`(module ${IMPORTS}
    (data (i32.const 1024) "${bytes}")
    (func (export "_start") ${body}))`);
  const out: Uint8Array[] = [];
  const r = await runWasi(module, { metering: 'slacked', dirs, stdout: (b) => out.push(b), stderr: () => {}, checkIntervalMs: false });
  t_assertNoTrap(r.error, r.message);
  return { code: r.exitCode, stdout: Buffer.concat(out).toString() };
}

function t_assertNoTrap(error: string | null, message: string | null): void {
  if (error !== null) throw new Error(`guest trapped: ${error}: ${message ?? ''}`);
}

/** path_open(3, follow symlinks, path) read-only; exit with the errno. */
const OPEN = (len: number, oflags = 0, rights = 2n, lookup = 1) =>
  `(call $exit (call $path_open (i32.const 3) (i32.const ${lookup}) (i32.const 1024) (i32.const ${len}) (i32.const ${oflags}) (i64.const ${rights}) (i64.const 0) (i32.const 0) (i32.const 0)))`;
const openErrno = async (path: string, oflags = 0, rights = 2n, lookup = 1) => (await guest(OPEN(path.length, oflags, rights, lookup), path)).code;

test('path_open: escapes are refused with EPERM, loops with ELOOP, missing with ENOENT', async (t) => {
  t.is(await openErrno('../secret.txt'), ERRNO.perm);
  t.is(await openErrno('sub/../../secret.txt'), ERRNO.perm);
  t.is(await openErrno('/etc/passwd'), ERRNO.perm);
  t.is(await openErrno('out'), ERRNO.perm);
  t.is(await openErrno('abs-out'), ERRNO.perm);
  t.is(await openErrno('l1'), ERRNO.loop);
  t.is(await openErrno('missing.txt'), ERRNO.noent);
  t.is(await openErrno('out', 0, 2n, 0), ERRNO.loop, 'without symlink_follow the link itself cannot be opened');
});

test('path_open: inside the preopen opens, through an in-tree symlink too; writes and creates are EPERM', async (t) => {
  t.is(await openErrno('data.txt'), ERRNO.success);
  t.is(await openErrno('in'), ERRNO.success);
  t.is(await openErrno('sub/../data.txt'), ERRNO.success);
  t.is(await openErrno('new.txt', 1), ERRNO.perm, 'O_CREAT in a read-only preopen');
  t.is(await openErrno('data.txt', 0, 1n << 6n), ERRNO.perm, 'fd_write right');
  t.is(await openErrno('data.txt', 5), ERRNO.perm, 'O_CREAT|O_EXCL: read-only is checked first');
  t.is(await openErrno('data.txt', 2), ERRNO.notdir, 'O_DIRECTORY on a file');
});

// Opens data.txt (fd stored at 0), then runs `rest`.
const OPEN_DATA = `(drop (call $path_open (i32.const 3) (i32.const 1) (i32.const 1024) (i32.const 8) (i32.const 0) (i64.const 6) (i64.const 0) (i32.const 0) (i32.const 0)))`;
// iovec at 16: (buf 256, len 5); stdout iovec at 32: (buf 256, len from nread at 48).
const PRINT = `(i32.store (i32.const 32) (i32.const 256)) (i32.store (i32.const 36) (i32.load (i32.const 48)))
  (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 52)))`;

test('fd_read, fd_seek and fd_pread read the real file at positions', async (t) => {
  const r = await guest(`${OPEN_DATA}
    (i32.store (i32.const 16) (i32.const 256)) (i32.store (i32.const 20) (i32.const 5))
    (drop (call $fd_seek (i32.load (i32.const 0)) (i64.const 7) (i32.const 0) (i32.const 64)))
    (drop (call $fd_read (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 48))) ${PRINT}
    (drop (call $fd_pread (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i64.const 0) (i32.const 48))) ${PRINT}
    (drop (call $fd_read (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 48))) ${PRINT}
    (call $exit (i32.const 0))`, 'data.txt');
  t.is(r.stdout, 'sandbhelloox', 'seek 7 → "sandb", pread 0 → "hello" without moving, read → "ox"');
});

test('fd_filestat_get gives the size and type; fd_sync succeeds on a file and is EBADF on a bad fd', async (t) => {
  const r = await guest(`${OPEN_DATA}
    (drop (call $fd_filestat_get (i32.load (i32.const 0)) (i32.const 128)))
    (if (i32.ne (i32.load8_u (i32.const 144)) (i32.const 4)) (then (call $exit (i32.const 100))))
    (if (i64.ne (i64.load (i32.const 160)) (i64.const 14)) (then (call $exit (i32.const 101))))
    (if (i32.ne (call $fd_sync (i32.load (i32.const 0))) (i32.const 0)) (then (call $exit (i32.const 102))))
    (call $exit (call $fd_sync (i32.const 99)))`, 'data.txt');
  t.is(r.code, ERRNO.badf);
});

test('fd_readdir lists the preopen with ., .. and the entries', async (t) => {
  const r = await guest(`
    (drop (call $fd_readdir (i32.const 3) (i32.const 2048) (i32.const 4096) (i64.const 0) (i32.const 48)))
    (i32.store (i32.const 32) (i32.const 2048)) (i32.store (i32.const 36) (i32.load (i32.const 48)))
    (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 52)))
    (call $exit (i32.const 0))`);
  for (const name of ['data.txt', 'sub', 'out', 'l1']) t.true(r.stdout.includes(name), name);
  t.false(r.stdout.includes('secret'));
});

test('mutating calls are EPERM in the read-only preopen, and escapes are still EPERM first', async (t) => {
  t.is((await guest(`(call $exit (call $unlink (i32.const 3) (i32.const 1024) (i32.const 8)))`, 'data.txt')).code, ERRNO.perm);
  t.is((await guest(`(call $exit (call $unlink (i32.const 3) (i32.const 1024) (i32.const 8)))`, 'nope/x.y')).code, ERRNO.noent);
});

test('poll_oneoff: a relative clock sleeps and fires; stdout is writable; no subscriptions is EINVAL', async (t) => {
  // subscription 0 at 512: userdata 7, clock, monotonic, 20 ms.
  const clock = `(i64.store (i32.const 512) (i64.const 7)) (i32.store8 (i32.const 520) (i32.const 0))
    (i32.store (i32.const 528) (i32.const 1)) (i64.store (i32.const 536) (i64.const 20000000))`;
  const started = Date.now();
  const r = await guest(`${clock}
    (if (call $poll (i32.const 512) (i32.const 768) (i32.const 1) (i32.const 48)) (then (call $exit (i32.const 100))))
    (if (i32.ne (i32.load (i32.const 48)) (i32.const 1)) (then (call $exit (i32.const 101))))
    (if (i64.ne (i64.load (i32.const 768)) (i64.const 7)) (then (call $exit (i32.const 102))))
    (call $exit (i32.load8_u (i32.const 778)))`);
  t.is(r.code, 0, 'one clock event');
  t.true(Date.now() - started >= 20);
  const w = await guest(`(i64.store (i32.const 512) (i64.const 9)) (i32.store8 (i32.const 520) (i32.const 2)) (i32.store (i32.const 528) (i32.const 1))
    (if (call $poll (i32.const 512) (i32.const 768) (i32.const 1) (i32.const 48)) (then (call $exit (i32.const 100))))
    (call $exit (i32.add (i32.load8_u (i32.const 778)) (i32.mul (i32.const 10) (i32.load16_u (i32.const 776)))))`);
  t.is(w.code, 2, 'an fd_write event with no error');
  t.is((await guest(`(call $exit (call $poll (i32.const 512) (i32.const 768) (i32.const 0) (i32.const 48)))`)).code, ERRNO.inval);
});

test('sock_recv on stdin is ENOTSOCK, on a closed fd EBADF', async (t) => {
  t.is((await guest(`(call $exit (call $sock_recv (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))`)).code, ERRNO.notsock);
  t.is((await guest(`(call $exit (call $sock_recv (i32.const 77) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)))`)).code, ERRNO.badf);
});

test('preopens: several directories at fds 3, 4 under their guest names; a missing one is refused at startup', async (t) => {
  const module = await wat(`(module
    (import "wasi_snapshot_preview1" "fd_prestat_get" (func $prestat (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $name (param i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_start")
      (drop (call $prestat (i32.const 4) (i32.const 0)))
      (drop (call $name (i32.const 4) (i32.const 256) (i32.load (i32.const 4))))
      (i32.store (i32.const 32) (i32.const 256)) (i32.store (i32.const 36) (i32.load (i32.const 4)))
      (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 52)))
      (call $exit (call $prestat (i32.const 5) (i32.const 0)))))`);
  const out: Uint8Array[] = [];
  const dirs = [{ host: root, guest: '/' }, { host: join(root, 'sub'), guest: '/data/sub' }];
  const r = await runWasi(module, { metering: 'none', dirs, stdout: (b) => out.push(b), stderr: () => {} });
  t.is(Buffer.concat(out).toString(), '/data/sub');
  t.is(r.exitCode, ERRNO.badf, 'fd 5 is no preopen');
  await t.throwsAsync(runWasi(module, { metering: 'none', dirs: [{ host: join(base, 'nope'), guest: '.' }], stdout: () => {}, stderr: () => {} }), { message: /does not exist/ });
});

test('a writable preopen: create, write, append, truncate, mkdir, rename; escapes and absolute symlinks still EPERM', async (t) => {
  const w = mkdtempSync(join(base, 'w-'));
  const dirs = [{ host: w, guest: '.', writable: true }];
  // path at 1024: "new.txt"; data at 1100: "abc"; iovec at 16.
  const write = (oflags: number, fdflags: number) => `
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const 7) (i32.const ${oflags}) (i64.const 64) (i64.const 0) (i32.const ${fdflags}) (i32.const 0)) (then (call $exit (i32.const 100))))
    (i32.store (i32.const 1100) (i32.const 0x636261)) (i32.store (i32.const 16) (i32.const 1100)) (i32.store (i32.const 20) (i32.const 3))
    (if (call $fd_write (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 48)) (then (call $exit (i32.const 101))))
    (drop (call $fd_close (i32.load (i32.const 0))))`;
  t.is((await guest(`${write(1, 0)} (call $exit (i32.const 0))`, 'new.txt', dirs)).code, 0);
  t.is(readFileSync(join(w, 'new.txt'), 'utf8'), 'abc');
  t.is((await guest(`${write(1, 1)} (call $exit (i32.const 0))`, 'new.txt', dirs)).code, 0, 'append');
  t.is(readFileSync(join(w, 'new.txt'), 'utf8'), 'abcabc');
  t.is((await guest(`${write(9, 0)} (call $exit (i32.const 0))`, 'new.txt', dirs)).code, 0, 'truncate');
  t.is(readFileSync(join(w, 'new.txt'), 'utf8'), 'abc');
  t.is((await guest(`(call $exit (call $path_open (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const 7) (i32.const 5) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 0)))`, 'new.txt', dirs)).code, ERRNO.exist);
  t.is((await guest(`(call $exit (call $mkdir (i32.const 3) (i32.const 1024) (i32.const 1)))`, 'd', dirs)).code, 0);
  t.true(statSync(join(w, 'd')).isDirectory());
  // rename new.txt (1024, 7) to d/x.txt (1040, 7)
  t.is((await guest(`(call $exit (call $rename (i32.const 3) (i32.const 1024) (i32.const 7) (i32.const 3) (i32.const 1040) (i32.const 7)))`, 'new.txt_________d/x.txt', dirs)).code, 0);
  t.is(readFileSync(join(w, 'd', 'x.txt'), 'utf8'), 'abc');
  t.is((await guest(`(call $exit (call $path_open (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const 8) (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 0)))`, '../x.txt', dirs)).code, ERRNO.perm, 'creating outside');
  t.is((await guest(`(call $exit (call $symlink (i32.const 1024) (i32.const 4) (i32.const 3) (i32.const 1040) (i32.const 1)))`, '/etc____________l', dirs)).code, ERRNO.perm, 'absolute symlink target');
  t.false(existsSync(join(base, 'x.txt')));
});

test('fd_write on a file opened read-only is EBADF; set_size on it EPERM', async (t) => {
  const r = await guest(`${OPEN_DATA}
    (i32.store (i32.const 16) (i32.const 256)) (i32.store (i32.const 20) (i32.const 1))
    (if (i32.ne (call $fd_write (i32.load (i32.const 0)) (i32.const 16) (i32.const 1) (i32.const 48)) (i32.const ${ERRNO.badf})) (then (call $exit (i32.const 100))))
    (call $exit (call $set_size (i32.load (i32.const 0)) (i64.const 0)))`, 'data.txt');
  t.is(r.code, ERRNO.perm);
  t.is(readFileSync(join(root, 'data.txt'), 'utf8'), 'hello, sandbox');
});

test.serial('files the guest leaves open are closed when the run ends', async (t) => {
  const before = readdirSync('/proc/self/fd').length;
  for (let i = 0; i < 5; i++) await guest(`${OPEN_DATA} (call $exit (i32.const 0))`, 'data.txt');
  t.true(readdirSync('/proc/self/fd').length < before + 5);
});

test('every wasi_snapshot_preview1 function is provided', (t) => {
  const all =
    'args_get args_sizes_get environ_get environ_sizes_get clock_res_get clock_time_get fd_advise fd_allocate fd_close fd_datasync fd_fdstat_get fd_fdstat_set_flags fd_fdstat_set_rights fd_filestat_get fd_filestat_set_size fd_filestat_set_times fd_pread fd_prestat_get fd_prestat_dir_name fd_pwrite fd_read fd_readdir fd_renumber fd_seek fd_sync fd_tell fd_write path_create_directory path_filestat_get path_filestat_set_times path_link path_open path_readlink path_remove_directory path_rename path_symlink path_unlink_file poll_oneoff proc_exit proc_raise sched_yield random_get sock_accept sock_recv sock_send sock_shutdown'.split(' ');
  const host = new WasiHost({ args: [], env: {}, preopen: null, stdout: () => {}, stderr: () => {} });
  t.deepEqual(Object.keys(host.imports()['wasi_snapshot_preview1'] ?? {}).sort(), [...all].sort());
});
