// Views of a container's filesystem from the overlay directories, without mounting:
// `changes` (the upper dir against the image layers) and disk usage; plus `export`, which
// mounts the layers read-only in a temporary directory and streams a tar of it.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { rootfsDirs, type Mount } from '../../runtime/snapshot-layers.js';
import { INIT_PATHS } from './init-stubs.js';
import { mountPrivately } from './private-mount.js';
import { tarOutput } from './tar-output.js';

export interface Change { Path: string; Kind: 0 | 1 | 2 }

async function existsIn(dirs: string[], rel: string): Promise<boolean> {
  for (const d of dirs) {
    try { await lstat(join(d, rel)); return true; } catch { /* next layer */ }
  }
  return false;
}

// Docker keeps these in an init layer, so its diff never shows them (nor what runc mounts under /dev).
const isInitPath = (p: string) => p.startsWith('/dev/') || INIT_PATHS.includes(p);

/** Docker's ContainerChanges: 0 modified, 1 added, 2 deleted (overlay whiteouts). */
export async function changes(mounts: Mount[]): Promise<Change[]> {
  const { upper, lowers } = rootfsDirs(mounts);
  const out: Change[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries: string[];
    try { entries = await readdir(join(upper, rel)); } catch { return; }
    for (const name of entries.sort()) {
      const r = `${rel}/${name}`;
      const st = await lstat(join(upper, r));
      if (st.isCharacterDevice() && st.rdev === 0) { out.push({ Path: r, Kind: 2 }); continue; }
      const kind = (await existsIn(lowers, r)) ? 0 : 1;
      if (!isInitPath(r)) {
        out.push({ Path: r, Kind: kind });
        if (st.isDirectory()) await walk(r);
      } else if (st.isDirectory()) {
        // An init directory shows only when something under it changed.
        const at = out.length;
        await walk(r);
        if (out.length > at) out.splice(at, 0, { Path: r, Kind: kind });
      }
    }
  };
  if (upper && lowers.length) await walk('');
  return out;
}

/** Bytes used by the regular files (and symlinks) under `dir`, hard links counted once. */
export async function diskUsage(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    let entries: string[];
    try { entries = await readdir(d); } catch { return; }
    for (const name of entries) {
      const p = join(d, name);
      const st = await lstat(p).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) { await walk(p); continue; }
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
      total += st.size;
    }
  };
  await walk(dir);
  return total;
}

/** SizeRw (the upper dir) and SizeRootFs (every layer) of a container. */
export async function sizes(mounts: Mount[]): Promise<{ SizeRw: number; SizeRootFs: number }> {
  const { upper, lowers } = rootfsDirs(mounts);
  const rw = await diskUsage(upper);
  let all = rw;
  for (const l of lowers) all += await diskUsage(l);
  return { SizeRw: rw, SizeRootFs: all };
}

/**
 * A tar stream of the container's filesystem, its layers mounted read-only under `scratch` (a
 * root-only directory); the mount goes away when the stream ends. The stream fails when tar does.
 */
export async function exportRootfs(mounts: Mount[], scratch: string): Promise<Readable> {
  const { upper, lowers } = rootfsDirs(mounts);
  const layers = [upper, ...lowers].filter(Boolean);
  const root = layers.length > 1
    ? await mountPrivately(scratch, 'overlay', 'overlay', ['ro', `lowerdir=${layers.join(':')}`])
    : await mountPrivately(scratch, 'none', layers[0], ['bind', 'ro']);
  // Top-level names fed on stdin, so entries read "bin/sh" as in Docker's export (not "./bin/sh").
  const names = (await readdir(root.dir)).sort();
  const tar = spawn('tar', ['--numeric-owner', '--xattrs', '-C', root.dir, '--null', '-T', '-', '-cf', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  tar.stdin.end(names.map((n) => `${n}\0`).join(''));
  tar.once('close', () => void root.release());
  return tarOutput(tar);
}
