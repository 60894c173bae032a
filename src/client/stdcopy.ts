// Demultiplexes Docker's stdcopy framing (8-byte header: stream id, 3 zero bytes, big-endian
// length) used by attach, exec and logs when the container has no TTY.
import type { Readable } from 'node:stream';

export type StreamId = 0 | 1 | 2 | 3;

/** Feeds framed chunks in and calls `onFrame` for each complete payload. */
export class StdcopyDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: StreamId, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream = this.pending[0] as StreamId;
      this.onFrame(stream, this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}

/** Pipes a framed stream to stdout/stderr writers; resolves when the source ends. */
export function demuxTo(
  source: Readable,
  out: (b: Buffer) => void,
  err: (b: Buffer) => void,
): Promise<void> {
  const demux = new StdcopyDemuxer((stream, payload) => (stream === 2 ? err(payload) : out(payload)));
  return new Promise((resolve, reject) => {
    source.on('data', (c: Buffer) => demux.push(c));
    source.on('end', resolve);
    source.on('close', resolve);
    source.on('error', reject);
  });
}
