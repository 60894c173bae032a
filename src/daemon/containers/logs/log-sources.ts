// Opens a container's json-file logs for reading: the rotated files (plain or gzipped),
// oldest first, then the current file. Descriptors are opened up front so a rotation while
// reading moves names, not the data being read.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { rotatedPath } from './rotate.js';

/** Bytes read at a time from log files. */
export const READ_CHUNK = 64 * 1024;

/** Random access to one log file's bytes. */
export interface LogSource {
  size(): Promise<number>;
  read(pos: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export class FileSource implements LogSource {
  constructor(readonly handle: fsp.FileHandle) {}

  static async open(path: string): Promise<FileSource | null> {
    try {
      return new FileSource(await fsp.open(path, 'r'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  async read(pos: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.handle.read(buf, 0, length, pos);
    return buf.subarray(0, bytesRead);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * A gzipped rotated file, decompressed into an unlinked temporary file beside it (as Docker
 * does): a reader never holds a whole rotated file (up to max-size) in memory.
 */
async function openGzipped(gzPath: string): Promise<FileSource | null> {
  const gz = await FileSource.open(gzPath);
  if (!gz) return null;
  const tmpPath = `${gzPath}.${randomBytes(6).toString('hex')}.tmp`;
  let out: fsp.FileHandle | undefined;
  try {
    out = await fsp.open(tmpPath, 'w+');
    await fsp.unlink(tmpPath);
    const input = createReadStream('', { fd: gz.handle.fd, autoClose: false, start: 0 });
    await pipeline(input, createGunzip(), createWriteStream('', { fd: out.fd, autoClose: false }));
    return new FileSource(out);
  } catch (e) {
    await out?.close();
    await fsp.unlink(tmpPath).catch(() => undefined);
    throw e;
  } finally {
    await gz.close();
  }
}

async function openRotated(path: string, index: number): Promise<LogSource | null> {
  return (await FileSource.open(rotatedPath(path, index, false))) ?? openGzipped(rotatedPath(path, index, true));
}

export interface LogFiles {
  /** Rotated files, oldest first. */
  rotated: LogSource[];
  /** The file being written; null when it does not exist (yet). */
  current: FileSource | null;
}

export async function openLogFiles(path: string): Promise<LogFiles> {
  const current = await FileSource.open(path);
  const rotated: LogSource[] = [];
  try {
    for (let i = 1; ; i++) {
      const src = await openRotated(path, i);
      if (!src) break;
      rotated.unshift(src);
    }
  } catch (e) {
    await Promise.all([current, ...rotated].map((s) => s?.close()));
    throw e;
  }
  return { rotated, current };
}
