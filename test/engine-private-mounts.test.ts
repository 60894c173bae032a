// berthd's own mounts (a stopped container's root for `docker cp`, the layers for `docker
// export`) live in a root-only directory of the exec-root and carry nosuid,nodev,noexec; they last
// only while the archive is spooled, so a client holding the stream open keeps nothing mounted
// and cannot stop the container from starting (no second mount of its upper directory).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { startEngine, waitFor, type Engine } from './harness.js';
import { mountPrivately } from '../src/daemon/containers/private-mount.js';

let e: Engine;
before(async () => { e = await startEngine(); });
after(async () => { await e?.stop(); });

const berthOnly = { skip: process.env.BERTH_TEST_ENGINE === 'reference' && "dockerd's exec-root layout differs" };

/** Mount points (and their options) of the host under `dir`, from /proc/self/mountinfo. */
function mountsUnder(dir: string): { point: string; options: string[] }[] {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((line) => {
    const f = line.split(' ');
    return { point: f[4], options: f[5].split(',') };
  }).filter((m) => m.point.startsWith(`${dir}/`));
}

/** Opens a GET on the engine's socket and leaves its body unread; resolves once headers arrived. */
function holdOpen(urlPath: string): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: e.socketPath, path: urlPath }, (res) => {
      assert.equal(res.statusCode, 200);
      res.pause();
      resolve(req);
    });
    req.on('error', reject);
  });
}

for (const [what, url] of [['cp from a stopped container', '/archive?path=/bin'], ['export', '/export']] as const) {
  test(`${what}: nothing stays mounted while a client holds the stream, and the container starts meanwhile`, berthOnly, async () => {
    const name = e.name('pm');
    assert.equal((await e.docker(['create', '--name', name, 'busybox', 'sleep', '600'])).code, 0);
    const execRoot = path.join(path.dirname(e.socketPath), 'exec');
    const req = await holdOpen(`/containers/${name}${url}`);
    try {
      assert.deepEqual(mountsUnder(path.join(execRoot, 'mnt')), []);
      assert.deepEqual(mountsUnder('/tmp').filter((p) => /\/berth-(cp|export)-/.test(p.point)), []);
      assert.equal(fs.statSync(path.join(execRoot, 'mnt')).mode & 0o777, 0o700);
      const start = await e.docker(['start', name]);
      assert.equal(start.code, 0, start.stderr);
      assert.equal(await e.inspect(name, '{{.State.Running}}'), 'true');
    } finally {
      req.destroy();
    }
    await waitFor(async () => fs.readdirSync(path.join(execRoot, 'mnt')).length === 0, 60_000, 'the spool to go');
    assert.equal((await e.docker(['rm', '-f', name])).code, 0);
  });
}

test('a private mount is nosuid,nodev,noexec in a fresh directory of a 0700 directory', berthOnly, async () => {
  const base = path.join(path.dirname(e.socketPath), 'exec', 'mnt-unit');
  const m = await mountPrivately(base, 'tmpfs', 'tmpfs', ['ro']);
  try {
    const [mine] = mountsUnder(base);
    assert.equal(mine.point, m.dir);
    for (const o of ['nosuid', 'nodev', 'noexec', 'ro']) assert.ok(mine.options.includes(o), `${o} in ${mine.options}`);
    assert.equal(fs.statSync(base).mode & 0o777, 0o700);
  } finally {
    await m.release();
  }
  assert.deepEqual(mountsUnder(base), []);
});
