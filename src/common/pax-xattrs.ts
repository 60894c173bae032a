// Extended attributes (file capabilities above all) carried by a tar archive: `docker cp` in
// both directions keeps them. They travel in PAX records (`SCHILY.xattr.<name>`) whose values
// are raw bytes, but tar-stream decodes PAX values as UTF-8, which mangles a capability; so the
// archive's headers are read here a second time, byte-exact, as the bytes flow to tar-stream,
// and the attributes are set once each entry is written. Node has no setxattr: `setfattr`
// (Debian's attr) sets them, on a link itself, never on its target.
import { promisify } from 'node:util';

const BLOCK = 512;
const XATTR = 'SCHILY.xattr.';

export type Xattrs = Map<string, Buffer>;

const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

/** A header's numeric field: octal text, or GNU's base-256 with the high bit set. */
function number(field: Buffer): number {
  if (field[0]! & 0x80) {
    let n = 0;
    for (const [i, b] of field.entries()) n = n * 256 + (i === 0 ? b & 0x7f : b);
    return n;
  }
  const text = field.toString('latin1').replace(/\0.*$/s, '').trim();
  return text ? parseInt(text, 8) : 0;
}

/** The records of a PAX header: `<len> <key>=<value>\n`, values kept as bytes. */
function records(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (let at = 0; at < data.length;) {
    const space = data.indexOf(0x20, at);
    const len = Number(data.subarray(at, space).toString('latin1'));
    if (space < 0 || !Number.isInteger(len) || len <= space - at || at + len > data.length) throw new Error('malformed PAX header');
    const record = data.subarray(space + 1, at + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq > 0) out.set(record.subarray(0, eq).toString('utf8'), record.subarray(eq + 1));
    at += len;
  }
  return out;
}

/**
 * Follows a tar stream fed chunk by chunk (each chunk before tar-stream sees it) and keeps, per
 * entry in the order tar-stream yields them, the extended attributes its PAX headers give.
 */
export class PaxXattrReader {
  /** Entry number (0-based, PAX and GNU long-name records not counted) → its attributes. */
  readonly byEntry = new Map<number, Xattrs>();
  private rest = Buffer.alloc(0);
  private skip = 0;
  private pax: { type: string; size: number } | undefined;
  private global = new Map<string, Buffer>();
  private local: Map<string, Buffer> | undefined;
  private index = 0;
  private ended = false;

  push(chunk: Buffer): void {
    const data = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    let at = 0;
    while (!this.ended && at < data.length) {
      if (this.skip) {
        const n = Math.min(this.skip, data.length - at);
        at += n;
        this.skip -= n;
        continue;
      }
      if (this.pax) {
        if (data.length - at < padded(this.pax.size)) break;
        const recs = records(data.subarray(at, at + this.pax.size));
        if (this.pax.type === 'g') this.global = new Map([...this.global, ...recs]); else this.local = recs;
        at += padded(this.pax.size);
        this.pax = undefined;
        continue;
      }
      if (data.length - at < BLOCK) break;
      const header = data.subarray(at, at + BLOCK);
      at += BLOCK;
      if (header.every((b) => b === 0)) { this.ended = true; break; }
      this.header(header);
    }
    this.rest = Buffer.from(data.subarray(at));
  }

  private header(header: Buffer): void {
    const type = String.fromCharCode(header[156]!);
    let size = number(header.subarray(124, 136));
    if (type === 'x' || type === 'g') { this.pax = { type, size }; return; }
    if (type !== 'L' && type !== 'K') {
      const attrs: Xattrs = new Map();
      for (const [k, v] of [...this.global, ...(this.local ?? [])]) if (k.startsWith(XATTR)) attrs.set(k.slice(XATTR.length), v);
      if (attrs.size) this.byEntry.set(this.index, attrs);
      const paxSize = this.local?.get('size');
      if (paxSize) size = Number(paxSize.toString('latin1'));
      if (!['0', '\0', '7'].includes(type)) size = 0;
      this.local = undefined;
      this.index++;
    }
    this.skip = padded(size);
  }
}

/**
 * Sets the attributes on `path` itself. A file system without extended attributes, or an
 * unprivileged user who may not set one, goes without it (as Docker's untar does).
 */
export async function setXattrs(path: string, attrs: Xattrs): Promise<void> {
  // Loaded when needed: the CLI's start-up snapshot holds no child_process state.
  const run = promisify((await import('node:child_process')).execFile);
  for (const [name, value] of attrs) {
    await run('setfattr', ['-h', '-n', name, '-v', `0x${value.toString('hex')}`, '--', path]).catch((err: { stderr?: string; message: string }) => {
      if (/Operation not (supported|permitted)/.test(err.stderr ?? '')) return;
      throw new Error(`setting ${name} on ${path}: ${(err.stderr || err.message).trim()}`);
    });
  }
}
