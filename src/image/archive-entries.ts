// The files of an uploaded image archive, read once from the stream: large files go straight
// into the content store (hashed on the way), small ones stay in memory within a budget. Entry
// paths are normalised and confined to the archive: absolute paths, `..` escapes and symlinks
// that point out are refused. Nothing is ever written to the file system.
import { posix } from 'node:path';
import tar from 'tar-stream';
import { Containerd } from '../runtime/containerd-client.js';
import { invalid } from '../common/errors.js';
import { readBuffer, writeBlob, writeBuffer, type Descriptor } from './content-store.js';
import { layerMediaType } from './types.js';
import { sha256 } from './layers.js';

const SMALL_FILE = 1 << 20;
const MEMORY_BUDGET = 64 << 20;
const JSON_LIMIT = 8 << 20;
const MAX_ENTRIES = 100_000;
const MAX_LINK_DEPTH = 16;
// Names and link targets are held for every entry: tar headers allow megabytes each.
const MAX_NAME = 4096;

/** One entry of tar-stream's extract iteration (its bundled types leave streamx untyped). */
type TarEntry = AsyncIterable<Buffer> & { header: tar.Header; resume(): unknown };

type Entry =
  | { kind: 'data'; data: Buffer }
  | { kind: 'blob'; digest: string; size: number; head: Buffer }
  | { kind: 'link'; target: string };

/** Normalises an archive path; throws when it is absolute or climbs out of the archive. */
export function confine(p: string, what = 'entry'): string {
  if (p.startsWith('/')) throw invalid(`invalid archive: ${what} ${JSON.stringify(p)} is an absolute path`);
  const parts: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!parts.length) throw invalid(`invalid archive: ${what} ${JSON.stringify(p)} points outside the archive`);
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

export class ArchiveEntries {
  private readonly entries = new Map<string, Entry>();
  private readonly stored = new Map<string, Descriptor>();
  private buffered = 0;

  private constructor(private readonly c: Containerd) {}

  /** Reads the whole tar stream (uncompressed) into content store / memory. */
  static async read(c: Containerd, source: NodeJS.ReadableStream): Promise<ArchiveEntries> {
    const files = new ArchiveEntries(c);
    const extract = tar.extract();
    source.on('error', (err: Error) => extract.destroy(err));
    source.pipe(extract as unknown as NodeJS.WritableStream);
    try {
      for await (const entry of extract) await files.add(entry as unknown as TarEntry);
    } catch (err) {
      if ((err as { status?: number }).status) throw err;
      throw invalid(`invalid archive: ${(err as Error).message}`);
    }
    if (!files.entries.size) throw invalid('invalid archive: the archive is empty');
    return files;
  }

  private async add(entry: TarEntry): Promise<void> {
    const h = entry.header;
    if (this.entries.size >= MAX_ENTRIES) throw invalid(`invalid archive: more than ${MAX_ENTRIES} entries`);
    for (const s of [h.name, h.linkname ?? '']) {
      if (Buffer.byteLength(s) > MAX_NAME) throw invalid(`invalid archive: entry name is too long (more than ${MAX_NAME} bytes)`);
    }
    const name = confine(h.name);
    if (h.type === 'file' || h.type === 'contiguous-file') {
      const size = h.size ?? 0;
      if (size <= SMALL_FILE && this.buffered + size <= MEMORY_BUDGET) {
        const chunks: Buffer[] = [];
        for await (const b of entry) chunks.push(b);
        this.buffered += size;
        this.entries.set(name, { kind: 'data', data: Buffer.concat(chunks) });
      } else {
        const blob = await writeBlob(this.c, entry);
        this.entries.set(name, { kind: 'blob', ...blob });
      }
      return;
    }
    entry.resume();
    if (h.type === 'symlink') {
      const link = h.linkname ?? '';
      if (link.startsWith('/')) throw invalid(`invalid archive: symlink ${JSON.stringify(h.name)} points outside the archive`);
      this.entries.set(name, { kind: 'link', target: confine(posix.join(posix.dirname(name), link), `symlink ${JSON.stringify(h.name)} target`) });
    } else if (h.type === 'link') {
      this.entries.set(name, { kind: 'link', target: confine(h.linkname ?? '', `hard link ${JSON.stringify(h.name)} target`) });
    }
  }

  has(path: string): boolean { return this.lookup(path, false) !== undefined; }

  private lookup(path: string, required = true): Exclude<Entry, { kind: 'link' }> | undefined {
    let p = confine(path, 'path');
    for (let depth = 0; depth <= MAX_LINK_DEPTH; depth++) {
      const e = this.entries.get(p);
      if (!e) {
        if (required) throw invalid(`invalid archive: ${JSON.stringify(path)} not found in the archive`);
        return undefined;
      }
      if (e.kind !== 'link') return e;
      p = e.target;
    }
    throw invalid(`invalid archive: too many levels of symbolic links at ${JSON.stringify(path)}`);
  }

  /** A small file's bytes (JSON documents). */
  async bytes(path: string): Promise<Buffer> {
    const e = this.lookup(path)!;
    if (e.kind === 'data') return e.data;
    if (e.size > JSON_LIMIT) throw invalid(`invalid archive: ${path} is too large (${e.size} bytes, limit ${JSON_LIMIT})`);
    return readBuffer(this.c, e.digest);
  }

  async json<T>(path: string): Promise<T> {
    const data = await this.bytes(path);
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch (err) {
      throw invalid(`invalid archive: ${path}: ${(err as Error).message}`);
    }
  }

  /** The file as a content-store blob (written there now if it was held in memory). */
  async blob(path: string, mediaType?: string): Promise<Descriptor> {
    const key = confine(path, 'path');
    let desc = this.stored.get(key);
    if (!desc) {
      const e = this.lookup(path)!;
      const blob = e.kind === 'blob' ? e : await writeBuffer(this.c, e.data);
      desc = { mediaType: mediaType ?? layerMediaType(blob.head), digest: blob.digest, size: blob.size };
      this.stored.set(key, desc);
    }
    return mediaType ? { ...desc, mediaType } : desc;
  }

  /** Digest of a file's content (for checking OCI blobs against their names). */
  async digest(path: string): Promise<string> {
    const e = this.lookup(path)!;
    return e.kind === 'blob' ? e.digest : sha256(e.data);
  }
}
