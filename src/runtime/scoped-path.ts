// Resolves a path inside a container's root directory the way the container would see it,
// without ever leaving that root: `..` stops at the root and symlinks (absolute ones too) are
// followed relative to it. Used for `docker cp` (archive GET/HEAD/PUT) on a directory that is
// the container's rootfs as seen from the host.
import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';

const MAX_LINKS = 255;

/**
 * The container path (absolute, clean, symlink-free up to the last element) that `path`
 * names in `root`; the last element is followed too when `followLast`. Missing elements
 * are kept as they are (so the result may not exist).
 */
export async function resolveScoped(root: string, path: string, followLast: boolean): Promise<string> {
  const pending = posix.normalize(`/${path}`).split('/').filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (pending.length) {
    const name = pending.shift()!;
    if (name === '.') continue;
    if (name === '..') { done.pop(); continue; }
    const candidate = `/${[...done, name].join('/')}`;
    if (!pending.length && !followLast) { done.push(name); break; }
    const st = await lstat(posix.join(root, candidate)).catch(() => undefined);
    if (!st?.isSymbolicLink()) { done.push(name); continue; }
    if (++links > MAX_LINKS) throw new Error(`too many links in ${path}`);
    const target = await readlink(posix.join(root, candidate));
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return `/${done.join('/')}`;
}

/** The host path of a resolved container path. */
export function hostPath(root: string, resolved: string): string {
  return posix.join(root, resolved);
}
