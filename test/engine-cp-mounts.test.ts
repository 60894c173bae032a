// docker cp and a container's mounts, as Docker does: a stopped container's volumes and binds are
// seen (and written) at their destinations, read-only ones refuse uploads (500 "mounted volume is
// marked read-only", as dockerd 20.10), and diff/commit never hold what a volume holds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import tar from 'tar-stream';
import { rawRequest, run, startEngine, waitFor, type Engine } from './harness.js';

const PYTHON = '/usr/bin/python3';

let e: Engine;
let tmp: string;
before(async () => {
  e = await startEngine();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cp-mounts-'));
});
after(async () => {
  await e?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await e.docker(args, input === undefined ? undefined : { input });
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The one file a tar holds, by name. */
async function untarOne(raw: Buffer, name: string): Promise<string> {
  const x = tar.extract();
  let found: string | undefined;
  const done = new Promise<void>((resolve, reject) => {
    x.on('entry', (h, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c) => { chunks.push(c as Buffer); });
      stream.on('end', () => { if (h.name === name) found = Buffer.concat(chunks).toString(); next(); });
    });
    x.on('finish', resolve);
    x.on('error', reject);
  });
  x.end(raw);
  await done;
  assert.notEqual(found, undefined, `${name} in the archive`);
  return found!;
}

