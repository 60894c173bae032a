// Turns stored json-file lines into what GET /containers/{id}/logs sends: stream and time
// filters, the optional RFC3339NanoFixed timestamp prefix, one stdcopy frame per line (raw
// bytes for a TTY), and write backpressure.
import type { Writable } from 'node:stream';
import { frame } from '../../../common/stdcopy.js';
import { formatRfc3339NanoFixed, parseRfc3339, toNs } from './timestamp.js';
import type { ReadLogsOptions } from './types.js';

interface StoredLine {
  log?: string;
  stream?: string;
  time?: string;
}

export class LogLineWriter {
  private readonly since: bigint | null;
  private readonly until: bigint | null;

  constructor(
    private readonly opts: ReadLogsOptions,
    private readonly out: Writable,
    private readonly signal: AbortSignal,
  ) {
    this.since = opts.since !== undefined ? toNs(opts.since) : null;
    this.until = opts.until !== undefined ? toNs(opts.until) : null;
  }

  /** The client is gone: nothing more can be sent. */
  get gone(): boolean {
    return this.signal.aborted || this.out.destroyed;
  }

  /** true once `until` lies in the past: no later line can qualify. */
  untilPassed(): boolean {
    return this.until !== null && toNs(Date.now()) > this.until;
  }

  /** Sends one stored line; false when it lies after `until` (reading must stop). */
  async push(raw: Buffer): Promise<boolean> {
    let entry: StoredLine;
    let time: bigint;
    try {
      entry = JSON.parse(raw.toString('utf8'));
      time = entry.time ? parseRfc3339(entry.time) : 0n;
    } catch {
      return true; // a torn line (e.g. a crash mid-write) is skipped
    }
    if (this.until !== null && time > this.until) return false;
    if (this.since !== null && time < this.since) return true;
    const isErr = entry.stream === 'stderr';
    if (isErr ? !this.opts.stderr : !this.opts.stdout) return true;
    const log = Buffer.from(entry.log ?? '', 'utf8');
    const payload = this.opts.timestamps
      ? Buffer.concat([Buffer.from(`${formatRfc3339NanoFixed(time)} `), log])
      : log;
    if (!this.out.write(this.opts.tty ? payload : frame(isErr ? 2 : 1, payload))) await this.drained();
    return true;
  }

  private drained(): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
      this.signal.addEventListener('abort', done);
    });
  }
}
