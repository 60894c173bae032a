// Crash-safe file writes (container records, volume metadata): write a temp file, rename it over the target,
// so a reader (or a berthd restarted after kill -9: the page cache outlives the process) sees
// the old or the new file. `durable` adds an fsync before the rename, for what must survive a
// host crash too (a container's config, which cannot be rebuilt), not for state that
// reconciliation with containerd repairs at start-up. Asynchronous: the event loop never waits
// for the disk.
import { open, rename, unlink } from 'node:fs/promises';

let counter = 0;

export async function writeFileAtomic(path: string, data: string | Buffer, opts: { mode?: number; durable?: boolean } = {}): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${++counter}`;
  const fh = await open(tmp, 'w', opts.mode ?? 0o644);
  try {
    await fh.writeFile(data);
    if (opts.durable) await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
}
