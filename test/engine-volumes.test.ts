// Volumes and mounts through the real clients: the seeds' scenarios (a data-volume container,
// anonymous and named volumes, read-only binds, an image's VOLUME filling a new volume, tmpfs),
// the volume commands with their filters and errors, option volumes, kill -9 of the daemon, and
// hostile input (names, sub-paths and image symlinks that would lead out of a volume).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rawRequest, run, startEngine, type Engine } from './harness.js';

const PYTHON = '/usr/bin/python3';
let e: Engine;
let tmp: string;
before(async () => {
  e = await startEngine();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-vol-test-'));
});
after(async () => {
  await e?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const berthOnly = { skip: process.env.BERTH_TEST_ENGINE === 'reference' && "berth's own layout and messages" };

async function ok(args: string[], input?: string): Promise<string> {
  const r = await e.docker(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A `docker run` that must fail before the container starts: exit 125 (127 for a missing path) with the daemon's message. */
async function refused(args: string[], message: RegExp, code = 125): Promise<void> {
  const r = await e.docker(['run', '--rm', ...args]);
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, message);
}

/** An image whose VOLUME /web holds a file owned 1000:1000 in a 0750 directory. */
async function volumeImage(): Promise<string> {
  const base = e.name('webbase');
  const image = e.name('webimg');
  await ok(['run', '--name', base, 'busybox', 'sh', '-c', 'mkdir -p /web && echo page > /web/index.html && chown -R 1000:1000 /web && chmod 750 /web && ln -s index.html /web/link']);
  await ok(['commit', '-c', 'VOLUME /web', base, image]);
  await ok(['rm', base]);
  return image;
}

test('a data-volume container: two containers with --volumes-from serve the same file', async () => {
  const stat = e.name('static');
  await ok(['create', '-v', '/webcontent', '--name', stat, 'busybox', 'true']);
  await ok(['run', '--rm', '--volumes-from', stat, 'busybox', 'sh', '-c', 'echo shared-page > /webcontent/index.html']);
  for (const reader of [e.name('web1'), e.name('web2')]) {
    assert.equal(await ok(['run', '--name', reader, '--volumes-from', stat, 'busybox', 'cat', '/webcontent/index.html']), 'shared-page\n');
    // Chained: a container that got its volumes from another passes them on.
    assert.equal(await ok(['run', '--rm', '--volumes-from', reader, 'busybox', 'cat', '/webcontent/index.html']), 'shared-page\n');
  }
  const ro = await e.docker(['run', '--rm', '--volumes-from', `${stat}:ro`, 'busybox', 'touch', '/webcontent/x']);
  assert.notEqual(ro.code, 0);
  assert.match(ro.stderr, /Read-only file system/);
});

test('-v /data: inspect shows the host directory holding what the container wrote', async () => {
  const name = e.name('anon');
  await ok(['run', '--name', name, '-v', '/data', 'busybox', 'sh', '-c', 'echo written > /data/f']);
  const source = (await e.inspect(name, '{{range .Mounts}}{{.Source}}{{end}}'));
  assert.equal(fs.readFileSync(path.join(source, 'f'), 'utf8'), 'written\n');
  const mounts = JSON.parse(await e.inspect(name, '{{json .Mounts}}'));
  assert.equal(mounts.length, 1);
  assert.deepEqual({ ...mounts[0], Name: undefined, Source: undefined }, {
    Type: 'volume', Name: undefined, Source: undefined, Destination: '/data', Driver: 'local', Mode: '', RW: true, Propagation: '',
  });
  assert.match(mounts[0].Name, /^[0-9a-f]{64}$/);
  // rm without -v keeps the anonymous volume; rm -v of another container removes its own.
  await ok(['rm', name]);
  assert.ok(fs.existsSync(path.join(source, 'f')));
  const other = e.name('anon2');
  await ok(['create', '--name', other, '-v', '/data', 'busybox', 'true']);
  const otherVolume = await e.inspect(other, '{{range .Mounts}}{{.Name}}{{end}}');
  await ok(['rm', '-v', other]);
  assert.equal((await e.docker(['volume', 'inspect', otherVolume])).code, 1);
  // --rm removes the anonymous volume, never a named one.
  const named = e.name('keep');
  await ok(['run', '--rm', '-v', '/scratch', '-v', `${named}:/kept`, 'busybox', 'true']);
  assert.equal(await ok(['volume', 'inspect', '-f', '{{.Name}}', named]), `${named}\n`);
});

test('a named volume is shared by two containers and outlives them', async () => {
  const vol = e.name('shared');
  const writer = e.name('writer');
  await ok(['run', '-d', '--name', writer, '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'echo one > /data/f && sleep 300']);
  assert.equal(await ok(['run', '--rm', '-v', `${vol}:/d`, 'busybox', 'sh', '-c', 'until [ -f /d/f ]; do sleep 0.1; done; cat /d/f']), 'one\n');
  const rm = await e.docker(['volume', 'rm', vol]);
  assert.equal(rm.code, 1);
  const id = await e.inspect(writer, '{{.Id}}');
  assert.equal(rm.stderr, `Error response from daemon: remove ${vol}: volume is in use - [${id}]\n`);
  await ok(['rm', '-f', writer]);
  assert.equal(await ok(['run', '--rm', '-v', `${vol}:/again`, 'busybox', 'cat', '/again/f']), 'one\n');
  assert.equal(await ok(['volume', 'rm', vol]), `${vol}\n`);
});

test('a read-only bind refuses writes; a missing -v host directory is created, a missing --mount source is an error', async () => {
  const host = path.join(tmp, 'ro');
  fs.mkdirSync(host);
  fs.writeFileSync(path.join(host, 'f'), 'host\n');
  const r = await e.docker(['run', '--rm', '-v', `${host}:/h:ro`, 'busybox', 'sh', '-c', 'cat /h/f; echo x > /h/f']);
  assert.notEqual(r.code, 0);
  assert.equal(r.stdout, 'host\n');
  assert.match(r.stderr, /Read-only file system/);
  assert.equal(fs.readFileSync(path.join(host, 'f'), 'utf8'), 'host\n');
  const missing = path.join(tmp, 'made', 'here');
  await ok(['run', '--rm', '-v', `${missing}:/m`, 'busybox', 'touch', '/m/new']);
  assert.ok(fs.existsSync(path.join(missing, 'new')));
  await refused(['--mount', `type=bind,src=${path.join(tmp, 'nope')},dst=/x`, 'busybox', 'true'],
    new RegExp(`invalid mount config for type "bind": bind source path does not exist: ${path.join(tmp, 'nope')}`));
});

test("an image's VOLUME fills a new named volume (owner, mode, symlinks kept); nocopy and a used volume are not filled", async () => {
  const image = await volumeImage();
  const vol = e.name('filled');
  assert.equal(await ok(['run', '--rm', '-v', `${vol}:/web`, image, 'sh', '-c', 'stat -c "%u:%g %a" /web; cat /web/index.html; readlink /web/link']),
    '1000:1000 750\npage\nindex.html\n');
  const mountpoint = (await ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim();
  assert.equal(fs.readFileSync(path.join(mountpoint, 'index.html'), 'utf8'), 'page\n');
  const empty = e.name('nocopy');
  assert.equal(await ok(['run', '--rm', '-v', `${empty}:/web:nocopy`, image, 'ls', '-A', '/web']), '');
  // Without -v the image's VOLUME gets an anonymous volume, filled too.
  assert.equal(await ok(['run', '--rm', image, 'cat', '/web/index.html']), 'page\n');
});

test('--mount type=tmpfs with size and mode, and --tmpfs, show in /proc/mounts', async () => {
  const out = await ok(['run', '--rm', '--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770', '--tmpfs', '/u:size=2m', 'busybox', 'grep', 'tmpfs /[tu] ', '/proc/mounts']);
  assert.match(out, /^tmpfs \/t tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k,mode=1770 0 0$/m);
  assert.match(out, /^tmpfs \/u tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k 0 0$/m);
});

test('cp reads and writes through a volume of a running container', async () => {
  const name = e.name('cpvol');
  const vol = e.name('cpv');
  await ok(['run', '-d', '--name', name, '-v', `${vol}:/vol`, 'busybox', 'sleep', '300']);
  const local = path.join(tmp, 'in.txt');
  fs.writeFileSync(local, 'copied-in\n');
  await ok(['cp', local, `${name}:/vol/in.txt`]);
  const mountpoint = (await ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim();
  assert.equal(fs.readFileSync(path.join(mountpoint, 'in.txt'), 'utf8'), 'copied-in\n');
  const out = path.join(tmp, 'out.txt');
  await ok(['cp', `${name}:/vol/in.txt`, out]);
  assert.equal(fs.readFileSync(out, 'utf8'), 'copied-in\n');
  await ok(['rm', '-f', name]);
});

test('volume create, ls (quiet, format, filters), inspect, rm and prune as Docker', async () => {
  const a = e.name('va');
  const b = e.name('vb');
  assert.equal(await ok(['volume', 'create', '--label', 'tier=db', a]), `${a}\n`);
  await ok(['volume', 'create', b]);
  const generated = (await ok(['volume', 'create'])).trim();
  assert.match(generated, /^[0-9a-f]{64}$/);
  // A second create of the same name answers the existing volume.
  assert.equal(await ok(['volume', 'create', a]), `${a}\n`);
  const info = JSON.parse(await ok(['volume', 'inspect', a]))[0];
  assert.deepEqual(Object.keys(info).sort(), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
  assert.equal(info.Driver, 'local');
  assert.equal(info.Scope, 'local');
  assert.deepEqual(info.Labels, { tier: 'db' });
  assert.match(info.Mountpoint, new RegExp(`/volumes/${a}/_data$`));
  assert.match(info.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  const names = (args: string[]) => ok(['volume', 'ls', '-q', ...args]).then((o) => o.split('\n').filter((n) => n.startsWith(e.prefix)).sort());
  assert.deepEqual(await names(['--filter', 'label=tier=db']), [a]);
  assert.deepEqual(await names(['--filter', `name=${b}`]), [b]);
  assert.deepEqual(await names(['--filter', 'driver=local', '--filter', `name=${e.prefix}-v[ab]`]), [a, b].sort());
  const user = e.name('user');
  await ok(['create', '--name', user, '-v', `${b}:/b`, 'busybox', 'true']);
  assert.deepEqual(await names(['--filter', 'dangling=true', '--filter', `name=${e.prefix}-v`]), [a]);
  assert.deepEqual(await names(['--filter', 'dangling=false', '--filter', `name=${e.prefix}-v`]), [b]);
  assert.equal(await ok(['volume', 'ls', '--filter', `name=${a}`, '--format', '{{.Name}} {{.Driver}} {{.Labels}}']), `${a} local tier=db\n`);
  const bad = await e.docker(['volume', 'ls', '--filter', 'colour=red']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid filter 'colour'/);
  const noSuch = await e.docker(['volume', 'rm', `${e.prefix}-none`]);
  assert.equal(noSuch.stderr, `Error response from daemon: get ${e.prefix}-none: no such volume\n`);
  assert.equal((await e.docker(['volume', 'rm', '-f', `${e.prefix}-none`])).code, 0);
  // docker ps finds containers by volume name or destination.
  assert.equal(await ok(['ps', '-a', '-q', '--no-trunc', '--filter', `volume=${b}`]), `${await e.inspect(user, '{{.Id}}')}\n`);
  assert.equal(await ok(['ps', '-a', '-q', '--no-trunc', '--filter', 'volume=/b']), `${await e.inspect(user, '{{.Id}}')}\n`);
  // prune: anonymous unused volumes only; --all every unused one; a label filter narrows it.
  const anonUser = e.name('anonuser');
  await ok(['create', '--name', anonUser, '-v', '/x', 'busybox', 'true']);
  const anon = await e.inspect(anonUser, '{{range .Mounts}}{{.Name}}{{end}}');
  await ok(['rm', anonUser]);
  const pruned = await ok(['volume', 'prune', '-f']);
  assert.match(pruned, new RegExp(`^Deleted Volumes:\\n(?:.*\\n)*${anon}\\n`));
  assert.doesNotMatch(pruned, new RegExp(a));
  assert.equal((await e.docker(['volume', 'inspect', generated])).code, 0, 'a named (generated) volume is no anonymous one');
  await ok(['volume', 'prune', '-f', '--all', '--filter', 'label=tier=db']);
  assert.equal((await e.docker(['volume', 'inspect', a])).code, 1);
  assert.equal((await e.docker(['volume', 'inspect', b])).code, 0, 'in use: kept');
  await ok(['rm', user]);
  await ok(['volume', 'rm', b, generated]);
});

test('system df counts volumes and their sizes', async () => {
  const vol = e.name('dfvol');
  await ok(['run', '--rm', '-v', `${vol}:/d`, 'busybox', 'sh', '-c', 'head -c 100000 /dev/zero > /d/blob']);
  const df = JSON.parse((await rawRequest(e.socketPath, 'GET', '/system/df')).body);
  const mine = df.Volumes.find((v: { Name: string }) => v.Name === vol);
  assert.deepEqual(mine.UsageData, { Size: 100000, RefCount: 0 });
  assert.match(await ok(['system', 'df']), /^Local Volumes\s+\d+\s+\d+\s+/m);
  await ok(['volume', 'rm', vol]);
});

test('option volumes: a tmpfs volume and a bind volume are mounted while used', async () => {
  const t = e.name('tmpfsvol');
  await ok(['volume', 'create', '--driver', 'local', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=64m', t]);
  assert.match(await ok(['run', '--rm', '-v', `${t}:/t`, 'busybox', 'grep', ' /t ', '/proc/mounts']), /^tmpfs \/t tmpfs rw,.*size=65536k/m);
  const src = path.join(tmp, 'bindvol');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'f'), 'from-device\n');
  const bv = e.name('bindvol');
  await ok(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${src}`, bv]);
  assert.equal(await ok(['run', '--rm', '-v', `${bv}:/b`, 'busybox', 'sh', '-c', 'cat /b/f; echo back > /b/g']), 'from-device\n');
  assert.equal(fs.readFileSync(path.join(src, 'g'), 'utf8'), 'back\n');
  // Removing the volume never deletes the device's files.
  await ok(['volume', 'rm', bv, t]);
  assert.equal(fs.readFileSync(path.join(src, 'f'), 'utf8'), 'from-device\n');
  const badOpt = await e.docker(['volume', 'create', '--opt', 'colour=red', e.name('bad')]);
  assert.equal(badOpt.code, 1);
  assert.match(badOpt.stderr, /invalid option: "colour"/);
});

test('volumes and their users survive kill -9 of the daemon', berthOnly, async () => {
  const vol = e.name('durable');
  const name = e.name('durableuser');
  await ok(['run', '-d', '--name', name, '-v', `${vol}:/d`, 'busybox', 'sh', '-c', 'echo kept > /d/f && sleep 300']);
  await e.kill9();
  await e.restart();
  assert.equal(await ok(['run', '--rm', '-v', `${vol}:/d`, 'busybox', 'cat', '/d/f']), 'kept\n');
  const rm = await e.docker(['volume', 'rm', vol]);
  assert.match(rm.stderr, /volume is in use/);
  await ok(['rm', '-f', name]);
  await ok(['volume', 'rm', vol]);
});

test('hostile input: bad names, sub-paths and image symlinks never reach outside a volume', berthOnly, async () => {
  for (const name of ['a/b', '..', '../x', 'x'.repeat(300)]) {
    const r = await e.docker(['volume', 'create', name]);
    assert.equal(r.code, 1, name);
    assert.match(r.stderr, /includes invalid characters for a local volume name|file name too long/, name);
  }
  await refused(['-v', 'a/b:/x', 'busybox', 'true'], /"a\/b" includes invalid characters for a local volume name/);
  const vol = e.name('subp');
  await ok(['run', '--rm', '-v', `${vol}:/v`, 'busybox', 'sh', '-c', 'mkdir /v/in && echo in > /v/in/f && ln -s / /v/root && ln -s ../../../../../etc /v/up']);
  assert.equal(await ok(['run', '--rm', '--mount', `type=volume,src=${vol},dst=/x,volume-subpath=in`, 'busybox', 'cat', '/x/f']), 'in\n');
  await refused(['--mount', `type=volume,src=${vol},dst=/x,volume-subpath=../..`, 'busybox', 'true'], /subpath must be a relative path within the volume/);
  // Links inside the volume resolve inside it: `root` is the volume itself, `up` a missing /etc in it.
  assert.equal(await ok(['run', '--rm', '--mount', `type=volume,src=${vol},dst=/x,volume-subpath=root`, 'busybox', 'cat', '/x/in/f']), 'in\n');
  await refused(['--mount', `type=volume,src=${vol},dst=/x,volume-subpath=up`, 'busybox', 'true'], /cannot access path .*_data\/etc: no such file or directory/, 127);
  const base = e.name('lnbase');
  await ok(['run', '--name', base, 'busybox', 'ln', '-s', '/', '/data']);
  const image = e.name('lnimg');
  await ok(['commit', '-c', 'VOLUME /data', base, image]);
  await refused([image, 'true'], /invalid mount config for "\/data": it leads to the container's root directory/);
  const api = await rawRequest(e.socketPath, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', HostConfig: { Mounts: [{ Type: 'volume', Target: '/x', Bogus: 1 }] } }), { 'Content-Type': 'application/json' });
  assert.equal(api.status, 400, api.body);
  for (const [mount, message] of [
    [{ Type: 'tmpfs', Source: 'x', Target: '/t' }, 'invalid mount config for type "tmpfs": field Source must not be specified'],
    [{ Type: 'bind', Target: '/t' }, 'invalid mount config for type "bind": field Source must not be empty'],
    [{ Type: 'floppy', Target: '/t' }, 'invalid mount config for type "floppy": mount type unknown'],
    [{ Type: 'volume', Target: '/' }, 'invalid mount config for type "volume": invalid specification: destination can\'t be \'/\''],
  ] as const) {
    const r = await rawRequest(e.socketPath, 'POST', '/containers/create', JSON.stringify({ Image: 'busybox', HostConfig: { Mounts: [mount] } }), { 'Content-Type': 'application/json' });
    assert.equal(r.status, 400, r.body);
    assert.equal(JSON.parse(r.body).message, message);
  }
  await refused(['-v', '/tmp:/x', '-v', `${vol}:/x`, 'busybox', 'true'], /Duplicate mount point: \/x/);
});

test('docker-py: the volumes API, binds and mounts in create', async () => {
  const script = `
import docker, sys
p = sys.argv[1]
c = docker.from_env(timeout=60)
v = c.volumes.create(p + "-py", labels={"k": "v"})
print(v.name == p + "-py", v.attrs["Driver"], v.attrs["Labels"])
print([x.name for x in c.volumes.list(filters={"label": "k=v"}) if x.name.startswith(p)])
out = c.containers.run("busybox", "sh -c 'echo py > /d/f; cat /d/f; ls /b'", remove=True,
  volumes={p + "-py": {"bind": "/d", "mode": "rw"}, sys.argv[2]: {"bind": "/b", "mode": "ro"}})
print(out.decode().split())
m = docker.types.Mount("/m", p + "-py", type="volume", read_only=True)
out = c.containers.run("busybox", "cat /m/f", remove=True, mounts=[m])
print(out.decode().strip())
try:
  c.volumes.get(p + "-none")
except docker.errors.NotFound as err:
  print("404", err.explanation)
v.remove()
print(len([x for x in c.volumes.list() if x.name == p + "-py"]))
`;
  const host = path.join(tmp, 'pybind');
  fs.mkdirSync(host);
  fs.writeFileSync(path.join(host, 'seen'), '');
  const r = await run(PYTHON, ['-c', script, e.prefix, host], { env: e.env, timeout: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter(Boolean), [
    "True local {'k': 'v'}",
    `['${e.prefix}-py']`,
    "['py', 'seen']",
    'py',
    `404 get ${e.prefix}-none: no such volume`,
    '0',
  ]);
});

test('--mount type=image shows an image read-only', berthOnly, async () => {
  const image = await volumeImage();
  const r = await e.docker(['run', '--rm', '--mount', `type=image,src=${image},dst=/img`, 'busybox', 'sh', '-c', 'cat /img/web/index.html; touch /img/x']);
  assert.equal(r.stdout, 'page\n');
  assert.match(r.stderr, /Read-only file system/);
});
