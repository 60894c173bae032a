// Task stdio over FIFOs, as containerd's shims expect: berthd opens the read ends of
// stdout/stderr with O_NONBLOCK and wraps them in net.Socket (plain fs streams would block
// libuv's thread pool), and holds stdin's FIFO open read-write so opening never blocks and
// closing it is the container's EOF. The FIFOs live under the exec-root so a restarted
// berthd reopens them; the shim keeps its own read end, so output waits in the pipe meanwhile.
import { constants, mkdirSync, openSync, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import type { FifoPool } from './fifo-pool.js';

export interface StdioPaths {
  stdin: string;
  stdout: string;
  stderr: string;
  terminal: boolean;
}

export type StreamName = 'stdout' | 'stderr';

/** Lays out the FIFOs of one process in `dir` (stdin only when wanted; stderr only without a tty). */
export async function makeFifos(pool: FifoPool, dir: string, opts: { stdin: boolean; tty: boolean }): Promise<StdioPaths> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const paths: StdioPaths = {
    stdin: opts.stdin ? join(dir, 'stdin') : '',
    stdout: join(dir, 'stdout'),
    stderr: opts.tty ? '' : join(dir, 'stderr'),
    terminal: opts.tty,
  };
  for (const p of [paths.stdin, paths.stdout, paths.stderr]) if (p && !existsSync(p)) await pool.take(p);
  return paths;
}

/** Removes a process's FIFO directory (asynchronously: it runs after every exit). */
export function removeFifos(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true }).catch((err) => console.error(`berthd: removing ${dir}: ${err.message}`));
}

function openReader(path: string): Socket {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  return new Socket({ fd, readable: true, writable: false });
}

function openStdin(path: string): Socket {
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const s = new Socket({ fd, readable: false, writable: true });
  s.on('error', () => undefined);
  return s;
}

export interface OutputSink {
  /** Returns false when the sink wants the source paused until it calls `resume`. */
  write(stream: StreamName, chunk: Buffer, resume: () => void): boolean;
  /** The process's output ended (all FIFOs reached EOF). */
  end(): void;
}

/**
 * The open stdio of one task process: fans the output out to sinks (the log, attached
 * clients) with backpressure, and owns the stdin writer.
 */
export class TaskStreams extends EventEmitter {
  /** Each sink with the resume callback it still owes, if it paused the sources. */
  private readonly sinks = new Map<OutputSink, (() => void) | null>();
  private readonly sources: Socket[] = [];
  private open = 0;
  private paused = 0;
  private ended = false;
  stdin?: Socket;
  private closeIO?: () => Promise<void>;
  private closingStdin?: Socket;

  constructor(readonly paths: StdioPaths) {
    super();
    const add = (path: string, name: StreamName) => {
      if (!path) return;
      const s = openReader(path);
      this.sources.push(s);
      this.open++;
      s.on('data', (chunk: Buffer) => this.deliver(name, chunk));
      s.on('error', () => undefined);
      s.once('close', () => { if (--this.open === 0) this.finish(); });
    };
    add(paths.stdout, 'stdout');
    add(paths.stderr, 'stderr');
    if (paths.stdin) this.stdin = openStdin(paths.stdin);
  }

  private deliver(name: StreamName, chunk: Buffer): void {
    for (const sink of [...this.sinks.keys()]) {
      let counted = false;
      let resumed = false;
      const resume = () => {
        if (resumed) return;
        resumed = true;
        if (this.sinks.get(sink) === resume) this.sinks.set(sink, null);
        if (counted && --this.paused === 0) for (const s of this.sources) s.resume();
      };
      if (!sink.write(name, chunk, resume) && !resumed) {
        counted = true;
        this.sinks.set(sink, resume);
        if (this.paused++ === 0) for (const s of this.sources) s.pause();
      }
    }
  }

  private finish(): void {
    this.ended = true;
    for (const sink of this.sinks.keys()) sink.end();
    this.sinks.clear();
    this.emit('end');
  }

  get done(): boolean { return this.ended; }

  /** Adds a sink; if the output already ended the sink is ended at once. */
  attach(sink: OutputSink): () => void {
    if (this.ended) { sink.end(); return () => undefined; }
    this.sinks.set(sink, null);
    return () => {
      const pending = this.sinks.get(sink);
      this.sinks.delete(sink);
      pending?.();
    };
  }

  /** Resolves when every output FIFO reached EOF, or after `ms`. */
  drained(ms: number): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.once('end', () => { clearTimeout(t); resolve(); });
    });
  }

  /**
   * Closes stdin once everything written so far reached the FIFO (the process sees EOF).
   * Before the process runs our writer stays open: closing the last fd of a FIFO drops its data.
   */
  closeStdin(): void {
    const s = this.stdin;
    if (!s) return;
    this.stdin = undefined;
    s.write(Buffer.alloc(0), () => {
      this.closingStdin = s;
      if (this.closeIO) this.finishStdinClose();
    });
  }

  private finishStdinClose(): void {
    this.closingStdin?.destroy();
    this.closingStdin = undefined;
    this.closeIO?.().catch(() => undefined);
  }

  /**
   * The process runs: sets how to close its stdin (the shim holds its own writer, so closing
   * ours is not EOF; containerd's CloseIO is). A close asked for earlier happens now.
   */
  started(closeIO: () => Promise<void>): void {
    this.closeIO = closeIO;
    if (this.closingStdin) this.finishStdinClose();
  }

  /** Stops reading; the FIFOs stay on disk for a later reopen. */
  close(): void {
    for (const s of this.sources) s.destroy();
    this.stdin?.destroy();
    this.closingStdin?.destroy();
    this.stdin = undefined;
  }
}
