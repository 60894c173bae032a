// Mounts berthd makes for its own use (a stopped container's root for `docker cp`, the layers
// for `docker export`): each in a fresh directory under a root-only (0700) directory of the
// exec-root, never in a world-traversable place such as /tmp, and always nosuid,nodev,noexec, so
// that while a copy is in flight no local user can reach the image's setuid binaries or device
// nodes through it, and nothing runs from it.
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PRIVATE_MOUNT_OPTIONS = ['nosuid', 'nodev', 'noexec'];

export interface PrivateMount { dir: string; release(): Promise<void> }

/** `mount -t type source <new dir under base> -o options,nosuid,nodev,noexec`. */
export async function mountPrivately(base: string, type: string, source: string, options: string[]): Promise<PrivateMount> {
  await mkdir(base, { recursive: true, mode: 0o700 });
  await chmod(base, 0o700);
  const dir = await mkdtemp(join(base, 'm-'));
  const opts = [...options.filter((o) => !PRIVATE_MOUNT_OPTIONS.includes(o)), ...PRIVATE_MOUNT_OPTIONS];
  try {
    await run('mount', ['-t', type, source, dir, '-o', opts.join(',')]);
  } catch (err) {
    await rmdir(dir).catch(() => undefined);
    throw err;
  }
  return {
    dir,
    release: async () => {
      await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
      await rmdir(dir).catch(() => undefined);
    },
  };
}
