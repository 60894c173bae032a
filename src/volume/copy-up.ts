// Copy-up: a new, empty volume gets what the image holds at its mount point (ownership, modes,
// xattrs, symlinks and hard links kept, as `cp -a` copies them), as Docker fills volumes. The
// mount point is resolved inside the container's root, so a symlink in the image never leads
// the copy to a host directory.
import { execFile } from 'node:child_process';
import { lstat, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { invalid } from '../common/errors.js';
import { hostPath, resolveScoped } from '../common/scoped-path.js';

const run = promisify(execFile);

/** Where `destination` is inside `root` (symlinks followed within it); never the root itself. */
export async function mountTarget(root: string, destination: string): Promise<string> {
  const resolved = await resolveScoped(root, destination, true);
  if (resolved === '/') throw invalid(`invalid mount config for "${destination}": it leads to the container's root directory`);
  return resolved;
}

/** Fills `volumeDir` from `root`'s `destination` when the volume is empty and there is a directory to copy. */
export async function copyUp(root: string, destination: string, volumeDir: string): Promise<boolean> {
  const src = hostPath(root, await mountTarget(root, destination));
  const st = await lstat(src).catch(() => undefined);
  if (!st?.isDirectory()) return false;
  if ((await readdir(volumeDir)).length) return false;
  await run('cp', ['-a', '--', `${src}/.`, volumeDir], { maxBuffer: 1 << 20 });
  return true;
}
