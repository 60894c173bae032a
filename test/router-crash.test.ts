// A handler that throws (not an EngineError) answers 500 with its message, and the stack is logged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from '../src/api/router.js';

test('an exception in a handler answers 500 with its message and logs its stack', async (t) => {
  const router = new Router();
  router.get('/boom', () => { throw new Error('kaboom in handler'); });
  const logged: string[] = [];
  t.mock.method(console, 'error', (...args: unknown[]) => { logged.push(args.join(' ')); });
  const server = http.createServer((req, res) => { void router.dispatch(req, res); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/boom' }, (res) => {
        let body = '';
        res.on('data', (b) => { body += b; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    assert.deepEqual(answer, { status: 500, body: '{"message":"kaboom in handler"}\n' });
    assert.equal(logged.length, 1);
    assert.match(logged[0], /^GET \/boom: Error: kaboom in handler\n\s+at /);
  } finally {
    server.close();
  }
});
