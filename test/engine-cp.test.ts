// docker cp (GET/PUT/HEAD /containers/{id}/archive): both ways, running and stopped containers,
// and paths or archives that try to reach outside the container's root (also true of dockerd 20.10:
// BERTH_TEST_ENGINE=reference passes).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import tar from 'tar-stream';
import * as http from 'node:http';
import { rawRequest, startEngine, waitFor, type Engine } from './harness.js';

let e: Engine;
let tmp: string;
before(async () => {
  e = await startEngine();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cp-test-'));
});
after(async () => {
  await e?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const SETUP = 'mkdir -p /data/sub && echo hello > /data/sub/f && ln -s /etc /data/abs && ln -s ../../../../.. /data/up && sleep 300';

test('cp copies files and directories out of and into a running container', async () => {
  const name = e.name('cp');
  await e.runDetached(name, 'busybox', 'sh', '-c', SETUP);
  const out = path.join(tmp, 'run');
  fs.mkdirSync(out);
  let r = await e.docker(['cp', `${name}:/data/sub/f`, out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(out, 'f'), 'utf8'), 'hello\n');
  r = await e.docker(['cp', `${name}:/data/sub`, path.join(out, 'copy')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(out, 'copy', 'f'), 'utf8'), 'hello\n');
  const local = path.join(tmp, 'local.txt');
  fs.writeFileSync(local, 'from-host\n');
  r = await e.docker(['cp', local, `${name}:/data/sub/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await e.docker(['exec', name, 'cat', '/data/sub/local.txt'])).stdout, 'from-host\n');
  const missing = await e.docker(['cp', `${name}:/nosuch`, out]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, new RegExp(`Could not find the file /nosuch in container ${name}`));
});

test('cp works on a stopped container, both ways', async () => {
  const name = e.name('cpstop');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'echo kept > /kept; sleep 300');
  assert.equal((await e.docker(['stop', '-t', '0', name])).code, 0);
  const out = path.join(tmp, 'stopped');
  fs.mkdirSync(out);
  let r = await e.docker(['cp', `${name}:/kept`, out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(out, 'kept'), 'utf8'), 'kept\n');
  const local = path.join(tmp, 'into-stopped.txt');
  fs.writeFileSync(local, 'while-stopped\n');
  r = await e.docker(['cp', local, `${name}:/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await e.docker(['start', name])).code, 0);
  assert.equal((await e.docker(['exec', name, 'cat', '/into-stopped.txt'])).stdout, 'while-stopped\n');
});

test('paths resolve inside the container: ../ and absolute symlinks never reach the host', async () => {
  const name = e.name('cphostile');
  await e.runDetached(name, 'busybox', 'sh', '-c', SETUP);
  const hostname = (await e.docker(['exec', name, 'cat', '/etc/hostname'])).stdout;
  const out = path.join(tmp, 'hostile');
  fs.mkdirSync(out);
  for (const [i, src] of ['/../../../../etc/hostname', '/data/abs/hostname', '/data/up/etc/hostname'].entries()) {
    const r = await e.docker(['cp', `${name}:${src}`, path.join(out, `h${i}`)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(out, `h${i}`), 'utf8'), hostname, src);
  }
  // writing through the absolute symlink lands in the container's /etc, not the host's
  const marker = `berth-cp-marker-${process.pid}`;
  const local = path.join(tmp, marker);
  fs.writeFileSync(local, 'inside\n');
  const r = await e.docker(['cp', local, `${name}:/data/abs/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.existsSync(path.join('/etc', marker)), false);
  assert.equal((await e.docker(['exec', name, 'cat', `/etc/${marker}`])).stdout, 'inside\n');
  // the stat header names the link and its target inside the container
  const head = await rawRequest(e.socketPath, 'HEAD', `/containers/${name}/archive?path=/data/abs`);
  assert.equal(head.status, 200);
  const stat = JSON.parse(Buffer.from(String(head.headers['x-docker-container-path-stat']), 'base64').toString());
  assert.equal(stat.name, 'abs');
  assert.equal(stat.linkTarget, '/etc');
});

test('an archive whose entries escape the destination is refused', async () => {
  const name = e.name('cptar');
  await e.runDetached(name, 'busybox', 'sleep', '300');
  const marker = `berth-escape-${process.pid}`;
  const pack = tar.pack();
  pack.entry({ name: `../../../../../../tmp/${marker}` }, 'escaped\n');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const r = await rawRequest(e.socketPath, 'PUT', `/containers/${name}/archive?path=/tmp`, Buffer.concat(chunks), { 'Content-Type': 'application/x-tar' });
  assert.equal(fs.existsSync(path.join('/tmp', marker)), false);
  // Refused (berthd: 400), or contained in the container's root (dockerd 20.10 writes /tmp/<marker> there).
  const inside = (await e.docker(['exec', name, 'ls', '/tmp'])).stdout.includes(marker);
  if (e.kind === 'berthd') assert.equal(r.status, 400, r.body);
  else assert.ok(r.status >= 400 || inside, `status ${r.status}`);
});

/** berthd's open descriptors whose target contains `needle` (none for the reference engine). */
function openFilesOf(needle: string): string[] {
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline = '';
    try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (!cmdline.includes('bin/berthd') || !cmdline.includes(e.socketPath)) continue;
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        const target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.includes(needle)) out.push(target);
      } catch { /* closed meanwhile */ }
    }
  }
  return out;
}

test('an upload cut off in the middle of a file leaves no descriptor open', async () => {
  const name = e.name('cptrunc');
  await e.runDetached(name, 'busybox', 'sleep', '300');
  const marker = `berth-trunc-${process.pid}`;
  const pack = tar.pack();
  pack.entry({ name: marker }, Buffer.alloc(1 << 20, 0x61));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const partial = Buffer.concat(chunks).subarray(0, 512 + 16 * 1024);
  for (let i = 0; i < 3; i++) {
    // The client goes away while the file's data is being written.
    const req = http.request({ socketPath: e.socketPath, method: 'PUT', path: `/containers/${name}/archive?path=/tmp`, headers: { 'Content-Type': 'application/x-tar' } });
    req.on('error', () => undefined);
    req.write(partial);
    // berthd saves the upload before it touches the container.
    await waitFor(async () => openFilesOf('/data.tar').length > 0 || e.kind !== 'berthd', 60_000, 'the upload to start');
    req.destroy();
  }
  const open = () => [...openFilesOf(marker), ...openFilesOf('/data.tar')];
  await waitFor(async () => open().length === 0, 3000, 'descriptors of cut-off uploads to be closed').catch(() => undefined);
  assert.deepEqual(open(), []);
});

test('a path that asks for a directory but names a file is an error, as in Docker', async () => {
  const name = e.name('cpnotdir');
  await e.runDetached(name, 'busybox', 'sleep', '300');
  for (const p of ['/etc/passwd/', '/etc/passwd/.']) {
    const r = await rawRequest(e.socketPath, 'GET', `/containers/${name}/archive?path=${encodeURIComponent(p)}`);
    assert.equal(r.status, 500, `${p}: ${r.body.slice(0, 100)}`);
    assert.match(JSON.parse(r.body).message, /not a directory/);
    const head = await rawRequest(e.socketPath, 'HEAD', `/containers/${name}/archive?path=${encodeURIComponent(p)}`);
    assert.equal(head.status, 500, `HEAD ${p}`);
  }
  const pack = tar.pack();
  pack.entry({ name: 'x' }, 'x');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const r = await rawRequest(e.socketPath, 'PUT', `/containers/${name}/archive?path=/etc/passwd`, Buffer.concat(chunks), { 'Content-Type': 'application/x-tar' });
  assert.equal(r.status, 500, r.body);
  assert.equal(JSON.parse(r.body).message, 'extraction point is not a directory');
});

/** The freezer state (FROZEN, FREEZING, THAWED) of the container's cgroup (v1 freezer or v2 cgroup.freeze). */
async function freezerState(name: string): Promise<string> {
  const pid = await e.inspect(name, '{{.State.Pid}}');
  const lines = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const v1 = lines.find((l) => /^\d+:freezer:/.test(l));
  if (v1) return fs.readFileSync(path.join('/sys/fs/cgroup/freezer', v1.split(':')[2], 'freezer.state'), 'utf8').trim();
  const v2 = lines.find((l) => l.startsWith('0::'))!.slice(3);
  return fs.readFileSync(path.join('/sys/fs/cgroup', v2, 'cgroup.freeze'), 'utf8').trim() === '1' ? 'FROZEN' : 'THAWED';
}

/** The container's pause/unpause events since `since` (unix seconds). */
async function pauseEvents(name: string, since: number): Promise<string[]> {
  const r = await e.docker(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1),
    '--filter', `container=${name}`, '--format', '{{.Action}}']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((a) => a === 'pause' || a === 'unpause');
}

test('a reader that stops reading never keeps the container frozen: exec and stop work meanwhile', async () => {
  const name = e.name('cpheld');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'mkdir /bigdir && for i in 1 2 3 4 5 6 7 8; do dd if=/dev/zero of=/bigdir/$i bs=1M count=8 2>/dev/null; done; echo ok > /small; exec sleep 300');
  await waitFor(async () => (await e.docker(['exec', name, 'cat', '/small'])).stdout === 'ok\n', 10_000, 'the container to write its files');
  const head = await rawRequest(e.socketPath, 'HEAD', `/containers/${name}/archive?path=/bigdir`);
  assert.equal(head.status, 200);
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get({ socketPath: e.socketPath, path: `/containers/${name}/archive?path=/bigdir` }, resolve).on('error', reject);
  });
  assert.equal(res.statusCode, 200);
  res.pause();
  try {
    if (e.kind === 'berthd') assert.equal(await freezerState(name), 'THAWED');
    assert.equal(await e.inspect(name, '{{.State.Status}} {{.State.Paused}}'), 'running false');
    assert.equal((await e.docker(['exec', name, 'cat', '/small'])).stdout, 'ok\n');
    const stop = await e.docker(['stop', '-t', '1', name]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(await e.inspect(name, '{{.State.Status}} {{.State.Paused}}'), 'exited false');
  } finally {
    res.destroy();
  }
});

test('cp on a running container leaves it running (not paused), with no pause events', async () => {
  const name = e.name('cpfreeze');
  const since = Math.floor(Date.now() / 1000) - 1;
  await e.runDetached(name, 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1M count=32 2>/dev/null; echo ok > /small; sleep 300');
  await waitFor(async () => (await e.docker(['exec', name, 'cat', '/small'])).stdout === 'ok\n', 10_000, 'the container to write its files');
  const out = path.join(tmp, 'freeze');
  fs.mkdirSync(out);
  let r = await e.docker(['cp', `${name}:/small`, out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(out, 'small'), 'utf8'), 'ok\n');
  r = await e.docker(['cp', path.join(out, 'small'), `${name}:/back`]);
  assert.equal(r.code, 0, r.stderr);
  const copies = await Promise.all([0, 1, 2, 3].map((i) => e.docker(['cp', `${name}:/big`, path.join(out, `big${i}`)])));
  for (const c of copies) assert.equal(c.code, 0, c.stderr);
  for (const i of [0, 1, 2, 3]) assert.equal(fs.statSync(path.join(out, `big${i}`)).size, 32 << 20);
  // Copies in at the same time share the freeze; none resumes the container under another.
  const ins = await Promise.all([0, 1, 2, 3].map((i) => e.docker(['cp', path.join(out, `big${i}`), `${name}:/`])));
  for (const c of ins) assert.equal(c.code, 0, c.stderr);
  assert.equal(await e.inspect(name, '{{.State.Status}} {{.State.Paused}}'), 'running false');
  assert.equal(await freezerState(name), 'THAWED');
  assert.equal((await e.docker(['exec', name, 'cat', '/back'])).stdout, 'ok\n');
  assert.deepEqual(await pauseEvents(name, since), []);
});

test('cp leaves a container the user paused paused', async () => {
  const name = e.name('cppaused');
  const since = Math.floor(Date.now() / 1000) - 1;
  await e.runDetached(name, 'busybox', 'sh', '-c', 'echo kept > /kept; sleep 300');
  await waitFor(async () => (await e.docker(['exec', name, 'cat', '/kept'])).stdout === 'kept\n', 10_000, 'the container to write /kept');
  assert.equal((await e.docker(['pause', name])).code, 0);
  try {
    const out = path.join(tmp, 'paused');
    fs.mkdirSync(out);
    let r = await e.docker(['cp', `${name}:/kept`, out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(out, 'kept'), 'utf8'), 'kept\n');
    r = await e.docker(['cp', path.join(out, 'kept'), `${name}:/again`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await e.inspect(name, '{{.State.Status}} {{.State.Paused}}'), 'paused true');
    assert.equal(await freezerState(name), 'FROZEN');
  } finally {
    await e.docker(['unpause', name]);
  }
  assert.equal((await e.docker(['exec', name, 'cat', '/again'])).stdout, 'kept\n');
  assert.deepEqual(await pauseEvents(name, since), ['pause', 'unpause']);
});

/** A tar holding one empty directory `name`. */
function tarOf(name: string): Buffer {
  return execFileSync('tar', ['--owner=0', '--group=0', '-cf', '-', '-C', fs.mkdtempSync(path.join(tmp, 'd-')), '--transform', `s,^\\.,${name},`, '.']);
}

/** The entry names of the archive GET /containers/{name}/archive?path=… returns. */
async function archiveEntries(name: string, p: string): Promise<string[]> {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.get({ socketPath: e.socketPath, path: `/containers/${name}/archive?path=${encodeURIComponent(p)}` }, resolve).on('error', reject);
  });
  assert.equal(res.statusCode, 200, p);
  const extract = tar.extract();
  res.pipe(extract as unknown as NodeJS.WritableStream);
  const names: string[] = [];
  for await (const entry of extract) {
    const en = entry as unknown as { header: tar.Header; resume(): void };
    names.push(en.header.name);
    en.resume();
  }
  return names.sort();
}

test('a trailing / or /. follows a symlink to a directory: the target is copied under the link name', async () => {
  const name = e.name('cplinkdir');
  await e.runDetached(name, 'busybox', 'sh', '-c',
    'mkdir -p /target/in /data && echo t > /target/tf && echo g > /target/in/g && ln -s /target /data/abs && ln -s ../target /data/rel && sleep 300');
  await waitFor(async () => (await e.docker(['exec', name, 'ls', '/data/rel'])).code === 0, 10_000, 'the links to exist');
  for (const [p, top] of [['/data/abs/', 'abs'], ['/data/rel/', 'rel'], ['/data/abs/.', '.']]) {
    const head = await rawRequest(e.socketPath, 'HEAD', `/containers/${name}/archive?path=${encodeURIComponent(p)}`);
    assert.equal(head.status, 200, p);
    const stat = JSON.parse(Buffer.from(String(head.headers['x-docker-container-path-stat']), 'base64').toString());
    assert.equal(stat.name, top, p);
    assert.equal(stat.mode, ((1 << 31) | 0o755) >>> 0, p);
    assert.equal(stat.linkTarget, '', p);
    assert.deepEqual(await archiveEntries(name, p), [`${top}/`, `${top}/in/`, `${top}/in/g`, `${top}/tf`], p);
  }
  // Without the slash the link itself is copied.
  assert.deepEqual(await archiveEntries(name, '/data/abs'), ['abs']);
  const out = path.join(tmp, 'linkdir');
  fs.mkdirSync(out);
  for (const p of ['/data/abs/', '/data/abs/.']) {
    const dest = path.join(out, p.endsWith('.') ? 'dot' : 'slash');
    const r = await e.docker(['cp', `${name}:${p}`, dest]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(dest, 'tf'), 'utf8'), 't\n', p);
    assert.equal(fs.readFileSync(path.join(dest, 'in', 'g'), 'utf8'), 'g\n', p);
  }
});

test('an upload creates the directories its entries lack and sets directory times after their children', async () => {
  const name = e.name('cpparents');
  assert.equal((await e.docker(['create', '--name', name, 'busybox', 'true'])).code, 0);
  const pack = tar.pack();
  const old = new Date('2001-02-03T04:05:06Z');
  pack.entry({ name: 'd', type: 'directory', mode: 0o755, mtime: old });
  pack.entry({ name: 'd/f', mode: 0o644, mtime: old }, 'in d\n');
  pack.entry({ name: 'a/b/c.txt', mode: 0o644 }, 'deep\n');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  const put = await rawRequest(e.socketPath, 'PUT', `/containers/${name}/archive?path=/tmp`, Buffer.concat(chunks), { 'Content-Type': 'application/x-tar' });
  assert.equal(put.status, 200, put.body);
  const stat = async (p: string) => {
    const r = await rawRequest(e.socketPath, 'HEAD', `/containers/${name}/archive?path=${p}`);
    assert.equal(r.status, 200, `${p}: ${r.status}`);
    return JSON.parse(Buffer.from(String(r.headers['x-docker-container-path-stat']), 'base64').toString());
  };
  assert.equal(Date.parse((await stat('/tmp/d')).mtime), old.getTime());
  assert.equal((await stat('/tmp/a/b')).mode >>> 0 & 0o777, 0o755);
  const out = await e.docker(['cp', `${name}:/tmp/a/b/c.txt`, '-']);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /deep/);
  assert.equal((await e.docker(['rm', name])).code, 0);
});

test('cp into a container keeps file capabilities and extended attributes, running or stopped', async () => {
  const name = e.name('cpxattrin');
  await e.runDetached(name, 'busybox', 'sleep', '300');
  const src = path.join(tmp, 'xattr-src');
  fs.mkdirSync(src);
  fs.copyFileSync('/bin/true', path.join(src, 'ping'));
  execFileSync('setcap', ['cap_net_raw+ep', path.join(src, 'ping')]);
  fs.writeFileSync(path.join(src, 'f'), 'v\n');
  execFileSync('python3', ['-c', `import os; os.setxattr(${JSON.stringify(path.join(src, 'f'))}, 'user.colour', b'red')`]);
  // The docker CLI's archive carries the file capability; a tar made by GNU tar carries every attribute.
  const gnuTar = execFileSync('tar', ['--xattrs', '--xattrs-include=*', '-C', src, '-cf', '-', 'ping', 'f'], { maxBuffer: 1 << 24 });
  for (const state of ['running', 'stopped']) {
    if (state === 'stopped') assert.equal((await e.docker(['stop', '-t', '0', name])).code, 0);
    const dir = `/in-${state}`;
    const mk = await rawRequest(e.socketPath, 'PUT', `/containers/${name}/archive?path=/`, tarOf(dir.slice(1)), { 'Content-Type': 'application/x-tar' });
    assert.equal(mk.status, 200, mk.body);
    const cli = await e.docker(['cp', path.join(src, 'ping'), `${name}:${dir}/ping`]);
    assert.equal(cli.code, 0, cli.stderr);
    const put = await rawRequest(e.socketPath, 'PUT', `/containers/${name}/archive?path=${encodeURIComponent(`${dir}/`)}`, gnuTar, { 'Content-Type': 'application/x-tar' });
    assert.equal(put.status, 200, put.body);
    const out = path.join(tmp, `xattr-back-${state}`);
    assert.equal((await e.docker(['cp', `${name}:${dir}`, out])).code, 0);
    assert.match(execFileSync('getcap', [path.join(out, 'ping')], { encoding: 'utf8' }), /cap_net_raw[=+]ep/, state);
    assert.equal(execFileSync('python3', ['-c', `import os,sys; sys.stdout.write(os.getxattr(${JSON.stringify(path.join(out, 'f'))}, 'user.colour').decode())`], { encoding: 'utf8' }), 'red', state);
  }
});

test('cp out of a container keeps extended attributes and file capabilities', async () => {
  const name = e.name('cpxattr');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'mkdir /x && cp /bin/busybox /x/ping && echo v > /x/f && sleep 300');
  const pid = await e.inspect(name, '{{.State.Pid}}');
  const inside = `/proc/${pid}/root/x`;
  await waitFor(async () => fs.existsSync(`${inside}/f`), 10_000, 'the files');
  execFileSync('setcap', ['cap_net_raw+ep', `${inside}/ping`]);
  execFileSync('python3', ['-c', `import os; os.setxattr(${JSON.stringify(`${inside}/f`)}, 'user.colour', b'red')`]);
  const checks = (dir: string) => {
    assert.match(execFileSync('getcap', [path.join(dir, 'ping')], { encoding: 'utf8' }), /cap_net_raw[=+]ep/);
    assert.equal(execFileSync('python3', ['-c', `import os,sys; sys.stdout.write(os.getxattr(${JSON.stringify(path.join(dir, 'f'))}, 'user.colour').decode())`], { encoding: 'utf8' }), 'red');
  };
  for (const state of ['running', 'stopped']) {
    if (state === 'stopped') assert.equal((await e.docker(['stop', '-t', '0', name])).code, 0);
    const dest = path.join(tmp, `xattr-${state}`);
    const r = await e.docker(['cp', `${name}:/x`, dest]);
    assert.equal(r.code, 0, r.stderr);
    checks(dest);
  }
});
