// The json-file log driver: file bytes identical to Docker's (checked against files written by
// the reference engine), Go's escaping, partial lines, rotation, compression, option errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createLogger, validateLogConfig, type Logger } from '../src/daemon/containers/logs/index.js';
import { EngineError } from '../src/common/errors.js';

const TIME = /"time":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z)"/g;

function tempLog(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-logs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'c0ffee-json.log');
}

/** The file with every time replaced by T, and the times in order. */
function readLog(path: string): { text: string; times: string[] } {
  const raw = readFileSync(path, 'utf8');
  const times = [...raw.matchAll(TIME)].map((m) => m[1]);
  return { text: raw.replace(TIME, '"time":"T"'), times };
}

function nanos(time: string): bigint {
  const [, sec, frac = ''] = /^(.{19})(?:\.(\d+))?Z$/.exec(time)!;
  return BigInt(Date.parse(`${sec}Z`)) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
}

async function writeAll(logger: Logger, writes: [('stdout' | 'stderr'), string | Buffer][]): Promise<void> {
  for (const [stream, data] of writes) logger.write(stream, Buffer.isBuffer(data) ? data : Buffer.from(data));
  await logger.close();
}

test('lines are stored in Docker\'s exact format (as the reference engine wrote them)', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', {}, path);
  assert.equal(logger.readable, true);
  // `sh -c 'echo a; echo b >&2; printf partial'` under the reference engine wrote:
  await writeAll(logger, [['stdout', 'a\n'], ['stderr', 'b\n'], ['stdout', 'partial']]);
  const { text, times } = readLog(path);
  assert.equal(text,
    '{"log":"a\\n","stream":"stdout","time":"T"}\n' +
    '{"log":"b\\n","stream":"stderr","time":"T"}\n' +
    '{"log":"partial","stream":"stdout","time":"T"}\n');
  assert.equal(times.length, 3);
  for (const time of times) {
    assert.ok(!/0Z$/.test(time), `RFC3339Nano trims trailing zeros: ${time}`);
    assert.ok(Math.abs(Number(nanos(time) / 1_000_000n) - Date.now()) < 60_000, time);
  }
  assert.ok(nanos(times[0]) < nanos(times[1]) && nanos(times[1]) < nanos(times[2]), 'strictly increasing');
});

test('escaping is Go\'s (bytes taken from files of the reference engine)', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', {}, path);
  await writeAll(logger, [
    ['stdout', '<a>&b é\n'],
    ['stdout', Buffer.from([0xff, 0xfe, 0x01, 0x09, 0x1b, 0x0a])],
    ['stdout', '\u2028 \u2029 "\\ /\n'],
    ['stdout', Buffer.from('a\rb\x7f\x08\x0c', 'latin1')],
    // surrogate, truncated 3-byte sequence, overlong '/', then a valid 4-byte emoji
    ['stdout', Buffer.from([0xed, 0xa0, 0x80, 0xe2, 0x80, 0x61, 0xc0, 0xaf, 0xf0, 0x9f, 0x98, 0x80, 0x0a])],
  ]);
  const logs = readLog(path).text.split('\n').filter(Boolean).map((l) => l.slice(7, l.indexOf(',"stream"')));
  assert.deepEqual(logs, [
    '"\\u003ca\\u003e\\u0026b é\\n"',
    '"\\ufffd\\ufffd\\u0001\\u0009\\u001b\\n"',
    '"\\u2028 \\u2029 \\"\\\\ /\\n"',
    '"a\\rb\x7f\\u0008\\u000c\\ufffd\\ufffd\\ufffd\\ufffd\\ufffda\\ufffd\\ufffd😀\\n"',
  ]);
});

