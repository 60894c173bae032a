// GET /containers/{id}/logs for json-file logs: history from the rotated files (oldest first,
// `tail` found by reading backwards), then in follow mode the lines appended to the current
// file, across rotations, until the container has finished or the client is gone.
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { ChangeWaiter } from './change-waiter.js';
import { LogLineWriter } from './log-line-writer.js';
import { FileSource, openLogFiles, READ_CHUNK, type LogSource } from './log-sources.js';
import { rotatedPath } from './rotate.js';
import { endOfLines, tailStart, type Position } from './tail.js';
import type { ReadDone, ReadLogsOptions } from './types.js';

const POLL_MS = 250;

interface PumpResult {
  /** Just after the last complete line sent. */
  offset: number;
  /** `until` was passed or the client went away. */
  stopped: boolean;
}

/** Sends the complete lines of `src` from `offset` to its current end. */
async function pumpLines(src: LogSource, offset: number, writer: LogLineWriter): Promise<PumpResult> {
  let carry: Buffer = Buffer.alloc(0);
  for (;;) {
    if (writer.gone) return { offset, stopped: true };
    const buf = await src.read(offset + carry.length, READ_CHUNK);
    if (!buf.length) return { offset, stopped: false };
    const data = carry.length ? Buffer.concat([carry, buf]) : buf;
    let p = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, p)) {
      if (!(await writer.push(data.subarray(p, nl)))) return { offset: offset + nl + 1, stopped: true };
      p = nl + 1;
    }
    offset += p;
    carry = data.subarray(p);
  }
}

async function inode(path: string): Promise<number | null> {
  try {
    return (await fsp.stat(path)).ino;
  } catch {
    return null;
  }
}

/**
 * The file written after the one with inode `ino`, which was rotated away: `.k-1` when it is
 * now `.k`, the current file when it is `.1` or no longer found (removed, or gzipped).
 */
async function nextFile(path: string, ino: number): Promise<string> {
  let newer = path;
  for (let k = 1; ; k++) {
    const candidate = rotatedPath(path, k, false);
    const found = await inode(candidate);
    if (found === null) return path;
    if (found === ino) return newer;
    newer = candidate;
  }
}

/** Follows the current file from `offset`, reopening it when it is rotated away. */
async function follow(path: string, initial: FileSource | null, offset: number, writer: LogLineWriter, done: ReadDone): Promise<void> {
  const waiter = new ChangeWaiter(dirname(path), done.signal);
  let src = initial;
  let ino = src ? (await src.handle.stat()).ino : null;
  let finishing = false;
  try {
    while (!writer.gone) {
      if (src) {
        const r = await pumpLines(src, offset, writer);
        if (r.stopped) return;
        offset = r.offset;
      }
      if (writer.untilPassed()) return;
      const current = await inode(path);
      if (current !== null && current !== ino) {
        // Rotated (or created): finish the old file, which the driver no longer writes, then
        // go on with the one written after it (a slow reader may be more than one rotation behind).
        let next = path;
        if (src && ino !== null) {
          const r = await pumpLines(src, offset, writer);
          if (r.stopped) return;
          if (src !== initial) await src.close();
          next = await nextFile(path, ino);
        }
        src = await FileSource.open(next);
        ino = src ? (await src.handle.stat()).ino : null;
        offset = 0;
        continue;
      }
      if (src && (await src.size()) < offset) {
        offset = 0; // truncated in place (max-file=1)
        continue;
      }
      if (finishing) return;
      if (done.finished()) {
        finishing = true; // one more pass picks up the last lines
        continue;
      }
      await waiter.wait(POLL_MS);
    }
  } finally {
    waiter.close();
    if (src && src !== initial) await src.close();
  }
}

/**
 * Streams a container's json-file logs to `out` (stdcopy frames, or raw for a TTY); `out` is
 * left open (attach goes on streaming after the logs). Without follow it sends what is stored;
 * with follow it keeps sending new lines until done.finished() (then drains what is left) or
 * done.signal aborts.
 */
export async function readLogs(path: string, opts: ReadLogsOptions, out: Writable, done: ReadDone): Promise<void> {
  const files = await openLogFiles(path);
  const sources: LogSource[] = files.current ? [...files.rotated, files.current] : files.rotated;
  const writer = new LogLineWriter(opts, out, done.signal);
  try {
    const tail = opts.tail === 'all' ? -1 : opts.tail;
    let start: Position = { source: 0, offset: 0 };
    if (tail === 0) start = { source: sources.length, offset: 0 };
    else if (tail > 0) start = await tailStart(sources, tail);
    let followFrom = files.current && tail === 0 ? await endOfLines(files.current) : 0;
    for (let s = start.source; s < sources.length; s++) {
      const r = await pumpLines(sources[s], s === start.source ? start.offset : 0, writer);
      if (r.stopped) return;
      if (sources[s] === files.current) followFrom = r.offset;
    }
    if (opts.follow) await follow(path, files.current, followFrom, writer, done);
  } finally {
    await Promise.all(sources.map((s) => s.close()));
  }
}
