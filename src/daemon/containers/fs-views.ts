// Views of a container's filesystem from the overlay directories, without mounting:
// `changes` (the upper dir against the image layers) and disk usage; plus `export`, which tars
// a running container's own rootfs mount (never a second overlay over its live upper directory)
// or a stopped one's layers mounted read-only in a temporary directory.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { diskUsage } from '../../common/disk-usage.js';
import { internal } from '../../common/errors.js';
import { overlayMountOf } from '../../runtime/mountinfo.js';
import { rootfsDirs, type Mount } from '../../runtime/snapshot-layers.js';
import { INIT_PATHS } from './init-stubs.js';
import { mountPrivately, type PrivateMount } from './private-mount.js';
import { TAR_CREATE_FLAGS, tarOutput } from '../../common/tar-output.js';

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

/** SizeRw (the upper dir) and SizeRootFs (every layer) of a container. */
export async function sizes(mounts: Mount[]): Promise<{ SizeRw: number; SizeRootFs: number }> {
  const { upper, lowers } = rootfsDirs(mounts);
  const rw = await diskUsage(upper);
  let all = rw;
  for (const l of lowers) all += await diskUsage(l);
  return { SizeRw: rw, SizeRootFs: all };
}

/** A running container's rootfs as the shim mounted it: read in place, nothing to undo. */
async function liveRootfs(upper: string): Promise<PrivateMount> {
  const dir = upper && await overlayMountOf(upper);
  if (!dir) throw internal('the running container\'s rootfs is not mounted');
  return { dir, release: async () => undefined };
}

/** A stopped container's layers merged read-only under `scratch` (a root-only directory). */
function layersMount(upper: string, lowers: string[], scratch: string): Promise<PrivateMount> {
  const layers = [upper, ...lowers].filter(Boolean);
  return layers.length > 1
    ? mountPrivately(scratch, 'overlay', 'overlay', ['ro', `lowerdir=${layers.join(':')}`])
    : mountPrivately(scratch, 'none', layers[0], ['bind', 'ro']);
}

/**
 * A tar stream of the container's filesystem; a temporary mount goes away when the stream ends.
 * The caller keeps a running container frozen while it is read. The stream fails when tar does.
 */
export async function exportRootfs(mounts: Mount[], running: boolean, scratch: string): Promise<Readable> {
  const { upper, lowers } = rootfsDirs(mounts);
  const root = running ? await liveRootfs(upper) : await layersMount(upper, lowers, scratch);
  // Top-level names fed on stdin, so entries read "bin/sh" as in Docker's export (not "./bin/sh").
  const names = (await readdir(root.dir).catch(async (err) => { await root.release(); throw err; })).sort();
  const tar = spawn('tar', [...TAR_CREATE_FLAGS, '-C', root.dir, '--null', '-T', '-', '-cf', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  tar.stdin.end(names.map((n) => `${n}\0`).join(''));
  return tarOutput(tar, root.release);
}
