// Where the host's mount table has a running container's rootfs: the shim mounts the snapshot
// (overlayfs, upperdir = the container's own layer) in the host's mount namespace before runc
// pivots into it, so that mount is the container's filesystem as its layers make it, without
// what runc mounts inside (/proc, /dev, /etc/hosts, binds, volumes). Found by its upperdir, it
// works for berth's own containerd and for one named with --containerd alike.
import { readFile } from 'node:fs/promises';

/** mountinfo escapes space, tab, newline and backslash as octal (\040 …). */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The mount point of the overlay mount whose upperdir is `upper`, if there is one. */
export async function overlayMountOf(upper: string, table = '/proc/self/mountinfo'): Promise<string | undefined> {
  const text = await readFile(table, 'utf8');
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const [fstype, , superOptions = ''] = right.split(' ');
    if (fstype !== 'overlay') continue;
    if (superOptions.split(',').some((o) => unescape(o) === `upperdir=${upper}`)) return unescape(left.split(' ')[4] ?? '');
  }
  return undefined;
}
