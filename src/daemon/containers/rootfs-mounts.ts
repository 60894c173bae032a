// A stopped container's binds and volumes inside its privately mounted root, for `docker cp`, as
// Docker's mountVolumes does: each source is bound (recursively unless asked otherwise, made
// rprivate at once so that nothing propagates to or from the host's copy) onto its destination,
// resolved inside the root by resolveScoped, so that a symlink in the image never leads a bind
// onto a host path. A destination the root lacks is created in the container's upper layer (a
// directory, or an empty file for a file bind), as Docker does for cp and runc at each start; so
// the root is mounted writable whenever there is a bind or volume, also to read. The binds are
// read-only unless both the mount point and the open are writable, and always nosuid,nodev,noexec.
// tmpfs mounts have no content while the container is stopped, and `image` mounts are left out.
import { execFile } from 'node:child_process';
import { lstat, mkdir, stat, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { promisify } from 'node:util';
import { invalid } from '../../common/errors.js';
import { hostPath, resolveScoped } from '../../common/scoped-path.js';
import { mountTarget } from '../../volume/copy-up.js';
import type { MountPoint } from '../../volume/mount-spec.js';
import { PRIVATE_MOUNT_OPTIONS } from './private-mount.js';

const run = promisify(execFile);

const depth = (dst: string) => posix.normalize(dst).split('/').filter(Boolean).length;

/** The mount points cp shows in a stopped container's root, parents before what they hold. */
export function contentMounts(points: MountPoint[]): MountPoint[] {
  return points.filter((mp) => mp.Type === 'bind' || mp.Type === 'volume').sort((a, b) => depth(a.Destination) - depth(b.Destination));
}

/** The mount point holding the container path `resolved` (the innermost one), as Docker's HasResource finds it. */
export function mountPointAt(points: MountPoint[], resolved: string): MountPoint | undefined {
  let best: MountPoint | undefined;
  for (const mp of points) {
    const dst = posix.normalize(mp.Destination);
    const rel = posix.relative(dst, resolved);
    if (rel === '..' || rel.startsWith('../')) continue;
    if (!best || depth(dst) >= depth(best.Destination)) best = mp;
  }
  return best;
}

/** A bind's source, or a volume's `_data` (its sub-path resolved inside it); one that is gone is an error, as at a start. */
async function sourceOf(mp: MountPoint): Promise<string> {
  if (mp.Type === 'bind') {
    if (mp.CreateSource && !(await stat(mp.Source).catch(() => undefined))) await mkdir(mp.Source, { recursive: true, mode: 0o755 });
    if (!(await stat(mp.Source).catch(() => undefined))) throw invalid(`invalid mount config for type "bind": bind source path does not exist: ${mp.Source}`);
    return mp.Source;
  }
  const p = mp.Subpath ? hostPath(mp.Source, await resolveScoped(mp.Source, mp.Subpath, true)) : mp.Source;
  if (!(await stat(p).catch(() => undefined))) throw invalid(`cannot access path ${p}: no such file or directory`);
  return p;
}

/** Creates what the bind is mounted on when the root lacks it: a directory, or a file for a file's bind. */
async function ensureTarget(target: string, dir: boolean): Promise<void> {
  if (await lstat(target).catch(() => undefined)) return;
  if (dir) await mkdir(target, { recursive: true, mode: 0o755 });
  else {
    await mkdir(posix.dirname(target), { recursive: true, mode: 0o755 });
    await writeFile(target, '', { flag: 'wx', mode: 0o755 });
  }
}

async function remount(target: string, rw: boolean): Promise<void> {
  await run('mount', ['-o', ['remount', 'bind', rw ? 'rw' : 'ro', ...PRIVATE_MOUNT_OPTIONS].join(','), target]);
}

async function unmount(target: string): Promise<void> {
  await run('umount', ['-R', target]).catch(() => run('umount', ['-R', '-l', target]));
}

/**
 * Binds `points` (see contentMounts) into `root`; returns what unmounts them all, innermost
 * first. Should one fail, those already made are unmounted before the error is thrown.
 */
export async function bindMountPoints(root: string, points: MountPoint[], writable: boolean): Promise<() => Promise<void>> {
  const made: string[] = [];
  const later: string[] = [];
  const release = async () => {
    let first: unknown;
    for (const target of made.splice(0).reverse()) await unmount(target).catch((err) => { first ??= err; });
    if (first) throw first;
  };
  try {
    for (const mp of contentMounts(points)) {
      const source = await sourceOf(mp);
      const st = await stat(source);
      const target = hostPath(root, await mountTarget(root, mp.Destination));
      await ensureTarget(target, st.isDirectory());
      await run('mount', [mp.NonRecursive ? '--bind' : '--rbind', source, target]);
      made.push(target);
      await run('mount', ['--make-rprivate', target]);
      await remount(target, mp.RW);
      // Made read-only once all are in: a destination inside this mount may still need creating.
      if (mp.RW && !writable) later.push(target);
    }
    for (const target of later) await remount(target, false);
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
  return release;
}
