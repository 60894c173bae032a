// containerd's content store seen as streams: write a blob from a byte stream (hashed on the way,
// never held whole), read one back as a stream, read small JSON blobs, and run work under a lease
// so that nothing written is garbage-collected before an image record references it.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { type Containerd, GrpcStatus, isGrpcCode } from '../runtime/containerd-client.js';

export interface Descriptor { mediaType: string; digest: string; size: number }

const CHUNK = 1 << 22;
const WINDOW = 4;

/** Lease-scoped containerd connection: everything created through it is held by the lease. */
export async function withLease<T>(c: Containerd, work: (leased: Containerd) => Promise<T>): Promise<T> {
  const id = `berth-${randomBytes(8).toString('hex')}`;
  await c.leases.Create({ id, labels: { 'containerd.io/gc.expire': new Date(Date.now() + 3_600_000).toISOString() } });
  const leased = c.withMetadata('containerd-lease', id);
  try {
    return await work(leased);
  } finally {
    await c.leases.Delete({ id, sync: false }).catch(() => undefined);
  }
}

/** A bidi Write stream driven one request at a time. */
class Ingest {
  private readonly call;
  private readonly pending: { resolve: (v: any) => void; reject: (e: Error) => void }[] = [];
  private failed?: Error;
  readonly ref = `berth-${randomBytes(12).toString('hex')}`;

  constructor(c: Containerd) {
    this.call = c.content.writer('Write');
    this.call.on('data', (res: unknown) => this.pending.shift()?.resolve(res));
    this.call.on('error', (err: Error) => {
      this.failed = err;
      for (const p of this.pending.splice(0)) p.reject(err);
    });
  }

  send(req: object): Promise<any> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.call.write({ ref: this.ref, ...req });
    });
  }

  end(): void { this.call.end(); }
  abort(): void { this.call.cancel(); }
}

export interface WrittenBlob { digest: string; size: number; head: Buffer }

/**
 * Streams `source` into the content store. The digest is computed while writing; `head` holds
 * the first bytes (for sniffing compression). Existing content with the same digest is reused.
 */
export async function writeBlob(c: Containerd, source: AsyncIterable<Buffer> | Iterable<Buffer>, labels: Record<string, string> = {}): Promise<WrittenBlob> {
  const ingest = new Ingest(c);
  const hash = createHash('sha256');
  let offset = 0;
  let head = Buffer.alloc(0);
  let buf: Buffer[] = [];
  let buffered = 0;
  // Up to WINDOW writes are in flight at once: containerd answers each in order.
  const inflight: Promise<unknown>[] = [];
  const flush = async () => {
    if (!buffered) return;
    const data = Buffer.concat(buf);
    buf = []; buffered = 0;
    inflight.push(ingest.send({ action: 'WRITE', offset, data }));
    offset += data.length;
    if (inflight.length >= WINDOW) await inflight.shift();
  };
  try {
    await ingest.send({ action: 'STAT' });
    for await (const chunk of source) {
      if (head.length < 512) head = Buffer.concat([head, chunk.subarray(0, 512 - head.length)]);
      hash.update(chunk);
      buf.push(chunk); buffered += chunk.length;
      if (buffered >= CHUNK) await flush();
    }
    await flush();
    await Promise.all(inflight);
    const digest = `sha256:${hash.digest('hex')}`;
    try {
      await ingest.send({ action: 'COMMIT', offset, total: offset, expected: digest, labels });
      ingest.end();
    } catch (err) {
      if (!isGrpcCode(err, GrpcStatus.ALREADY_EXISTS)) throw err;
      if (Object.keys(labels).length) await setLabels(c, digest, labels);
    }
    return { digest, size: offset, head };
  } catch (err) {
    ingest.abort();
    await c.content.Abort({ ref: ingest.ref }).catch(() => undefined);
    throw err;
  }
}

export function writeBuffer(c: Containerd, data: Buffer, labels: Record<string, string> = {}): Promise<WrittenBlob> {
  return writeBlob(c, [data], labels);
}

/** Adds (or replaces) labels on a blob, keeping the others. */
export async function setLabels(c: Containerd, digest: string, labels: Record<string, string>): Promise<void> {
  const { info } = await c.content.Info({ digest });
  await c.content.Update({
    info: { ...info, labels: { ...info.labels, ...labels } },
    update_mask: { paths: Object.keys(labels).map((k) => `labels.${k}`) },
  });
}

/** The blob's bytes as a stream. */
export function readBlob(c: Containerd, digest: string): Readable {
  const call = c.content.stream('Read', { digest, offset: 0, size: 0 });
  return Readable.from((async function* () {
    for await (const msg of call) yield msg.data as Buffer;
  })());
}

export async function readBuffer(c: Containerd, digest: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const b of readBlob(c, digest)) chunks.push(b);
  return Buffer.concat(chunks);
}

export async function readJson<T = any>(c: Containerd, digest: string): Promise<T> {
  return JSON.parse((await readBuffer(c, digest)).toString('utf8')) as T;
}
