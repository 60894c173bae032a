// Crash-safe file writes for container records: write a temp file, rename it over the target,
// so a reader (or a berthd restarted after kill -9: the page cache outlives the process) sees
// the old or the new file. `durable` adds an fsync before the rename, for what must survive a
// host crash too; it blocks the event loop for milliseconds under load, so it is kept for what
// cannot be rebuilt (a container's config), not for state that reconciliation with containerd
// repairs at start-up.
import { openSync, writeSync, fsyncSync, closeSync, renameSync } from 'node:fs';

export function writeFileAtomic(path: string, data: string | Buffer, opts: { mode?: number; durable?: boolean } = {}): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', opts.mode ?? 0o644);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (opts.durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
