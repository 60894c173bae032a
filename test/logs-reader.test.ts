// Reading json-file logs as GET /containers/{id}/logs does: stdcopy frames or raw, stream and
// time filters, tail across rotated (and gzipped) files, timestamps, follow mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { demuxAll } from '../src/common/stdcopy.js';
import { createLogger, parseLogTimeParam, readLogs, readNotSupported, type ReadLogsOptions } from '../src/daemon/containers/logs/index.js';
import { EngineError } from '../src/common/errors.js';

function tempLog(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'c0ffee-json.log');
}

const BASE: ReadLogsOptions = { stdout: true, stderr: true, timestamps: false, tail: 'all', follow: false, tty: false };

interface Reading {
  /** Resolves with everything sent once readLogs finished. */
  result: Promise<Buffer>;
  /** What has been sent so far. */
  sofar(): Buffer;
  finish(): void;
  abort(): void;
}

function startReading(path: string, opts: Partial<ReadLogsOptions>): Reading {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((r) => out.on('end', r));
  const ac = new AbortController();
  let finished = false;
  const done = readLogs(path, { ...BASE, ...opts }, out, { signal: ac.signal, finished: () => finished });
  return {
    result: done.then(() => out.end()).then(() => ended).then(() => Buffer.concat(chunks)),
    sofar: () => Buffer.concat(chunks),
    finish: () => (finished = true),
    abort: () => ac.abort(),
  };
}

async function read(path: string, opts: Partial<ReadLogsOptions> = {}): Promise<string[]> {
  const data = await startReading(path, opts).result;
  if (opts.tty) return [data.toString()];
  return demuxAll(data).map((f) => `${f.stream}:${f.payload}`);
}

/** A json-file written by hand: [stream, log, time]. */
function writeStored(path: string, lines: [string, string, string][]): void {
  writeFileSync(path, lines.map(([stream, log, time]) => `${JSON.stringify({ log, stream, time })}\n`).join(''));
}

const STORED: [string, string, string][] = [
  ['stdout', 'o1\n', '2024-01-02T03:04:05.1234Z'],
  ['stdout', 'o2\n', '2024-01-02T03:04:05.123456789Z'],
  ['stderr', 'e1\n', '2024-01-02T03:04:06Z'],
  ['stderr', 'e2\n', '2024-01-02T03:04:06.5Z'],
  ['stdout', 'part', '2024-01-02T03:04:07.000000001Z'],
];
const ns = (s: string) => BigInt(Date.parse(s.slice(0, 19) + 'Z')) * 1_000_000n + BigInt((s.split('.')[1] ?? '0Z').slice(0, -1).padEnd(9, '0'));

test('history is sent one stdcopy frame per stored line, partial lines as they are', async (t) => {
  const path = tempLog(t);
  writeStored(path, STORED);
  assert.deepEqual(await read(path), ['1:o1\n', '1:o2\n', '2:e1\n', '2:e2\n', '1:part']);
  assert.deepEqual(await read(path, { stderr: false }), ['1:o1\n', '1:o2\n', '1:part']);
  assert.deepEqual(await read(path, { stdout: false }), ['2:e1\n', '2:e2\n']);
  assert.deepEqual(await read(path, { tty: true }), ['o1\no2\ne1\ne2\npart']);
});

test('timestamps are prefixed in the fixed 9-digit RFC 3339 form', async (t) => {
  const path = tempLog(t);
  writeStored(path, STORED);
  assert.deepEqual(await read(path, { timestamps: true, tail: 3 }), [
    '2:2024-01-02T03:04:06.000000000Z e1\n',
    '2:2024-01-02T03:04:06.500000000Z e2\n',
    '1:2024-01-02T03:04:07.000000001Z part',
  ]);
});

test('tail counts stored lines of both streams, then the stream filter applies (as Docker)', async (t) => {
  const path = tempLog(t);
  writeStored(path, STORED.slice(0, 4));
  assert.deepEqual(await read(path, { tail: 2, stderr: false }), []);
  assert.deepEqual(await read(path, { tail: 3, stderr: false }), ['1:o2\n']);
  assert.deepEqual(await read(path, { tail: 0 }), []);
  assert.deepEqual(await read(path, { tail: 1 }), ['2:e2\n']);
  assert.deepEqual((await read(path, { tail: 100 })).length, 4);
  assert.deepEqual((await read(path, { tail: -1 })).length, 4);
});

