// `volume export` / `volume import` (berth's own; Docker has none): a round trip keeps owners,
// modes, extended attributes (file capabilities too) and hard links; hostile archives are
// refused without changing anything outside the volume or the volume's own content.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { rawRequest, run, startEngine, type Engine } from './harness.js';

const BERTH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/berth');
const berthOnly = { skip: process.env.BERTH_TEST_ENGINE === 'reference' && 'volume export/import are berth-only' };

let e: Engine;
before(async () => { e = await startEngine(); });
after(async () => { await e?.stop(); });

const berth = (args: string[], input?: Buffer) => run(BERTH, args, { env: e.env, input, timeout: 60_000 });

async function mountpoint(name: string): Promise<string> {
  return (await e.docker(['volume', 'inspect', '-f', '{{.Mountpoint}}', name])).stdout.trim();
}

async function populated(): Promise<string> {
  const vol = e.name('src');
  const r = await e.docker(['run', '--rm', '-v', `${vol}:/d`, 'busybox', 'sh', '-c', [
    'mkdir -p /d/dir/sub && echo hello > /d/dir/file && ln /d/dir/file /d/hard && ln -s dir/file /d/sym',
    'echo secret > /d/owned && chown 1000:1000 /d/owned && chmod 0640 /d/owned',
    'echo cap > /d/capfile && chmod 0755 /d/dir/sub && chmod 0700 /d/dir',
  ].join(' && ')]);
  assert.equal(r.code, 0, r.stderr);
  const mp = await mountpoint(vol);
  execFileSync('setcap', ['cap_net_raw+ep', path.join(mp, 'capfile')]);
  execFileSync('python3', ['-c', `import os; os.setxattr(${JSON.stringify(path.join(mp, 'owned'))}, 'user.berth', b'kept')`]);
  return vol;
}

const getxattr = (file: string, key: string): string =>
  execFileSync('python3', ['-c', `import os,sys; sys.stdout.write(os.getxattr(${JSON.stringify(file)}, ${JSON.stringify(key)}).decode())`]).toString();

function checkCopy(mp: string): void {
  assert.equal(fs.readFileSync(path.join(mp, 'dir/file'), 'utf8'), 'hello\n');
  assert.equal(fs.statSync(path.join(mp, 'hard')).ino, fs.statSync(path.join(mp, 'dir/file')).ino, 'hard link kept');
  assert.equal(fs.readlinkSync(path.join(mp, 'sym')), 'dir/file');
  const owned = fs.statSync(path.join(mp, 'owned'));
  assert.deepEqual([owned.uid, owned.gid, owned.mode & 0o7777], [1000, 1000, 0o640]);
  assert.equal(fs.statSync(path.join(mp, 'dir')).mode & 0o7777, 0o700);
  assert.equal(getxattr(path.join(mp, 'owned'), 'user.berth'), 'kept');
  assert.match(execFileSync('getcap', [path.join(mp, 'capfile')]).toString(), /cap_net_raw[=+]ep/);
}