async function tarOf(name: string, content: string): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Host directory of the volume a container mounts at `dst`. */
async function volumeDir(ctr: string, dst: string): Promise<string> {
  const name = await e.inspect(ctr, `{{range .Mounts}}{{if eq .Destination "${dst}"}}{{.Name}}{{end}}{{end}}`);
  assert.ok(name, `a volume at ${dst}`);
  return (await ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', name])).trim();
}

function mountsUnder(dir: string): string[] {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((m) => m.startsWith(dir));
}

test('cp sees the volumes and binds of a container never started, both ways, and the host sees the writes', async () => {
  const vol = e.name('vol');
  const bind = fs.mkdtempSync(path.join(tmp, 'bind-'));
  fs.writeFileSync(path.join(bind, 'pre'), 'in-bind\n');
  await ok(['volume', 'create', vol]);
  const volDir = (await ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim();
  fs.writeFileSync(path.join(volDir, 'pre'), 'in-volume\n');
  const ctr = e.name('cpvol');
  await ok(['create', '--name', ctr, '-v', `${vol}:/vol`, '-v', '/anon', '-v', `${bind}:/bind`, 'busybox', 'sleep', '300']);

  assert.equal(await untarOne((await e.docker(['cp', `${ctr}:/vol/pre`, '-'])).raw, 'pre'), 'in-volume\n');
  assert.equal(await untarOne((await e.docker(['cp', `${ctr}:/bind/pre`, '-'])).raw, 'pre'), 'in-bind\n');

  const local = path.join(tmp, 'local.txt');
  fs.writeFileSync(local, 'from-host\n');
  for (const dst of ['/vol/', '/anon/', '/bind/']) await ok(['cp', local, `${ctr}:${dst}`]);
  assert.equal(fs.readFileSync(path.join(volDir, 'local.txt'), 'utf8'), 'from-host\n');
  assert.equal(fs.readFileSync(path.join(await volumeDir(ctr, '/anon'), 'local.txt'), 'utf8'), 'from-host\n');
  assert.equal(fs.readFileSync(path.join(bind, 'local.txt'), 'utf8'), 'from-host\n');
  assert.equal(await untarOne((await e.docker(['cp', `${ctr}:/anon/local.txt`, '-'])).raw, 'local.txt'), 'from-host\n');

  // What the stopped container was given is what it sees once started.
  await ok(['start', ctr]);
  assert.equal(await ok(['exec', ctr, 'cat', '/vol/local.txt', '/anon/local.txt', '/bind/local.txt', '/vol/pre']),
    'from-host\nfrom-host\nfrom-host\nin-volume\n');
  await ok(['exec', ctr, 'sh', '-c', 'echo ran > /vol/ran']);
  await ok(['stop', '-t', '0', ctr]);
  assert.equal(await untarOne((await e.docker(['cp', `${ctr}:/vol/ran`, '-'])).raw, 'ran'), 'ran\n');
  if (e.berthd) assert.deepEqual(mountsUnder(path.join(e.berthd.args[e.berthd.args.indexOf('--exec-root') + 1], 'mnt')), []);
});

test('an upload into a read-only volume or bind is refused as Docker refuses it, running or stopped', async () => {
  const bind = fs.mkdtempSync(path.join(tmp, 'robind-'));
  const vol = e.name('rovol');
  const ctr = e.name('cpro');
  await ok(['create', '--name', ctr, '--read-only', '-v', `${vol}:/ro:ro`, '-v', `${bind}:/rob:ro`, '-v', '/rw', 'busybox', 'sleep', '300']);
  const body = await tarOf('f', 'x\n');
  const local = path.join(tmp, 'ro.txt');
  fs.writeFileSync(local, 'x\n');
  for (const state of ['stopped', 'running']) {
    if (state === 'running') await ok(['start', ctr]);
    for (const dst of ['/ro', '/rob']) {
      const r = await rawRequest(e.socketPath, 'PUT', `/containers/${ctr}/archive?path=${dst}`, body, { 'Content-Type': 'application/x-tar' });
      assert.equal(r.status, 500, `${state} ${dst}: ${r.body}`);
      assert.equal(JSON.parse(r.body).message, 'mounted volume is marked read-only');
      const cli = await e.docker(['cp', local, `${ctr}:${dst}/`]);
      assert.equal(cli.code, 1);
      assert.match(cli.stderr, /mounted volume is marked read-only/);
    }
    assert.deepEqual(fs.readdirSync(bind), []);
    // The rootfs is read-only, its writable volume is not.
    await ok(['cp', local, `${ctr}:/rw/${state}.txt`]);
    const root = await e.docker(['cp', local, `${ctr}:/`]);
    assert.equal(root.code, 1);
    assert.match(root.stderr, /container rootfs is marked read-only/);
  }
  assert.deepEqual(fs.readdirSync(await volumeDir(ctr, '/rw')).sort(), ['running.txt', 'stopped.txt']);
});

test('diff and commit leave out what is written into a volume', async () => {
  const ctr = e.name('cpdiff');
  await e.runDetached(ctr, '-v', '/data', 'busybox', 'sh', '-c', 'echo x > /data/f; echo y > /top; sleep 300');
  await waitFor(async () => (await e.docker(['exec', ctr, 'cat', '/top'])).stdout === 'y\n', 10_000, '/top written');
  const diff = (await ok(['diff', ctr])).split('\n').filter(Boolean);
  // The mount point itself is in the layer (runc made it), as in Docker; not what it holds.
  assert.ok(diff.includes('A /top') && diff.includes('A /data'), diff.join('\n'));
  assert.ok(!diff.some((l) => l.includes('/data/')), diff.join('\n'));
  await ok(['stop', '-t', '0', ctr]);
  // Copied into a stopped container's volume: in the volume, not in its layer either.
  const local = path.join(tmp, 'g');
  fs.writeFileSync(local, 'g\n');
  await ok(['cp', local, `${ctr}:/data/`]);
  assert.deepEqual(fs.readdirSync(await volumeDir(ctr, '/data')).sort(), ['f', 'g']);
  const after = (await ok(['diff', ctr])).split('\n').filter(Boolean);
  assert.ok(!after.some((l) => l.includes('/data/')), after.join('\n'));
  const img = `${e.prefix}-committed:1`;
  await ok(['commit', ctr, img]);
  try {
    assert.equal(await ok(['run', '--rm', img, 'sh', '-c', 'ls -A /data; cat /top']), 'y\n');
  } finally {
    await e.docker(['rmi', '-f', img]);
  }
});

test('docker-py put_archive and get_archive reach a volume, stopped and running', async () => {
  const vol = e.name('pyvol');
  const ctr = e.name('cppy');
  await ok(['create', '--name', ctr, '-v', `${vol}:/vol`, 'busybox', 'sleep', '300']);
  const script = `
import io, sys, tarfile, docker
c = docker.from_env().containers.get(sys.argv[1])
def put(name, data):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as t:
        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
    assert c.put_archive('/vol', buf.getvalue())
def get(path):
    stream, stat = c.get_archive(path)
    with tarfile.open(fileobj=io.BytesIO(b''.join(stream))) as t:
        return stat['name'], t.extractfile(stat['name']).read()
put('stopped', b'one\\n')
print(get('/vol/stopped'))
c.start()
put('running', b'two\\n')
print(get('/vol/running'))
print(get('/vol/stopped'))
`;
  const r = await run(PYTHON, ['-c', script, ctr], { env: e.env, timeout: 60_000 });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.equal(r.stdout, "('stopped', b'one\\n')\n('running', b'two\\n')\n('stopped', b'one\\n')\n");
  const dir = (await ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim();
  assert.equal(fs.readFileSync(path.join(dir, 'stopped'), 'utf8'), 'one\n');
  assert.equal(fs.readFileSync(path.join(dir, 'running'), 'utf8'), 'two\n');
});

test("a mount point that is a symlink in the image binds inside the container's root, never on the host path it names", async () => {
  const hostDir = fs.mkdtempSync(path.join(tmp, 'target-'));
  const maker = e.name('cplnk');
  await ok(['run', '--name', maker, 'busybox', 'ln', '-s', hostDir, '/vol']);
  const img = `${e.prefix}-lnk:1`;
  await ok(['commit', maker, img]);
  const vol = e.name('lnkvol');
  const ctr = e.name('cplnkvol');
  try {
    await ok(['create', '--name', ctr, '-v', `${vol}:/vol`, img, 'sleep', '300']);
    const local = path.join(tmp, 'through-link.txt');
    fs.writeFileSync(local, 'kept-inside\n');
    await ok(['cp', local, `${ctr}:/vol/`]);
    assert.deepEqual(fs.readdirSync(hostDir), []);
    assert.deepEqual(mountsUnder(hostDir), []);
    const dir = (await ok(['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim();
    assert.equal(fs.readFileSync(path.join(dir, 'through-link.txt'), 'utf8'), 'kept-inside\n');
    assert.equal(await untarOne((await e.docker(['cp', `${ctr}:/vol/through-link.txt`, '-'])).raw, 'through-link.txt'), 'kept-inside\n');
  } finally {
    await e.docker(['rm', '-f', ctr, maker]);
    await e.docker(['rmi', '-f', img]);
  }
});
