// Cuts one stream's output into log messages as moby's log copier does: one message per line
// (newline removed), a line longer than the 16 KiB buffer goes out in 16 KiB partial pieces,
// and what is left without a newline goes out as a final partial piece when the stream closes.
// The pieces of one line share the timestamp of the first piece.
import { nowNs } from './timestamp.js';

export const PARTIAL_LIMIT = 16 * 1024;

export interface LogMessage {
  line: Buffer;
  /** false for a piece of a longer line: stored without the newline. */
  complete: boolean;
  time: bigint;
}

export class LineSplitter {
  private held: Buffer = Buffer.alloc(0);
  private partialTime: bigint | null = null;

  constructor(private readonly emit: (msg: LogMessage) => void) {}

  push(chunk: Buffer): void {
    let data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    let nl: number;
    while ((nl = data.indexOf(0x0a)) >= 0) {
      this.send(data.subarray(0, nl), true);
      data = data.subarray(nl + 1);
    }
    while (data.length >= PARTIAL_LIMIT) {
      this.send(data.subarray(0, PARTIAL_LIMIT), false);
      data = data.subarray(PARTIAL_LIMIT);
    }
    // Keep a copy: the caller may reuse its buffer.
    this.held = Buffer.from(data);
  }

  /** Sends the held bytes (the stream ended). */
  end(): void {
    if (this.held.length) this.send(this.held, false);
    this.held = Buffer.alloc(0);
  }

  private send(line: Buffer, complete: boolean): void {
    const time = this.partialTime ?? nowNs();
    this.partialTime = complete ? null : time;
    this.emit({ line, complete, time });
  }
}