test('since and until are inclusive, to the nanosecond', async (t) => {
  const path = tempLog(t);
  writeStored(path, STORED);
  assert.deepEqual(await read(path, { since: ns(STORED[1][2]) }), ['1:o2\n', '2:e1\n', '2:e2\n', '1:part']);
  assert.deepEqual(await read(path, { since: ns(STORED[1][2]) + 1n }), ['2:e1\n', '2:e2\n', '1:part']);
  assert.deepEqual(await read(path, { until: ns(STORED[2][2]) }), ['1:o1\n', '1:o2\n', '2:e1\n']);
  // Milliseconds with fractions work too.
  assert.deepEqual(await read(path, { since: Date.parse('2024-01-02T03:04:06Z'), until: Date.parse('2024-01-02T03:04:06Z') + 500 }), ['2:e1\n', '2:e2\n']);
  assert.deepEqual(await read(path, { since: Date.parse('2024-01-02T03:04:05Z') + 123.4 }), ['1:o1\n', '1:o2\n', '2:e1\n', '2:e2\n', '1:part']);
  assert.deepEqual(await read(path, { since: Date.parse('2024-01-02T03:04:05Z') + 123.4001 }), ['1:o2\n', '2:e1\n', '2:e2\n', '1:part']);
  assert.deepEqual(await read(path, { tail: 2, since: ns(STORED[4][2]) }), ['1:part']);
});

test('reading spans rotated and gzipped files oldest first; tail reaches back across them', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', { 'max-size': '2k', 'max-file': '5', compress: 'true' }, path);
  for (let i = 1; i <= 300; i++) logger.write(i % 7 ? 'stdout' : 'stderr', Buffer.from(`line${i}\n`));
  await logger.close();
  const all = await read(path);
  const first = Number(/line(\d+)/.exec(all[0])![1]);
  assert.ok(first > 1 && first < 250, `older lines dropped (${first})`);
  assert.deepEqual(all, Array.from({ length: 301 - first }, (_, i) => `${(first + i) % 7 ? 1 : 2}:line${first + i}\n`));
  for (const n of [1, 5, 30, all.length - 1, all.length, all.length + 5]) {
    assert.deepEqual(await read(path, { tail: n }), all.slice(Math.max(0, all.length - n)), `tail ${n}`);
  }
});

test('a plain .1 (compression still running) is read like the .1.gz', async (t) => {
  const path = tempLog(t);
  writeStored(path, [STORED[4]]);
  writeStored(`${path}.1`, [STORED[2], STORED[3]]);
  writeFileSync(`${path}.2.gz`, gzipSync(Buffer.from(`${JSON.stringify({ log: 'o1\n', stream: 'stdout', time: STORED[0][2] })}\n`)));
  assert.deepEqual(await read(path), ['1:o1\n', '2:e1\n', '2:e2\n', '1:part']);
  assert.deepEqual(await read(path, { tail: 3 }), ['2:e1\n', '2:e2\n', '1:part']);
});

test('a corrupt .gz fails the reading and leaves no log file open', async (t) => {
  const path = tempLog(t);
  writeStored(path, [STORED[4]]);
  writeStored(`${path}.1`, [STORED[2], STORED[3]]);
  writeFileSync(`${path}.2.gz`, Buffer.from('not gzip at all'));
  const openLogs = () => readdirSync('/proc/self/fd').filter((fd) => {
    try { return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dirname(path)); } catch { return false; }
  });
  await assert.rejects(startReading(path, {}).result);
  assert.deepEqual(openLogs(), []);
});

test('tail on a large file finds the last lines', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', {}, path);
  for (let i = 0; i < 100_000; i++) logger.write('stdout', Buffer.from(`row ${i}\n`));
  await logger.close();
  assert.deepEqual(await read(path, { tail: 3 }), ['1:row 99997\n', '1:row 99998\n', '1:row 99999\n']);
});

async function until(cond: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !cond(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() - started > 5000) assert.fail(`timed out waiting for ${what}`);
  }
}

test('follow sends appended lines and ends when the container has finished', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', {}, path);
  logger.write('stdout', Buffer.from('before\n'));
  await new Promise((r) => setTimeout(r, 20));
  const r = startReading(path, { follow: true });
  await until(() => r.sofar().includes('before'), 'history');
  logger.write('stderr', Buffer.from('during\n'));
  await until(() => r.sofar().includes('during'), 'an appended line');
  logger.write('stdout', Buffer.from('last words'));
  await logger.close();
  r.finish();
  assert.deepEqual(demuxAll(await r.result).map((f) => `${f.stream}:${f.payload}`), ['1:before\n', '2:during\n', '1:last words']);
});

