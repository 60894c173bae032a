// Docker's stdcopy framing for attach, exec and logs without a TTY: an 8-byte header (stream
// id 0 stdin / 1 stdout / 2 stderr / 3 system error, three zero bytes, big-endian uint32 payload
// length) then the payload. The daemon frames, the client demultiplexes; both use this module.
import type { Readable, Writable } from 'node:stream';

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

export function frame(stream: 0 | 1 | 2, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + payload.length);
  out.writeUInt32BE(stream << 24, 0);
  out.writeUInt32BE(payload.length, 4);
  payload.copy(out, 8);
  return out;
}

/** Splits a complete framed buffer into its frames. */
export function demuxAll(data: Buffer): { stream: StreamId; payload: Buffer }[] {
  const frames: { stream: StreamId; payload: Buffer }[] = [];
  new StdcopyDemuxer((stream, payload) => frames.push({ stream, payload })).push(data);
  return frames;
}

/** Frames everything written to it for one stream id onto `out`. */
export class StdcopyWriter {
  constructor(private readonly out: Writable, private readonly stream: 0 | 1 | 2) {}

  /** Returns false when `out` asks the writer to wait for 'drain'. */
  write(payload: Buffer): boolean {
    return payload.length ? this.out.write(frame(this.stream, payload)) : true;
  }
}
