// Request bodies may be plain or gzip-compressed tars: peek at the first bytes and decompress
// when needed, without buffering the body.
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { invalid } from '../common/errors.js';

async function* withHead(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length) yield head;
  for (;;) {
    const { value, done } = await rest.next();
    if (done) return;
    yield value;
  }
}

/** The body as an uncompressed byte stream (gzip is undone; bzip2/xz/zstd are refused). */
export async function decompressed(body: AsyncIterable<Buffer>): Promise<Readable> {
  const it = body[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 6) {
    const { value, done } = await it.next();
    if (done) break;
    head = Buffer.concat([head, value]);
  }
  const source = Readable.from(withHead(head, it), { objectMode: false });
  if (head[0] === 0x1f && head[1] === 0x8b) return pipeline(source, createGunzip(), () => undefined);
  if (head.subarray(0, 3).toString('latin1') === 'BZh' || head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) || head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) {
    source.destroy();
    throw invalid('unsupported compression format: only uncompressed and gzip-compressed tar archives are accepted');
  }
  return source;
}