test('follow with tail 0 sends only new lines; an abort ends it', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', {}, path);
  logger.write('stdout', Buffer.from('old\n'));
  await new Promise((r) => setTimeout(r, 20));
  const r = startReading(path, { follow: true, tail: 0 });
  await new Promise((res) => setTimeout(res, 50));
  logger.write('stdout', Buffer.from('new\n'));
  await until(() => r.sofar().includes('new'), 'the new line');
  r.abort();
  assert.deepEqual(demuxAll(await r.result).map((f) => `${f.payload}`), ['new\n']);
  await logger.close();
});

test('follow keeps every line, in order, while the file rotates', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', { 'max-size': '4k', 'max-file': '50' }, path);
  const r = startReading(path, { follow: true });
  for (let i = 0; i < 2000; i++) {
    logger.write('stdout', Buffer.from(`n${i}\n`));
    if (i % 100 === 0) await new Promise((res) => setTimeout(res, 5));
  }
  await logger.close();
  r.finish();
  const got = demuxAll(await r.result).map((f) => `${f.payload}`);
  assert.equal(got.length, 2000);
  assert.deepEqual(got, Array.from({ length: 2000 }, (_, i) => `n${i}\n`));
});

test('follow stops at until', async (t) => {
  const path = tempLog(t);
  writeStored(path, STORED);
  const r = startReading(path, { follow: true, until: ns(STORED[1][2]) });
  assert.deepEqual(demuxAll(await r.result).map((f) => `${f.payload}`), ['o1\n', 'o2\n']);
  const later = startReading(path, { follow: true, until: Date.now() - 1000 });
  assert.equal(demuxAll(await later.result).length, 5);
});

test('a follower blocked by a slow client catches up over several rotations without losing lines', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', { 'max-size': '1k', 'max-file': '100' }, path);
  logger.write('stdout', Buffer.from('first\n'));
  await new Promise((r) => setTimeout(r, 20));
  const out = new PassThrough({ highWaterMark: 16 });
  let finished = false;
  const reading = readLogs(path, { ...BASE, follow: true }, out, { signal: new AbortController().signal, finished: () => finished });
  await new Promise((r) => setTimeout(r, 50)); // the reader now waits for the client to drain
  for (let i = 0; i < 500; i++) logger.write('stdout', Buffer.from(`n${i}\n`));
  await logger.close();
  finished = true;
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await reading;
  const got = demuxAll(Buffer.concat(chunks)).map((f) => `${f.payload}`);
  assert.deepEqual(got, ['first\n', ...Array.from({ length: 500 }, (_, i) => `n${i}\n`)]);
});

test('a client that goes away without an abort ends the reading', async (t) => {
  const path = tempLog(t);
  writeStored(path, STORED);
  const out = new PassThrough({ highWaterMark: 1 });
  const reading = readLogs(path, { ...BASE, follow: true }, out, { signal: new AbortController().signal, finished: () => false });
  await new Promise((r) => setTimeout(r, 30));
  out.destroy();
  await reading;
});

test('since/until query values parse as the reference engine does', () => {
  assert.equal(parseLogTimeParam('1.5'), 1_500_000_000n);
  assert.equal(parseLogTimeParam('1700000000.123456789'), 1_700_000_000_123_456_789n);
  assert.equal(parseLogTimeParam('1700000000'), 1_700_000_000_000_000_000n);
  assert.equal(parseLogTimeParam('-5'), -5_000_000_000n);
  for (const none of ['0', '', null, undefined]) assert.equal(parseLogTimeParam(none), undefined);
  const err = (v: string) => {
    try {
      parseLogTimeParam(v);
    } catch (e) {
      assert.ok(e instanceof EngineError);
      return `${e.status} ${e.message}`;
    }
    return 'no error';
  };
  assert.equal(err('abc'), '500 strconv.ParseInt: parsing "abc": invalid syntax');
  assert.equal(err('1.5x'), '500 strconv.ParseInt: parsing "5x": invalid syntax');
  assert.equal(err('2024-01-01T00:00:00Z'), '500 strconv.ParseInt: parsing "2024-01-01T00:00:00Z": invalid syntax');
});

test('logs of a container with the none driver answer Docker\'s 501', () => {
  const e = readNotSupported();
  assert.equal(e.status, 501);
  assert.equal(e.message, 'configured logging driver does not support reading');
});