test('volume export | volume import round trip keeps owners, modes, xattrs, capabilities and hard links', berthOnly, async () => {
  const src = await populated();
  const dst = e.name('dst');
  const out = path.join(os.tmpdir(), `${e.prefix}-vol.tar`);
  try {
    const x = await berth(['volume', 'export', '-o', out, src]);
    assert.equal(x.code, 0, x.stderr);
    const stdout = await berth(['volume', 'export', src]);
    assert.equal(stdout.code, 0, stdout.stderr);
    assert.ok(stdout.raw.length > 1024);
    // A volume that does not exist is created by the import.
    const i = await berth(['volume', 'import', dst], fs.readFileSync(out));
    assert.equal(i.code, 0, i.stderr);
    checkCopy(await mountpoint(dst));
    // The copy's content is what a container sees too.
    const seen = await e.docker(['run', '--rm', '-v', `${dst}:/d`, 'busybox', 'cat', '/d/sym']);
    assert.equal(seen.stdout, 'hello\n');
    // A non-empty volume is refused without --force, replaced (nothing left over) with it.
    fs.writeFileSync(path.join(await mountpoint(dst), 'extra'), 'x');
    const refused = await berth(['volume', 'import', dst, out]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /volume is not empty/);
    const forced = await berth(['volume', 'import', '--force', dst, out]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(fs.existsSync(path.join(await mountpoint(dst), 'extra')), false);
    checkCopy(await mountpoint(dst));
    // Gzip-compressed archives are accepted by the API.
    const gz = e.name('gz');
    const r = await rawRequest(e.socketPath, 'PUT', `/volumes/${gz}/import`, gzipSync(fs.readFileSync(out)), { 'Content-Type': 'application/x-tar' });
    assert.ok(r.status === 200 || r.status === 204, `${r.status} ${r.body}`);
    checkCopy(await mountpoint(gz));
  } finally {
    fs.rmSync(out, { force: true });
  }
});

async function packed(build: (p: tar.Pack) => void): Promise<Buffer> {
  const pack = tar.pack();
  build(pack);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const hostile: [string, (p: tar.Pack, marker: string) => void][] = [
  ['a ../ entry', (p, m) => p.entry({ name: `../../../../../../../tmp/${m}/escape` }, 'x')],
  ['an absolute entry', (p, m) => p.entry({ name: `/tmp/${m}/abs` }, 'x')],
  ['an entry under a symlink the archive made', (p, m) => {
    p.entry({ name: 'l', type: 'symlink', linkname: `/tmp/${m}` });
    p.entry({ name: 'l/pwned' }, 'x');
  }],
  ['a hard link whose target is outside', (p, m) => p.entry({ name: 'h', type: 'link', linkname: `../../../../../../../tmp/${m}/x` })],
  ['a hard link to ../../x', (p) => p.entry({ name: 'h', type: 'link', linkname: '../../x' })],
  ['a device node', (p) => p.entry({ name: 'null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 })],
];

for (const [what, build] of hostile) {
  test(`volume import refuses ${what} (400) and changes nothing`, berthOnly, async () => {
    const vol = e.name('host');
    assert.equal((await e.docker(['run', '--rm', '-v', `${vol}:/d`, 'busybox', 'sh', '-c', 'echo kept > /d/kept'])).code, 0);
    const mp = await mountpoint(vol);
    const marker = `${e.prefix}-marker`;
    const outside = path.join('/tmp', marker);
    fs.mkdirSync(outside, { recursive: true });
    fs.writeFileSync(path.join(outside, 'x'), 'outside\n');
    try {
      const body = await packed((p) => { p.entry({ name: 'new' }, 'new\n'); build(p, marker); });
      const r = await rawRequest(e.socketPath, 'PUT', `/volumes/${vol}/import?force=1`, body, { 'Content-Type': 'application/x-tar' });
      assert.equal(r.status, 400, r.body);
      assert.match(r.body, /invalid tar entry/); // refused by the check, before any extraction
      assert.deepEqual(fs.readdirSync(outside), ['x']);
      assert.equal(fs.statSync(path.join(outside, 'x')).nlink, 1);
      assert.equal(fs.existsSync(path.resolve(mp, '../../x')), false);
      assert.deepEqual(fs.readdirSync(mp), ['kept']);
      assert.equal(fs.readFileSync(path.join(mp, 'kept'), 'utf8'), 'kept\n');
      assert.deepEqual(fs.readdirSync(path.dirname(mp)).filter((n) => n.startsWith('.import-')), [], 'no staging left');
      // Refused into a volume that did not exist: no volume is left behind either.
      const fresh = e.name('fresh');
      const f = await rawRequest(e.socketPath, 'PUT', `/volumes/${fresh}/import`, body, { 'Content-Type': 'application/x-tar' });
      assert.equal(f.status, 400, f.body);
      assert.equal((await rawRequest(e.socketPath, 'GET', `/volumes/${fresh}`)).status, 404);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
}

test('volume import into a volume a running container uses is refused (409)', berthOnly, async () => {
  const vol = e.name('busy');
  const c = e.name('user');
  const id = await e.runDetached(c, '-v', `${vol}:/d`, 'busybox', 'sleep', '300');
  const body = await packed((p) => p.entry({ name: 'f' }, 'f\n'));
  const r = await rawRequest(e.socketPath, 'PUT', `/volumes/${vol}/import?force=1`, body, { 'Content-Type': 'application/x-tar' });
  assert.equal(r.status, 409, r.body);
  assert.match(r.body, new RegExp(`volume is in use - \\[${id}\\]`));
  assert.deepEqual(fs.readdirSync(await mountpoint(vol)), []);
  // Stopped, the container no longer holds the volume.
  assert.equal((await e.docker(['rm', '-f', c])).code, 0);
  const ok = await rawRequest(e.socketPath, 'PUT', `/volumes/${vol}/import`, body, { 'Content-Type': 'application/x-tar' });
  assert.ok(ok.status === 200 || ok.status === 204, `${ok.status} ${ok.body}`);
});

test('volume export of an unknown volume is a 404', berthOnly, async () => {
  const name = e.name('nosuch');
  const r = await rawRequest(e.socketPath, 'GET', `/volumes/${name}/export`);
  assert.equal(r.status, 404);
  assert.match(r.body, new RegExp(`get ${name}: no such volume`));
  const cli = await berth(['volume', 'export', '-o', '/dev/null', name]);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /no such volume/);
});
