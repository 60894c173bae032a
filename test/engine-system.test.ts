// System endpoints: _ping, version, info, and API version negotiation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { rawRequest, startEngine, waitFor, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

test('/_ping answers OK with API headers', async () => {
  const r = await rawRequest(e.socketPath, 'GET', '/_ping');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'OK');
  assert.match(String(r.headers['api-version']), /^1\.\d+$/);
  assert.equal(r.headers['ostype'], 'linux');
  const head = await rawRequest(e.socketPath, 'HEAD', '/_ping');
  assert.equal(head.status, 200);
});

test('docker version shows client and server', async () => {
  const r = await e.docker(['version']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Client:/m);
  assert.match(r.stdout, /^Server:/m);
  const api = await e.docker(['version', '--format', '{{.Server.APIVersion}} {{.Server.Os}} {{.Server.Arch}}']);
  assert.match(api.stdout, /^1\.\d+ linux amd64\n$/);
  const raw = JSON.parse((await rawRequest(e.socketPath, 'GET', '/version')).body) as Record<string, unknown>;
  for (const k of ['Version', 'ApiVersion', 'MinAPIVersion', 'Os', 'Arch', 'KernelVersion']) assert.ok(k in raw, k);
  // 20.10 speaks API 1.41; berthd 1.50. Both accept a versioned path within their range.
  const versioned = await rawRequest(e.socketPath, 'GET', `/v1.24/version`);
  assert.equal(versioned.status, 200);
});

test('docker info reports counts that match ps and images', async () => {
  const name = e.name('info');
  assert.equal((await e.docker(['run', '-d', '--name', name, 'busybox', 'sleep', '100'])).code, 0);
  const r = await e.docker(['info', '--format', '{{.Containers}} {{.ContainersRunning}} {{.Images}} {{.OSType}} {{.LoggingDriver}}']);
  assert.equal(r.code, 0, r.stderr);
  const [containers, running, images, os, logDriver] = r.stdout.trim().split(' ');
  assert.ok(Number(running) >= 1);
  assert.ok(Number(containers) >= Number(running));
  assert.ok(Number(images) >= 1);
  assert.equal(os, 'linux');
  assert.equal(logDriver, 'json-file');
  // the reference engine is shared with other work: retry until a quiet moment
  await waitFor(
    async () => {
      const count = (await e.docker(['info', '--format', '{{.Containers}}'])).stdout.trim();
      const all = (await e.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean).length;
      return Number(count) === all;
    },
    10_000,
    'info Containers to equal the ps -a count',
  );
  const text = await e.docker(['info']);
  assert.match(text.stdout, /^ Server Version: /m);
  assert.match(text.stdout, /^ Storage Driver: /m);
});

test('an unknown endpoint is a 404, an unsupported API version a 400', async () => {
  assert.equal((await rawRequest(e.socketPath, 'GET', '/nosuchendpoint')).status, 404);
  const tooNew = await rawRequest(e.socketPath, 'GET', '/v9.99/version');
  assert.equal(tooNew.status, 400);
  assert.match(tooNew.body, /client version 9\.99 is too new/);
});

test('info reports the truth: live restore, open files, event listeners, the index address', async () => {
  const info = async () => JSON.parse((await rawRequest(e.socketPath, 'GET', '/info')).body);
  const first = await info();
  assert.ok(first.NFd > 3, `NFd ${first.NFd}`);
  assert.ok(first.NGoroutines > 0, `NGoroutines ${first.NGoroutines}`);
  assert.match(first.IndexServerAddress, /^https:\/\/[^/]+\/v1\/$/);
  assert.equal(first.NEventsListener, 0);
  const r = await e.docker(['info', '--format', '{{.LiveRestoreEnabled}}']);
  assert.equal(r.stdout.trim(), e.kind === 'berthd' ? 'true' : 'false', 'berthd always keeps containers across its restarts');
  const listener = http.get({ socketPath: e.socketPath, path: '/events' });
  listener.on('error', () => undefined);
  try {
    await waitFor(async () => (await info()).NEventsListener === 1, 60_000, 'the events listener to count');
  } finally {
    listener.destroy();
  }
  await waitFor(async () => (await info()).NEventsListener === 0, 60_000, 'the listener to go');
});
