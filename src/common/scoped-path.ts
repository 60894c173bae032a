// Resolves a path inside a container's root directory the way the container would see it,
// without ever leaving that root: `..` stops at the root and symlinks (absolute ones too) are
// followed relative to it. Used for `docker cp` (archive GET/HEAD/PUT), volume copy-up and sub-paths: on a directory that is
// the container's rootfs as seen from the host.
//
// Every lookup goes through a file descriptor of the directory already reached (the
// /proc/self/fd/<fd>/<name> form is openat(fd, name)), each element opened O_NOFOLLOW: a
// directory the container swaps for a symlink while berthd walks is never followed on the host,
// so a running container need not be paused for the walk (CVE-2018-15664).
import { constants } from 'node:fs';
import { lstat, open, readlink, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';

const MAX_LINKS = 255;
/** Linux O_PATH: a handle on the entry itself, for lookups, fstat and fchdir only. */
const O_PATH = 0o10000000;
const DIR_FLAGS = O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** The root itself may be a link (/proc/<pid>/root): it is the one element followed. */
const openRoot = (root: string): Promise<FileHandle> => open(root, O_PATH | constants.O_DIRECTORY);

const at = (dir: FileHandle, name: string): string => `/proc/self/fd/${dir.fd}/${name}`;

/**
 * The container path (absolute, clean, symlink-free up to the last element) that `path`
 * names in `root`; the last element is followed too when `followLast`. Missing elements
 * are kept as they are (so the result may not exist).
 */
export async function resolveScoped(root: string, path: string, followLast: boolean): Promise<string> {
  const pending = posix.normalize(`/${path}`).split('/').filter(Boolean);
  const done: string[] = [];
  // The directories opened along `done` (the root first); names past them do not exist.
  const dirs = [await openRoot(root)];
  const closeTo = async (n: number) => { while (dirs.length > n) await dirs.pop()!.close(); };
  let links = 0;
  try {
    while (pending.length) {
      const name = pending.shift()!;
      if (name === '.') continue;
      if (name === '..') {
        if (done.length >= dirs.length) done.pop();
        else if (done.length) { done.pop(); await closeTo(dirs.length - 1); }
        continue;
      }
      if (!pending.length && !followLast) { done.push(name); break; }
      if (done.length >= dirs.length) { done.push(name); continue; }
      const parent = dirs[dirs.length - 1];
      const st = await lstat(at(parent, name)).catch(() => undefined);
      if (!st?.isSymbolicLink()) {
        done.push(name);
        if (st?.isDirectory() && pending.length) {
          const dir = await open(at(parent, name), DIR_FLAGS).catch(() => undefined);
          if (dir) dirs.push(dir);
        }
        continue;
      }
      if (++links > MAX_LINKS) throw new Error(`too many links in ${path}`);
      const target = await readlink(at(parent, name));
      if (target.startsWith('/')) { done.length = 0; await closeTo(1); }
      pending.unshift(...target.split('/').filter(Boolean));
    }
  } finally {
    await closeTo(0);
  }
  return `/${done.join('/')}`;
}

/**
 * A handle (O_PATH) on the entry at `resolved` (a result of resolveScoped) in `root`, reached
 * without following any symlink, the last element's included: a path the container changed into
 * a symlink since it was resolved fails (ELOOP or ENOTDIR) instead of leading anywhere else.
 */
export async function openScoped(root: string, resolved: string): Promise<FileHandle> {
  let cur = await openRoot(root);
  try {
    const names = resolved.split('/').filter(Boolean);
    for (const [i, name] of names.entries()) {
      const next = await open(at(cur, name), i < names.length - 1 ? DIR_FLAGS : O_PATH | constants.O_NOFOLLOW);
      await cur.close();
      cur = next;
    }
    return cur;
  } catch (err) {
    await cur.close();
    throw err;
  }
}

/** The host path of a resolved container path. */
export function hostPath(root: string, resolved: string): string {
  return posix.join(root, resolved);
}
