// Naming and shifting of rotated json-file logs: `<id>-json.log` is current, `.1` the newest
// rotated file, then `.2` …; with compress, rotated files are gzipped to `.N.gz`.
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export function rotatedPath(path: string, index: number, compressed: boolean): string {
  return `${path}.${index}${compressed ? '.gz' : ''}`;
}

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Shifts `.1`…`.N-2` up by one, dropping the oldest, and moves the current file to `.1`. */
export async function shiftRotated(path: string, maxFiles: number, compress: boolean): Promise<void> {
  await ignoreMissing(fsp.unlink(rotatedPath(path, maxFiles - 1, compress)));
  for (let i = maxFiles - 1; i > 1; i--) {
    await ignoreMissing(fsp.rename(rotatedPath(path, i - 1, compress), rotatedPath(path, i, compress)));
  }
  await fsp.rename(path, rotatedPath(path, 1, false));
}

/**
 * Gzips `.1` into `.1.gz`. The plain file is removed only after the compressed one is in
 * place, so a reader always finds one complete copy (it prefers the plain file).
 */
export async function compressNewest(path: string): Promise<void> {
  const plain = rotatedPath(path, 1, false);
  const gz = rotatedPath(path, 1, true);
  const tmp = `${gz}.tmp`;
  await pipeline(createReadStream(plain), createGzip(), createWriteStream(tmp, { mode: 0o640 }));
  await fsp.rename(tmp, gz);
  await fsp.unlink(plain);
}
