// berthd's own mounts (a stopped container's root for `docker cp`, the layers for `docker
// export`) live in a root-only directory of the exec-root and carry nosuid,nodev,noexec; they last
// only while the archive is spooled, so a client holding the stream open keeps nothing mounted
// and cannot stop the container from starting (no second mount of its upper directory).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { startEngine, waitFor, type Engine } from './harness.js';
import { mountPrivately } from '../src/daemon/containers/private-mount.js';
import { overlayMountOf } from '../src/runtime/mountinfo.js';

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

test('export of a running container reads its own rootfs mount: what it wrote, no /proc, no second overlay', berthOnly, async () => {
  const name = e.name('pmlive');
  const r = await e.docker(['run', '-d', '--name', name, 'busybox', 'sh', '-c', 'echo live > /marker && sleep 600']);
  assert.equal(r.code, 0, r.stderr);
  await waitFor(async () => (await e.docker(['exec', name, 'cat', '/marker'])).stdout === 'live\n', 30_000, 'the marker');
  const upper = await e.inspect(name, '{{.GraphDriver.Data.UpperDir}}');
  const overlays = () => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(`upperdir=${upper}`) || l.includes(`lowerdir=${upper}`));
  const point = await overlayMountOf(upper);
  assert.ok(point && point.endsWith('/rootfs'), `the shim's rootfs mount: ${point}`);
  // A mount of berthd's own would be made in a fresh `m-*` directory of exec/mnt (the spool is a
  // `spool-*` one). inotify reports in order: once our own sentinel shows, everything before did.
  const mnt = path.join(path.dirname(e.socketPath), 'exec', 'mnt');
  fs.mkdirSync(mnt, { recursive: true, mode: 0o700 });
  const made: string[] = [];
  let sentinel = () => {};
  const seen = new Promise<void>((resolve) => { sentinel = resolve; });
  const watcher = fs.watch(mnt, (_, file) => { if (file === 'sentinel') sentinel(); else if (file) made.push(String(file)); });
  const out = path.join(path.dirname(e.socketPath), 'live-export.tar');
  try {
    const x = await e.docker(['export', '-o', out, name]);
    assert.equal(x.code, 0, x.stderr);
    fs.writeFileSync(path.join(mnt, 'sentinel'), '');
    await seen;
  } finally {
    watcher.close();
    fs.rmSync(path.join(mnt, 'sentinel'), { force: true });
  }
  assert.ok(made.some((f) => f.startsWith('spool-')), `the export was spooled in exec/mnt: ${made}`);
  assert.deepEqual(made.filter((f) => !f.startsWith('spool-')), [], 'no directory made for a mount');
  const names = execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).split('\n');
  assert.ok(names.includes('marker'), 'the file the container wrote');
  assert.deepEqual(names.filter((n) => n.startsWith('proc/') && n !== 'proc/'), [], 'nothing of /proc');
  assert.equal(execFileSync('tar', ['-xOf', out, 'marker'], { encoding: 'utf8' }), 'live\n');
  assert.equal(overlays().length, 1, 'only the container\'s own overlay mount');
  assert.equal(await e.inspect(name, '{{.State.Status}}'), 'running');
  assert.equal((await e.docker(['rm', '-f', name])).code, 0);
});

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