test('a line longer than 16 KiB is stored in 16 KiB partial pieces sharing one time; a held partial line waits for its newline', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', {}, path);
  const long = 'a'.repeat(40000);
  // Arrives in small chunks, as from a pipe.
  for (let i = 0; i < long.length; i += 2048) logger.write('stdout', Buffer.from(long.slice(i, i + 2048)));
  logger.write('stdout', Buffer.from('\n'));
  logger.write('stdout', Buffer.from('xyz'));
  await new Promise((r) => setTimeout(r, 20));
  logger.write('stderr', Buffer.from('err\n'));
  logger.write('stdout', Buffer.from('end\ntail'));
  await logger.close();
  const { text, times } = readLog(path);
  const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.log.length, l.stream]), [
    [16384, 'stdout'], [16384, 'stdout'], [7233, 'stdout'], [4, 'stderr'], [7, 'stdout'], [4, 'stdout'],
  ]);
  assert.equal(lines[2].log, `${'a'.repeat(7232)}\n`);
  assert.equal(lines[4].log, 'xyzend\n');
  assert.equal(lines[5].log, 'tail');
  assert.equal(times[0], times[1]);
  assert.equal(times[1], times[2]);
  assert.ok(nanos(times[3]) < nanos(times[4]), 'the held line takes the time it completed');
});

test('rotation by max-size/max-file keeps the newest lines in <log>, .1, .2', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', { 'max-size': '1k', 'max-file': '3' }, path);
  for (let i = 1; i <= 60; i++) logger.write('stdout', Buffer.from(`line${i}\n`));
  await logger.close();
  const names = readdirSync(join(path, '..')).sort();
  assert.deepEqual(names, ['c0ffee-json.log', 'c0ffee-json.log.1', 'c0ffee-json.log.2']);
  const files = [`${path}.2`, `${path}.1`, path].map((p) => readFileSync(p, 'utf8'));
  for (const f of files.slice(0, 2)) {
    const lastLine = f.slice(f.lastIndexOf('\n', f.length - 2) + 1);
    assert.ok(f.length >= 1024 && f.length - lastLine.length < 1024, `rotated at 1 KiB (${f.length})`);
  }
  const logs = files.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l).log);
  const first = 61 - logs.length;
  assert.deepEqual(logs, Array.from({ length: logs.length }, (_, i) => `line${first + i}\n`));
  assert.ok(logs.length > 20 && logs.length < 60, `${logs.length} lines kept`);
});

test('max-file=1 truncates the file in place', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', { 'max-size': '200', 'max-file': '1' }, path);
  for (let i = 1; i <= 10; i++) logger.write('stdout', Buffer.from(`line${i}\n`));
  await logger.close();
  assert.ok(!existsSync(`${path}.1`));
  const logs = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).log);
  assert.ok(logs.length < 10 && logs.at(-1) === 'line10\n', String(logs));
});

test('compress gzips the rotated files', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', { 'max-size': '1k', 'max-file': '3', compress: 'true' }, path);
  for (let i = 1; i <= 60; i++) logger.write('stdout', Buffer.from(`line${i}\n`));
  await logger.close();
  const names = readdirSync(join(path, '..')).sort();
  assert.deepEqual(names, ['c0ffee-json.log', 'c0ffee-json.log.1.gz', 'c0ffee-json.log.2.gz']);
  const text = [`${path}.2.gz`, `${path}.1.gz`].map((p) => gunzipSync(readFileSync(p)).toString()).join('') + readFileSync(path, 'utf8');
  const logs = text.split('\n').filter(Boolean).map((l) => JSON.parse(l).log);
  assert.equal(logs.at(-1), 'line60\n');
  const first = Number(logs[0].slice(4));
  assert.deepEqual(logs, Array.from({ length: logs.length }, (_, i) => `line${first + i}\n`));
});

test('labels, env and tag options add Docker\'s attrs (as the reference engine wrote them)', async (t) => {
  const path = tempLog(t);
  const opts = { labels: 'foo,zed', env: 'E1', tag: 'x', 'labels-regex': '^z' };
  const logger = createLogger('json-file', opts, path, {
    id: 'c0ffee'.padEnd(64, '0'), name: '/lr', imageId: 'sha256:' + 'b'.repeat(64), imageName: 'busybox',
    labels: { foo: 'bar', zed: '1', other: 'no' }, env: ['PATH=/bin', 'E1=v'],
  });
  await writeAll(logger, [['stdout', 'line57\n']]);
  assert.equal(readLog(path).text,
    '{"log":"line57\\n","stream":"stdout","attrs":{"E1":"v","foo":"bar","tag":"x","zed":"1"},"time":"T"}\n');
  const tagged = tempLog(t);
  const l2 = createLogger('json-file', { tag: '{{.Name}}/{{.ID}}/{{.ImageName}}' }, tagged, {
    id: 'c0ffee'.padEnd(64, '0'), name: '/web', imageId: 'sha256:' + 'b'.repeat(64), imageName: 'busybox', labels: {}, env: [],
  });
  await writeAll(l2, [['stdout', 'x\n']]);
  assert.match(readLog(tagged).text, /"attrs":\{"tag":"web\/c0ffee000000\/busybox"\}/);
});

