// berthd's own mounts (a stopped container's root for `docker cp`, the layers for `docker
// export`) live in a root-only directory of the exec-root and carry nosuid,nodev,noexec: while a
// client holds such a stream open, nothing under /tmp is mounted and the image's setuid binaries
// and device nodes cannot be used through the mount.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { startEngine, waitFor, type Engine } from './harness.js';

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
  test(`${what}: the temporary mount is nosuid,nodev,noexec in a 0700 directory of the exec-root`, berthOnly, async () => {
    const name = e.name('pm');
    assert.equal((await e.docker(['create', '--name', name, 'busybox', 'true'])).code, 0);
    const execRoot = path.join(path.dirname(e.socketPath), 'exec');
    const tmpBefore = mountsUnder('/tmp').filter((m) => !m.point.startsWith(path.dirname(e.socketPath)));
    const req = await holdOpen(`/containers/${name}${url}`);
    try {
      await waitFor(async () => mountsUnder(path.join(execRoot, 'mnt')).length > 0, 60_000, 'the mount');
      const [m] = mountsUnder(path.join(execRoot, 'mnt'));
      for (const o of ['nosuid', 'nodev', 'noexec', 'ro']) assert.ok(m.options.includes(o), `${o} in ${m.options}`);
      assert.equal(fs.statSync(path.join(execRoot, 'mnt')).mode & 0o777, 0o700);
      assert.deepEqual(mountsUnder('/tmp').filter((p) => /\/berth-(cp|export)-/.test(p.point)), []);
      assert.deepEqual(mountsUnder('/tmp').filter((p) => !p.point.startsWith(path.dirname(e.socketPath))), tmpBefore);
    } finally {
      req.destroy();
    }
    await waitFor(async () => mountsUnder(path.join(execRoot, 'mnt')).length === 0, 60_000, 'the mount to go');
  });
}
