// Attacks on the preopen sandbox: each escape must fail with the errno Wasmtime gives
// (EPERM for a path leaving the preopen, ELOOP for a symlink cycle, ENOENT for a missing
// middle component), and legitimate in-tree symlinks must still resolve.
import test from 'ava';
import { constants, statSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERRNO } from '../../src/wasi/errno.js';
import { openResolved, PINNED, resolveBeneath } from '../../src/wasi/sandbox.js';

const base = mkdtempSync(join(tmpdir(), 'slackfuel-sandbox-'));
const root = join(base, 'root');
mkdirSync(join(root, 'sub', 'deep'), { recursive: true });
writeFileSync(join(base, 'secret.txt'), 'outside');
writeFileSync(join(root, 'inside.txt'), 'inside');
writeFileSync(join(root, 'sub', 'deep', 'f.txt'), 'deep');
symlinkSync(join(base, 'secret.txt'), join(root, 'abs-out')); // absolute, outside
symlinkSync('../secret.txt', join(root, 'rel-out')); // relative, outside
symlinkSync('../../inside.txt', join(root, 'sub', 'deep', 'up-in')); // relative, stays inside
symlinkSync('sub/deep', join(root, 'to-deep')); // a directory inside
symlinkSync('to-deep/../../..', join(root, 'chain-out')); // a chain climbing out
symlinkSync('loop-b', join(root, 'loop-a'));
symlinkSync('loop-a', join(root, 'loop-b'));
symlinkSync(join(root, 'inside.txt'), join(root, 'abs-in')); // absolute even though inside
test.after.always(() => rmSync(base, { recursive: true, force: true }));

const errnoOf = (path: string, follow = true) => {
  const r = resolveBeneath(root, path, follow);
  if (r.ok) r.release();
  return r.ok ? 'ok' : r.errno;
};

/** Whether `path` resolves to the same file as the host path `expected`. */
function resolvesTo(path: string, expected: string): boolean {
  const r = resolveBeneath(root, path, true);
  if (!r.ok) return false;
  const same = r.stat !== null && r.stat.ino === statSync(expected).ino && statSync(r.hostPath).ino === r.stat.ino;
  r.release();
  return same;
}

test('.. above the preopen is EPERM, also after descending', (t) => {
  t.is(errnoOf('..'), ERRNO.perm);
  t.is(errnoOf('../secret.txt'), ERRNO.perm);
  t.is(errnoOf('sub/../../secret.txt'), ERRNO.perm);
  t.is(errnoOf('sub/deep/../../../root/inside.txt'), ERRNO.perm);
});

test('.. that stays inside resolves', (t) => {
  t.true(resolvesTo('sub/deep/../../inside.txt', join(root, 'inside.txt')));
});

test('an absolute path is EPERM', (t) => {
  t.is(errnoOf('/etc/passwd'), ERRNO.perm);
  t.is(errnoOf(join(root, 'inside.txt')), ERRNO.perm);
});

test('symlinks leaving the preopen are EPERM: absolute, relative, chained', (t) => {
  t.is(errnoOf('abs-out'), ERRNO.perm);
  t.is(errnoOf('rel-out'), ERRNO.perm);
  t.is(errnoOf('chain-out/secret.txt'), ERRNO.perm);
  t.is(errnoOf('abs-in'), ERRNO.perm, 'an absolute target is refused even when it points inside');
});

test('a symlink loop is ELOOP', (t) => {
  t.is(errnoOf('loop-a'), ERRNO.loop);
  t.is(errnoOf('loop-a/x'), ERRNO.loop);
});

test('symlinks staying inside resolve, relative to their own directory', (t) => {
  t.true(resolvesTo('sub/deep/up-in', join(root, 'inside.txt')));
  t.true(resolvesTo('to-deep/f.txt', join(root, 'sub', 'deep', 'f.txt')));
});

test('without symlink_follow the last symlink is the link itself, and opening it is ELOOP', (t) => {
  const r = resolveBeneath(root, 'rel-out', false);
  t.true(r.ok && r.stat?.isSymbolicLink() === true);
  if (!r.ok) return;
  const o = openResolved(r, constants.O_RDONLY);
  t.deepEqual(o, { ok: false, errno: ERRNO.loop });
});

test('missing middle component is ENOENT, missing last one resolves (for creation)', (t) => {
  t.is(errnoOf('nope/x'), ERRNO.noent);
  const r = resolveBeneath(root, 'sub/new.txt', true);
  t.true(r.ok && r.stat === null);
});

test('a file as a middle component is ENOTDIR', (t) => {
  t.is(errnoOf('inside.txt/x'), ERRNO.notdir);
  t.is(errnoOf('inside.txt/'), ERRNO.notdir);
});

test('race: a file swapped for a symlink to the outside between check and open is refused', (t) => {
  writeFileSync(join(root, 'swap.txt'), 'benign');
  const r = resolveBeneath(root, 'swap.txt', true);
  t.true(r.ok);
  if (!r.ok) return;
  rmSync(join(root, 'swap.txt'));
  symlinkSync(join(base, 'secret.txt'), join(root, 'swap.txt'));
  t.deepEqual(openResolved(r, constants.O_RDONLY), { ok: false, errno: ERRNO.loop });
});

test('race: a directory swapped for a symlink to the outside between check and open does not redirect the open', (t) => {
  mkdirSync(join(root, 'racedir'));
  writeFileSync(join(root, 'racedir', 'secret.txt'), 'benign');
  const r = resolveBeneath(root, 'racedir/secret.txt', true);
  t.true(r.ok);
  if (!r.ok) return;
  renameSync(join(root, 'racedir'), join(root, 'racedir-old'));
  symlinkSync(base, join(root, 'racedir'));
  const o = openResolved(r, constants.O_RDONLY);
  r.release();
  if (PINNED) {
    // The walk holds the directory it entered: the open reaches the file it checked, not the swap.
    t.true(o.ok);
    if (o.ok) {
      t.is(readFileSync(o.fd, 'utf8'), 'benign');
      closeSync(o.fd);
    }
  } else {
    t.deepEqual(o, { ok: false, errno: ERRNO.perm });
  }
});

test('a legitimate open succeeds and reads the file', (t) => {
  const r = resolveBeneath(root, 'to-deep/f.txt', true);
  t.true(r.ok);
  if (!r.ok) return;
  const o = openResolved(r, constants.O_RDONLY);
  t.true(o.ok);
  if (o.ok) closeSync(o.fd);
});
