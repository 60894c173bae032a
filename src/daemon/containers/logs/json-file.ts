// The json-file log driver: one JSON object per output line, byte-compatible with Docker's
// files, appended through one descriptor in batches (everything that arrives while a write
// is in flight goes out in the next single write), rotated by max-size/max-file.
import { close, fstatSync, ftruncate, open, openSync, write } from 'node:fs';
import { promisify } from 'node:util';
import { goJsonString, maxGoJsonLength, writeGoJsonString } from '../../../common/go-json.js';
import { LineSplitter, type LogMessage } from './line-splitter.js';
import type { JsonFileOptions } from './log-opts.js';
import { compressNewest, shiftRotated } from './rotate.js';
import { formatRfc3339Nano } from './timestamp.js';
import type { LogStream, Logger } from './types.js';

const writeAsync = promisify(write);
const truncateAsync = promisify(ftruncate);
const openAsync = promisify(open);
const closeAsync = promisify(close);
const LOG_PREFIX = Buffer.from('{"log":');
const STREAM_FIELD: Record<LogStream, Buffer> = {
  stdout: Buffer.from(',"stream":"stdout"'),
  stderr: Buffer.from(',"stream":"stderr"'),
};

function encodeAttrs(attrs: Record<string, string> | undefined): Buffer {
  if (!attrs) return Buffer.alloc(0);
  const fields = Object.entries(attrs).map(
    ([k, v]) => `${goJsonString(Buffer.from(k))}:${goJsonString(Buffer.from(v))}`,
  );
  return Buffer.from(`,"attrs":{${fields.join(',')}}`);
}

// Lines are encoded into this scratch buffer (grown when needed), then copied out at their size.
let scratch = Buffer.allocUnsafe(64 * 1024);

/** One json-file line: `{"log":…,"stream":…[,"attrs":{…}],"time":…}\n`. */
function encodeLogLine(stream: LogStream, msg: LogMessage, attrs: Buffer): Buffer {
  const time = `,"time":"${formatRfc3339Nano(msg.time)}"}\n`;
  const room = LOG_PREFIX.length + maxGoJsonLength(msg.line.length) + 20 + attrs.length + time.length;
  if (scratch.length < room) scratch = Buffer.allocUnsafe(room);
  let o = LOG_PREFIX.copy(scratch, 0);
  o = writeGoJsonString(msg.line, scratch, o, msg.complete);
  o += STREAM_FIELD[stream].copy(scratch, o);
  o += attrs.copy(scratch, o);
  o += scratch.write(time, o, 'latin1');
  return Buffer.from(scratch.subarray(0, o));
}

export class JsonFileLogger implements Logger {
  readonly readable = true;
  private readonly splitters: Record<LogStream, LineSplitter>;
  private readonly attrs: Buffer;
  private fd: number;
  private size: number;
  private queue: Buffer[] = [];
  private pumping: Promise<void> | null = null;
  private compressing: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;

  constructor(
    private readonly path: string,
    private readonly opts: JsonFileOptions,
    attrs: Record<string, string> | undefined,
  ) {
    this.attrs = encodeAttrs(attrs);
    this.fd = openSync(path, 'a', 0o640);
    this.size = fstatSync(this.fd).size;
    const splitter = (stream: LogStream) =>
      new LineSplitter((msg) => this.queue.push(encodeLogLine(stream, msg, this.attrs)));
    this.splitters = { stdout: splitter('stdout'), stderr: splitter('stderr') };
  }

  write(stream: LogStream, chunk: Buffer): void {
    if (this.closing) return;
    this.splitters[stream].push(chunk);
    this.schedule();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.splitters.stdout.end();
      this.splitters.stderr.end();
      this.schedule();
      while (this.pumping) await this.pumping;
      await this.compressing;
      await closeAsync(this.fd);
    })();
    return this.closing;
  }

  private schedule(): void {
    if (this.pumping || !this.queue.length) return;
    this.pumping = this.pump()
      .catch((e) => console.error(`json-file logger ${this.path}: ${(e as Error).message}`))
      .finally(() => {
        this.pumping = null;
        this.schedule();
      });
  }

  private async pump(): Promise<void> {
    while (this.queue.length) {
      const lines = this.queue;
      this.queue = [];
      let batch: Buffer[] = [];
      for (const line of lines) {
        // Docker checks the size before each message, so a file may exceed max-size by one line.
        if (this.opts.maxSize > 0 && this.size >= this.opts.maxSize) {
          await this.writeAll(batch);
          batch = [];
          await this.rotate();
        }
        batch.push(line);
        this.size += line.length;
      }
      await this.writeAll(batch);
    }
  }

  private async writeAll(batch: Buffer[]): Promise<void> {
    if (!batch.length) return;
    const data = batch.length === 1 ? batch[0] : Buffer.concat(batch);
    for (let off = 0; off < data.length; ) {
      off += (await writeAsync(this.fd, data, off, data.length - off)).bytesWritten;
    }
  }

  private async rotate(): Promise<void> {
    this.size = 0;
    if (this.opts.maxFiles < 2) {
      await truncateAsync(this.fd, 0);
      return;
    }
    await this.compressing;
    await closeAsync(this.fd);
    await shiftRotated(this.path, this.opts.maxFiles, this.opts.compress);
    this.fd = await openAsync(this.path, 'a', 0o640);
    if (this.opts.compress) {
      this.compressing = compressNewest(this.path).catch((e) =>
        console.error(`json-file logger ${this.path}: compress: ${(e as Error).message}`),
      );
    }
  }
}
