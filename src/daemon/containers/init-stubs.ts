// Docker's "init layer": the mount points a container needs (/dev, /proc, /sys, /etc/hosts,
// /etc/hostname, /etc/resolv.conf) and /.dockerenv exist in every container's filesystem, so
// `docker export` shows them and they never appear in `docker diff`. berth writes them into the
// container's upper dir at create, unless a lower layer has something other than a directory there.
import { lstat, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootfsDirs, type Mount } from '../../runtime/snapshot-layers.js';

const DIRS = ['/dev', '/dev/pts', '/dev/shm', '/proc', '/sys', '/etc'];
const FILES = ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf', '/.dockerenv'];

/** Paths the stubs create; diff hides them as Docker's init layer does. */
export const INIT_PATHS = [...DIRS, ...FILES];

async function kindIn(layers: string[], rel: string): Promise<'dir' | 'other' | 'none'> {
  for (const l of layers) {
    try {
      return (await lstat(join(l, rel))).isDirectory() ? 'dir' : 'other';
    } catch { /* not in this layer */ }
  }
  return 'none';
}

export async function writeInitStubs(mounts: Mount[]): Promise<void> {
  const { upper, lowers } = rootfsDirs(mounts);
  if (!upper) return;
  const layers = [upper, ...lowers];
  // Each path is checked on its own (concurrently: this is on the create path); the files
  // need the directories made first.
  await Promise.all(DIRS.map(async (d) => {
    if ((await kindIn(layers, d)) === 'other') return;
    const parent = d.slice(0, d.lastIndexOf('/')) || '/';
    if (parent !== '/' && (await kindIn(layers, parent)) === 'other') return;
    await mkdir(join(upper, d), { recursive: true, mode: 0o755 });
  }));
  await Promise.all(FILES.map(async (f) => {
    const parent = f.slice(0, f.lastIndexOf('/')) || '/';
    if (parent !== '/' && (await kindIn([upper], parent)) !== 'dir') return;
    if ((await kindIn(layers, f)) !== 'none') return;
    await writeFile(join(upper, f), '', { mode: 0o644 });
  }));
}
