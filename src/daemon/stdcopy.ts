// Docker's stdcopy framing for attach, exec and logs without a TTY: an 8-byte header (stream
// id 0 stdin / 1 stdout / 2 stderr, three zero bytes, big-endian uint32 payload length) then the
// payload. Demultiplexing is shared with the client (src/client/stdcopy.ts).
import type { Writable } from 'node:stream';
import { StdcopyDemuxer, type StreamId } from '../client/stdcopy.js';

export { StdcopyDemuxer as Demuxer };

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
