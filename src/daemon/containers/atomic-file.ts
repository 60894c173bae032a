// Crash-safe file writes for container records: write a temp file, fsync it, rename it over
// the target, so a reader (or a berthd restarted after kill -9) sees the old or the new file.
import { openSync, writeSync, fsyncSync, closeSync, renameSync } from 'node:fs';

export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
