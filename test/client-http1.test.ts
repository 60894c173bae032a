// The CLI's HTTP/1.1 reader against a scripted server on a unix socket: malformed chunk sizes and
// endless header sections end the request with an error; a well-formed chunked body still reads.
// The client runs in a worker so that a reader stuck in a loop cannot stop the test's own timeout.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Worker } from 'node:worker_threads';

const HTTP1 = new URL('../src/client/http1.js', import.meta.url).href;

type Result = { status: number; body: string } | { error: string };

// Worker source: one GET on the socket, answering with the status and body or the error.
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.module)
  .then(async ({ httpRequest }) => {
    const { res } = await httpRequest({ socketPath: workerData.socketPath }, { method: 'GET', path: '/x', headers: { Host: 'berth' } }, false);
    let body = '';
    for await (const c of res) body += c.toString('latin1');
    parentPort.postMessage({ status: res.statusCode, body });
  })
  .catch((e) => parentPort.postMessage({ error: e.message }));
`;

/** Serves every connection with `script` and returns what the client made of the response. */
async function exchange(t: TestContext, script: (socket: Socket) => void): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-http1-'));
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('data', () => script(socket));
  });
  let worker: Worker | undefined;
  t.after(async () => {
    await worker?.terminate();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  const socketPath = join(dir, 'server.sock');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  worker = new Worker(CLIENT, { eval: true, workerData: { module: HTTP1, socketPath } });
  return new Promise((resolve, reject) => {
    worker!.once('message', resolve);
    worker!.once('error', reject);
  });
}

const chunkedHead = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n';

test('a chunked body split across writes reads whole', { timeout: 10_000 }, async (t) => {
  const r = await exchange(t, (socket) => {
    socket.write(chunkedHead.slice(0, 20));
    socket.write(`${chunkedHead.slice(20)}5\r\nhel`);
    socket.write('lo\r\n6;name=value\r\n world\r');
    socket.write('\nA \r\n, chunked!\r\n0\r\nX-Trailer: 1\r\n\r\n');
  });
  assert.deepEqual(r, { status: 200, body: 'hello world, chunked!' });
});

for (const [what, size] of [
  ['not hexadecimal', 'zz'],
  ['hexadecimal with trailing garbage', '5x'],
  ['empty', ''],
  ['too large', 'fffffffffffffffff'],
]) {
  test(`a chunk size that is ${what} is an error`, { timeout: 10_000 }, async (t) => {
    const r = await exchange(t, (socket) => socket.write(`${chunkedHead}${size}\r\nhello\r\n0\r\n\r\n`));
    assert.deepEqual(r, { error: `malformed chunked encoding: invalid chunk size "${size}"` });
  });
}

test('a chunk size line without end is an error', { timeout: 10_000 }, async (t) => {
  const r = await exchange(t, (socket) => socket.write(`${chunkedHead}${'0'.repeat(8192)}`));
  assert.deepEqual(r, { error: 'malformed chunked encoding: chunk size line too long' });
});

test('chunk data not followed by CRLF is an error', { timeout: 10_000 }, async (t) => {
  const r = await exchange(t, (socket) => socket.write(`${chunkedHead}5\r\nhelloXY\r\n0\r\n\r\n`));
  assert.deepEqual(r, { error: 'malformed chunked encoding: missing CRLF after chunk data' });
});

/** Writes an endless header line, respecting back-pressure, until the client hangs up. */
function endlessHeader(socket: Socket): void {
  const filler = Buffer.alloc(64 * 1024, 'a');
  socket.write('HTTP/1.1 200 OK\r\nX-Endless: ');
  const pump = () => {
    while (!socket.destroyed && socket.write(filler));
    if (!socket.destroyed) socket.once('drain', pump);
  };
  socket.once('close', () => socket.off('drain', pump));
  pump();
}

test('an endless header line is an error, not a growing buffer', { timeout: 10_000 }, async (t) => {
  const r = await exchange(t, endlessHeader);
  assert.deepEqual(r, { error: 'malformed HTTP response: header section exceeds 1048576 bytes' });
});

test('an endless trailer section is an error', { timeout: 10_000 }, async (t) => {
  const r = await exchange(t, (socket) => {
    socket.write(`${chunkedHead}0\r\n`);
    const line = Buffer.from(`X-Trailer: ${'t'.repeat(1000)}\r\n`);
    const pump = () => {
      while (!socket.destroyed && socket.write(line));
      if (!socket.destroyed) socket.once('drain', pump);
    };
    pump();
  });
  assert.deepEqual(r, { error: 'malformed chunked encoding: trailer section exceeds 1048576 bytes' });
});