function engineError(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof EngineError, String(e));
    return { status: e.status, message: e.message };
  }
  assert.fail('no error thrown');
}

test('option and driver errors are Docker\'s (texts and statuses of the reference engine)', (t) => {
  const path = tempLog(t);
  const start = (opts: Record<string, string>) => engineError(() => createLogger('json-file', opts, path));
  const init = (msg: string) => ({ status: 500, message: `failed to initialize logging driver: ${msg}` });
  assert.deepEqual(start({ 'max-size': 'abc' }), init("invalid size: 'abc'"));
  assert.deepEqual(start({ 'max-size': '-1' }), init("invalid size: '-1'"));
  assert.deepEqual(start({ 'max-size': '10x' }), init("invalid size: '10x'"));
  assert.deepEqual(start({ 'max-size': '0' }), init('max-size must be a positive number'));
  assert.deepEqual(start({ 'max-file': '0' }), init('max-file cannot be less than 1'));
  assert.deepEqual(start({ 'max-file': 'abc' }), init('strconv.Atoi: parsing "abc": invalid syntax'));
  assert.deepEqual(start({ compress: 'maybe' }), init('strconv.ParseBool: parsing "maybe": invalid syntax'));
  assert.deepEqual(start({ compress: 'true' }),
    init('compress cannot be true when max-file is less than 2 or max-size is not set'));
  const create = (driver: string, opts: Record<string, string>) => engineError(() => validateLogConfig(driver, opts));
  assert.deepEqual(create('json-file', { foo: 'bar' }), { status: 400, message: "unknown log opt 'foo' for json-file log driver" });
  assert.deepEqual(create('xyz', {}), { status: 400, message: 'error looking up logging plugin xyz: plugin "xyz" not found' });
  assert.deepEqual(create('local', {}), { status: 400, message: "logger: no log driver named 'local' is registered" });
  assert.deepEqual(create('json-file', { mode: 'x' }), { status: 400, message: 'logger: logging mode not supported: x' });
  assert.deepEqual(create('json-file', { 'max-buffer-size': '4m' }),
    { status: 400, message: "logger: max-buffer-size option is only supported with 'mode=non-blocking'" });
  assert.deepEqual(create('json-file', { mode: 'non-blocking', 'max-buffer-size': '4m' }),
    { status: 400, message: 'berth does not support log-opt mode=non-blocking yet' });
  validateLogConfig('json-file', { 'max-size': '10m', 'max-file': '3', compress: 'true', mode: 'blocking' });
  validateLogConfig('none', { anything: 'goes' });
  assert.ok(!existsSync(path), 'a rejected logger creates no file');
});

test('the none driver stores nothing and is not readable', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('none', {}, path);
  logger.write('stdout', Buffer.from('hello\n'));
  await logger.close();
  assert.equal(logger.readable, false);
  assert.ok(!existsSync(path));
});

test('10 MB of output written in 4 KiB chunks is stored intact', async (t) => {
  const path = tempLog(t);
  const logger = createLogger('json-file', {}, path);
  const line = (i: number) => `${String(i).padStart(8, '0')} ${'x'.repeat(90)}\n`;
  const total = 10 * 1024 * 1024;
  const data = Buffer.from(Array.from({ length: Math.ceil(total / 100) }, (_, i) => line(i)).join(''));
  const started = Date.now();
  for (let i = 0; i < data.length; i += 4096) {
    logger.write('stdout', data.subarray(i, i + 4096));
  }
  await logger.close();
  t.diagnostic(`wrote ${data.length} bytes in ${Date.now() - started} ms`);
  const stored = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  assert.equal(stored.length, Math.ceil(total / 100));
  assert.equal(stored.map((l) => JSON.parse(l).log).join(''), data.toString());
});
