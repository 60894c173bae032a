// What berth does not implement yet is refused through the real clients, never accepted and
// dropped: health checks and non-blocking log delivery (the docker CLI or berth's CLI, per
// BERTH_TEST_CLIENT, and docker-py); berthd refuses to start with non-blocking default log
// options; an image's HEALTHCHECK runs with a warning.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientMessage, rawRequest, run, startEngine, type Engine } from './harness.js';

const BERTHD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/berthd');
const PYTHON = '/usr/bin/python3';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

const berthOnly = { skip: process.env.BERTH_TEST_ENGINE === 'reference' && 'dockerd implements these' };

/** `run` fails before the container starts: exit 125 and the daemon's 400 message. */
async function assertRunRefused(args: string[], message: string): Promise<void> {
  const name = e.name('r');
  const r = await e.docker(['run', '--name', name, ...args]);
  assert.equal(r.code, 125, r.stderr);
  assert.match(r.stderr, clientMessage(`^{cli}: Error response from daemon: ${message.replace(/[.*+?()[\]]/g, '\\$&')}\n`));
  assert.equal(await e.inspect(name, '{{.Id}}'), '', 'no container is left behind');
}

test('run --health-cmd is refused; --no-healthcheck is accepted', berthOnly, async () => {
  await assertRunRefused(['--health-cmd', 'true', '--health-interval', '1s', 'busybox', 'true'], 'berth does not support Config.Healthcheck yet');
  const r = await e.docker(['run', '--rm', '--no-healthcheck', 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
});

test('run --log-opt mode=non-blocking is refused', berthOnly, async () => {
  await assertRunRefused(['--log-opt', 'mode=non-blocking', '--log-opt', 'max-buffer-size=4m', 'busybox', 'true'],
    'berth does not support log-opt mode=non-blocking yet');
});

test('a plain run, with every zero value the client sends, is accepted without warnings', async () => {
  const r = await e.docker(['run', '--rm', 'busybox', 'echo', 'plain']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'plain\n');
  assert.equal(r.stderr, '');
});

test('docker-py: a healthcheck and non-blocking logs raise APIError 400', berthOnly, async () => {
  const script = `
import docker, sys
client = docker.from_env(timeout=60)
cases = [
  ("healthcheck", dict(healthcheck={"test": ["CMD", "true"], "interval": 1000000000})),
  ("log mode", dict(log_config=docker.types.LogConfig(type="json-file", config={"mode": "non-blocking"}))),
]
for what, kw in cases:
  try:
    client.containers.run("busybox", "true", name=sys.argv[1] + "-" + what.replace(" ", "-"), **kw)
    print("accepted", what)
  except docker.errors.APIError as err:
    print(what, err.status_code, err.explanation)
client.containers.run("busybox", "true", healthcheck={"test": ["NONE"]}, remove=True)
print("NONE accepted")
`;
  const r = await run(PYTHON, ['-c', script, e.prefix], { env: e.env, timeout: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter(Boolean), [
    'healthcheck 400 berth does not support Config.Healthcheck yet',
    'log mode 400 berth does not support log-opt mode=non-blocking yet',
    'NONE accepted',
  ]);
});

test("an image's HEALTHCHECK: the container runs, the create warns, State.Health is absent", berthOnly, async () => {
  const base = e.name('hcbase');
  const image = e.name('hc');
  assert.equal((await e.docker(['create', '--name', base, 'busybox', 'true'])).code, 0);
  const commit = await rawRequest(e.socketPath, 'POST', `/commit?container=${base}&repo=${image}&changes=${encodeURIComponent('VOLUME /data')}`,
    JSON.stringify({ Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1e9 } }), { 'Content-Type': 'application/json' });
  assert.equal(commit.status, 201, commit.body);
  const name = e.name('hcrun');
  const r = await e.docker(['run', '--name', name, image, 'echo', 'ran']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'ran\n');
  assert.equal(r.stderr, [
    "WARNING: berth does not run health checks yet: the image's HEALTHCHECK will not run and the container reports no health status",
    '',
  ].join('\n'));
  const info = JSON.parse((await rawRequest(e.socketPath, 'GET', `/containers/${name}/json`)).body);
  assert.equal(info.State.Health, undefined);
  assert.deepEqual(info.Config.Healthcheck.Test, ['CMD-SHELL', 'true']);
  const disabled = await e.docker(['run', '--rm', '--no-healthcheck', image, 'true']);
  assert.doesNotMatch(disabled.stderr, /health/);
});

test('update --blkio-weight is refused with 400 naming it', berthOnly, async () => {
  const name = e.name('upd');
  assert.equal((await e.docker(['create', '--name', name, 'busybox', 'true'])).code, 0);
  const r = await e.docker(['update', '--blkio-weight', '300', name]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /berth does not support updating BlkioWeight yet/);
  assert.equal(await e.inspect(name, '{{.HostConfig.BlkioWeight}}'), '0');
});

test('berthd refuses to start with --log-opt mode=non-blocking as a default', berthOnly, async () => {
  const r = await run(process.execPath, [BERTHD, '--log-opt', 'mode=non-blocking']);
  assert.notEqual(r.code, 0);
  assert.equal(r.stderr, 'failed to start daemon: failed to set log opts: berth does not support log-opt mode=non-blocking yet\n');
});
