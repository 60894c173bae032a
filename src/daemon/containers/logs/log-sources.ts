// Opens a container's json-file logs for reading: the rotated files (plain or gzipped),
// oldest first, then the current file. Descriptors are opened up front so a rotation while
// reading moves names, not the data being read.
import { promises as fsp } from 'node:fs';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { rotatedPath } from './rotate.js';

const gunzipAsync = promisify(gunzip);

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

class MemorySource implements LogSource {
  constructor(private readonly data: Buffer) {}
  async size(): Promise<number> {
    return this.data.length;
  }
  async read(pos: number, length: number): Promise<Buffer> {
    return this.data.subarray(pos, pos + length);
  }
  async close(): Promise<void> {}
}

async function openRotated(path: string, index: number): Promise<LogSource | null> {
  const plain = await FileSource.open(rotatedPath(path, index, false));
  if (plain) return plain;
  try {
    return new MemorySource(await gunzipAsync(await fsp.readFile(rotatedPath(path, index, true))));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
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
  for (let i = 1; ; i++) {
    const src = await openRotated(path, i);
    if (!src) break;
    rotated.unshift(src);
  }
  return { rotated, current };
}
