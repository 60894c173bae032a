// berthd's image service driven by the real docker CLI: import (with changes), inspect, history,
// tag, rmi, images (filters), prune, save/load in every archive shape berthd reads, events and
// restarts. Where the answer is deterministic for the same input, it is compared with the
// reference engine's (its images are named under this file's prefix and removed afterwards).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { REFERENCE_DOCKERD, dockerAt, rawRequest, run, startEngine, type Engine, type RunResult } from './harness.js';

let e: Engine;
let tmp: string;
let refHost = '';
const refNames: string[] = [];

before(async () => {
  e = await startEngine();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-images-cli-'));
  const r = await run(REFERENCE_DOCKERD, ['start'], { timeout: 120_000 });
  if (r.code === 0) refHost = r.stdout.trim().split('\n').pop() ?? '';
  // A small rootfs: one file, one directory, one symlink.
  const root = path.join(tmp, 'rootfs');
  fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc/hello'), 'hello from berth\n');
  fs.symlinkSync('hello', path.join(root, 'etc/link'));
  execFileSync('tar', ['-C', root, '--mtime=2020-01-01', '--owner=0', '--group=0', '--sort=name', '-cf', path.join(tmp, 'rootfs.tar'), '.']);
});

after(async () => {
  if (refHost && refNames.length) await dockerAt(refHost, ['rmi', '-f', ...refNames]);
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  await e?.stop();
});

function ok(r: RunResult): string {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const rootfsTar = () => path.join(tmp, 'rootfs.tar');

async function inspect(ref: string, host = e.host): Promise<any> {
  return JSON.parse(ok(await dockerAt(host, ['image', 'inspect', ref])))[0];
}

async function importAs(name: string, extra: string[] = [], host = e.host): Promise<string> {
  return ok(await dockerAt(host, ['import', ...extra, rootfsTar(), name])).trim();
}

const CHANGES = [
  '-c', 'ENV A=1 B="x y"', '-c', 'ENV C 3', '-c', 'CMD echo hi', '-c', 'ENTRYPOINT ["/bin/sh"]',
  '-c', 'EXPOSE 80 53/udp', '-c', 'LABEL a=b "c d"=e', '-c', 'VOLUME /data', '-c', 'WORKDIR /w',
  '-c', 'USER nobody', '-c', 'ONBUILD RUN x', '-m', 'my message',
];

test('import applies changes and message like the reference engine', async () => {
  const name = e.name('imp');
  const id = await importAs(`${name}:1`, CHANGES);
  assert.match(id, /^sha256:[a-f0-9]{64}$/);
  const img = await inspect(`${name}:1`);
  assert.equal(img.Id, id);
  assert.deepEqual(img.RepoTags, [`${name}:1`]);
  assert.equal(img.Comment, 'my message');
  assert.equal(img.Os, 'linux');
  assert.equal(img.RootFS.Type, 'layers');
  if (e.kind === 'berthd') assert.equal(img.GraphDriver.Name, 'overlayfs');
  assert.deepEqual(img.Config.Env, ['A=1', 'B=x y', 'C=3']);
  assert.deepEqual(img.Config.Cmd, ['/bin/sh', '-c', 'echo hi']);
  assert.deepEqual(img.Config.Entrypoint, ['/bin/sh']);
  assert.deepEqual(img.Config.ExposedPorts, { '53/udp': {}, '80/tcp': {} });
  assert.deepEqual(img.Config.Labels, { a: 'b', 'c d': 'e' });
  assert.deepEqual(img.Config.Volumes, { '/data': {} });
  assert.equal(img.Config.WorkingDir, '/w');
  assert.equal(img.Config.User, 'nobody');
  assert.deepEqual(img.Config.OnBuild, ['RUN x']);
  const hist = JSON.parse(`[${ok(await e.docker(['history', '--no-trunc', '--format', '{{json .}}', `${name}:1`])).trim().split('\n').join(',')}]`);
  assert.equal(hist.length, 1);
  assert.equal(hist[0].ID, id);
  assert.equal(hist[0].Comment, 'my message');

  if (!refHost) return;
  const refName = `${name}-ref:1`;
  refNames.push(refName);
  await importAs(refName, CHANGES, refHost);
  const ref = await inspect(refName, refHost);
  for (const key of ['Env', 'Cmd', 'Entrypoint', 'ExposedPorts', 'Labels', 'Volumes', 'WorkingDir', 'User', 'OnBuild']) {
    assert.deepEqual(img.Config[key], ref.Config[key], key);
  }
  assert.deepEqual(img.RootFS, ref.RootFS, 'same tar, same diff IDs');
  assert.equal(img.Size, ref.Size, 'same unpacked size');
  assert.equal(img.Comment, ref.Comment);
});

test('import refuses changes that docker import refuses, with its message', async () => {
  for (const change of ['RUN ls', 'FROM x']) {
    const r = await e.docker(['import', '-c', change, rootfsTar()]);
    assert.notEqual(r.code, 0);
    const word = change.split(' ')[0].toLowerCase();
    assert.match(r.stderr, new RegExp(`${word} is not a valid change command`));
  }
});

test('tag validates references with Docker messages; tags resolve to the same image', async () => {
  const name = e.name('tag');
  const id = await importAs(name);
  ok(await e.docker(['tag', name, `${name}:v2`]));
  ok(await e.docker(['tag', id.slice(7, 19), `${name}-other/sub:x`]));
  assert.equal((await inspect(`${name}:v2`)).Id, id);
  assert.deepEqual((await inspect(id)).RepoTags.sort(), [`${name}-other/sub:x`, `${name}:latest`, `${name}:v2`].sort());
  // The API's own validation (the CLI checks before sending), compared with the reference's.
  const cases: [string, string, string][] = [
    ['Upper', '', 'invalid reference format: repository name must be lowercase'],
    ['a:b:c', '', 'invalid reference format'],
    ['x', '-bad', 'invalid tag format'],
    ['a'.repeat(64), '', `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
  ];
  for (const [repo, tag, message] of cases) {
    const q = `repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(tag)}`;
    const r = await rawRequest(e.socketPath, 'POST', `/images/${name}/tag?${q}`);
    if (e.kind === 'berthd') assert.equal(r.status, 400, repo); // Debian's dockerd 20.10 answers 500
    assert.equal(JSON.parse(r.body).message, message);
    if (refHost) {
      const rr = await rawRequest(refHost.slice('unix://'.length), 'POST', `/images/busybox:latest/tag?${q}`);
      assert.equal(JSON.parse(rr.body).message, message, `reference's message for ${repo}`);
    }
  }
  const missing = await e.docker(['tag', `${name}-missing`, `${name}:z`]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /No such image/);
});

test('rmi untags one name, deletes with the last; by ID with several names needs -f', async () => {
  const name = e.name('rmi');
  const id = await importAs(`${name}:a`);
  ok(await e.docker(['tag', `${name}:a`, `${name}:b`]));
  ok(await e.docker(['tag', `${name}:a`, `${name}-x:c`]));
  assert.equal(ok(await e.docker(['rmi', `${name}:b`])), `Untagged: ${name}:b\n`);
  const byId = await e.docker(['rmi', id]);
  assert.notEqual(byId.code, 0);
  assert.equal(byId.stderr.trim(), `Error response from daemon: conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is referenced in multiple repositories`);
  const forced = ok(await e.docker(['rmi', '-f', id]));
  assert.equal(forced, `Untagged: ${name}-x:c\nUntagged: ${name}:a\nDeleted: ${id}\n`, 'names in lexical order');
  const gone = await e.docker(['image', 'inspect', id]);
  assert.notEqual(gone.code, 0);
  const again = await e.docker(['rmi', `${name}:a`]);
  assert.match(again.stderr, new RegExp(`No such image: ${name}:a`));
});

test('rmi of an image a container uses: conflict texts as Docker', async () => {
  const name = e.name('used');
  const id = await importAs(name, ['-c', 'CMD ["/etc/hello"]']);
  const c = e.name('c');
  ok(await e.docker(['create', '--name', c, name]));
  const cid = ok(await e.docker(['inspect', '-f', '{{.Id}}', c])).trim();
  const r = await e.docker(['rmi', name]);
  assert.equal(r.stderr.trim(), `Error response from daemon: conflict: unable to remove repository reference "${name}" (must force) - container ${cid.slice(0, 12)} is using its referenced image ${id.slice(7, 19)}`);
  const byId = await e.docker(['rmi', id]);
  assert.equal(byId.stderr.trim(), `Error response from daemon: conflict: unable to delete ${id.slice(7, 19)} (must be forced) - image is being used by stopped container ${cid.slice(0, 12)}`);
  ok(await e.docker(['rm', c]));
  ok(await e.docker(['rmi', name]));
});

test('a re-used tag leaves the old image dangling until pruned, across a restart', async () => {
  const name = e.name('dang');
  const first = await importAs(name, ['-m', 'first']);
  const second = await importAs(name, ['-m', 'second']);
  assert.notEqual(first, second);
  const dangling = ok(await e.docker(['images', '-q', '--no-trunc', '--filter', 'dangling=true'])).split('\n');
  assert.ok(dangling.includes(first), 'old image is dangling');
  assert.deepEqual((await inspect(first)).RepoTags, []);
  const anonymous = ok(await e.docker(['import', rootfsTar()])).trim();
  assert.deepEqual((await inspect(anonymous)).RepoTags, []);

  if (e.kind === 'berthd') {
    await e.kill9();
    await e.restart();
    assert.deepEqual((await inspect(first)).RepoTags, [], 'dangling image survives a restart');
    assert.deepEqual((await inspect(name)).Id, second);
  }
  const pruned = ok(await e.docker(['image', 'prune', '-f']));
  assert.match(pruned, new RegExp(`deleted: ${first}`));
  assert.match(pruned, new RegExp(`deleted: ${anonymous}`));
  assert.notEqual((await e.docker(['image', 'inspect', first])).code, 0);
  assert.equal((await inspect(name)).Id, second, 'tagged image kept');
});

test('images filters: reference globs, label, dangling, before/since', async () => {
  const name = e.name('flt');
  const a = await importAs(`${name}/app:1`, ['-c', 'LABEL tier=web']);
  await new Promise((r) => setTimeout(r, 1100));
  const b = await importAs(`${name}/db:2`, ['-c', 'LABEL tier=db', '-m', 'db']);
  const list = async (...args: string[]) => ok(await e.docker(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', ...args])).trim().split('\n').filter(Boolean);
  assert.deepEqual(await list('--filter', `reference=${name}/*`), [`${name}/db:2 ${b}`, `${name}/app:1 ${a}`]);
  assert.deepEqual(await list('--filter', `reference=${name}/app:*`), [`${name}/app:1 ${a}`]);
  assert.deepEqual(await list('--filter', `reference=${name}/*`, '--filter', 'label=tier=db'), [`${name}/db:2 ${b}`]);
  assert.deepEqual(await list('--filter', `reference=${name}/*`, '--filter', `since=${name}/app:1`), [`${name}/db:2 ${b}`]);
  assert.deepEqual(await list('--filter', `reference=${name}/*`, '--filter', `before=${name}/db:2`), [`${name}/app:1 ${a}`]);
  assert.deepEqual(await list(`${name}/app`), [`${name}/app:1 ${a}`]);
  const bad = await e.docker(['images', '--filter', 'nope=1']);
  assert.match(bad.stderr, /invalid filter 'nope'/i);
  const pruned = ok(await e.docker(['image', 'prune', '-af', '--filter', 'label=tier=db']));
  assert.match(pruned, new RegExp(`untagged: ${name}/db:2`));
  assert.equal((await e.docker(['image', 'inspect', `${name}/db:2`])).code, 1);
  assert.equal((await inspect(`${name}/app:1`)).Id, a);
});

function tarList(file: string): string[] {
  return execFileSync('tar', ['-tf', file]).toString().trim().split('\n');
}

function tarFile(file: string, member: string): string {
  return execFileSync('tar', ['-xOf', file, member]).toString();
}

test('save writes a docker-archive that is also an OCI layout; load restores names and IDs', async () => {
  const name = e.name('save');
  const id = await importAs(`${name}:1`);
  ok(await e.docker(['tag', `${name}:1`, `${name}:2`]));
  const other = await importAs(`${name}-b:1`, ['-m', 'other']);
  const file = path.join(tmp, 'save.tar');
  ok(await e.docker(['save', '-o', file, `${name}:1`, `${name}:2`, `${name}-b:1`]));
  const manifest = JSON.parse(tarFile(file, 'manifest.json'));
  assert.equal(manifest.length, 2);
  assert.deepEqual(manifest[0].RepoTags, [`${name}:1`, `${name}:2`]);
  const oci = e.kind === 'berthd'; // Docker 25+ layout; Debian's dockerd 20.10 writes the older one
  if (oci) {
    const members = tarList(file);
    for (const m of ['manifest.json', 'index.json', 'oci-layout', 'repositories', `blobs/sha256/${id.slice(7)}`]) assert.ok(members.includes(m), m);
    assert.equal(manifest[0].Config, `blobs/sha256/${id.slice(7)}`);
    const index = JSON.parse(tarFile(file, 'index.json'));
    assert.equal(index.manifests.length, 3);
    const top = manifest[0].Layers[0].slice('blobs/sha256/'.length);
    assert.deepEqual(JSON.parse(tarFile(file, 'repositories'))[name], { 1: top, 2: top });
  }

  ok(await e.docker(['rmi', `${name}:1`, `${name}:2`, `${name}-b:1`]));
  const loaded = ok(await e.docker(['load', '-i', file]));
  assert.equal(loaded, `Loaded image: ${name}:1\nLoaded image: ${name}:2\nLoaded image: ${name}-b:1\n`);
  assert.equal((await inspect(`${name}:2`)).Id, id);
  assert.equal((await inspect(`${name}-b:1`)).Id, other);

  // gzip-compressed, through stdin, quiet
  ok(await e.docker(['rmi', `${name}:1`, `${name}:2`, `${name}-b:1`]));
  const q = ok(await e.docker(['load', '-q'], { input: gzipSync(fs.readFileSync(file)) }));
  assert.match(q, new RegExp(`Loaded image: ${name}:1\n`));
  assert.equal((await inspect(`${name}:1`)).Id, id);

  // a bare repository name saves all its tags; an ID saves the image without any
  const bare = path.join(tmp, 'bare.tar');
  ok(await e.docker(['save', '-o', bare, name]));
  assert.deepEqual(JSON.parse(tarFile(bare, 'manifest.json')).map((m: any) => m.RepoTags), [[`${name}:1`, `${name}:2`]]);
  const byId = path.join(tmp, 'by-id.tar');
  ok(await e.docker(['save', '-o', byId, id]));
  assert.deepEqual(JSON.parse(tarFile(byId, 'manifest.json')).map((m: any) => m.RepoTags), [null]);
  assert.ok(!tarList(byId).includes('repositories'));

  // loading over an existing tag renames the old image to nothing, as Docker says
  const newer = await importAs(`${name}:1`, ['-m', 'newer']);
  const over = ok(await e.docker(['load', '-i', file]));
  assert.match(over, new RegExp(`The image ${name}:1 already exists, renaming the old one with ID ${newer} to empty string\nLoaded image: ${name}:1\n`));
  assert.deepEqual((await inspect(newer)).RepoTags, []);
  ok(await e.docker(['rmi', newer]));

  if (!oci) return;
  // an OCI layout alone (no manifest.json/repositories)
  const ociDir = path.join(tmp, 'oci');
  fs.mkdirSync(ociDir);
  execFileSync('tar', ['-C', ociDir, '-xf', file]);
  fs.rmSync(path.join(ociDir, 'manifest.json'));
  fs.rmSync(path.join(ociDir, 'repositories'));
  const ociTar = path.join(tmp, 'oci.tar');
  execFileSync('tar', ['-C', ociDir, '-cf', ociTar, '.']);
  ok(await e.docker(['rmi', `${name}:1`, `${name}:2`, `${name}-b:1`]));
  ok(await e.docker(['load', '-i', ociTar]));
  assert.equal((await inspect(`${name}:2`)).Id, id);
  assert.equal((await inspect(`${name}-b:1`)).Id, other);
});

test('rmi of an image deletes its parents left dangling, unless noprune', async (t) => {
  // Docker keeps parents in local metadata (only its builder makes them); berthd reads the config's `parent`.
  if (e.kind !== 'berthd') { t.skip('berthd-specific: parent from the image config'); return; }
  // Two images in one archive: `child` names `parent` (untagged) as its parent.
  const dir = path.join(tmp, 'parents');
  fs.mkdirSync(path.join(dir, 'blobs/sha256'), { recursive: true });
  const layer = fs.readFileSync(rootfsTar());
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  const diffId = `sha256:${sha(layer)}`;
  fs.writeFileSync(path.join(dir, 'blobs/sha256', sha(layer)), layer);
  const configs: Record<string, string> = {};
  const write = (doc: object) => { const text = JSON.stringify(doc); fs.writeFileSync(path.join(dir, 'blobs/sha256', sha(text)), text); return sha(text); };
  const base = { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } };
  configs.parent = write({ ...base, comment: `${e.prefix} parent` });
  configs.child = write({ ...base, comment: `${e.prefix} child`, parent: `sha256:${configs.parent}` });
  const name = e.name('child');
  const entry = (cfg: string, tags: string[] | null) => ({ Config: `blobs/sha256/${cfg}`, RepoTags: tags, Layers: [`blobs/sha256/${sha(layer)}`] });
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify([entry(configs.parent, null), entry(configs.child, [name])]));
  const archive = path.join(tmp, 'parents.tar');
  execFileSync('tar', ['-C', dir, '-cf', archive, '.']);
  const loaded = ok(await e.docker(['load', '-i', archive]));
  assert.equal(loaded, `Loaded image ID: sha256:${configs.parent}\nLoaded image: ${name}:latest\n`);
  assert.equal((await inspect(name)).Parent, `sha256:${configs.parent}`);
  const hasChild = await e.docker(['rmi', configs.parent]);
  assert.match(hasChild.stderr, /\(cannot be forced\) - image has dependent child images/);
  assert.equal(ok(await e.docker(['rmi', name])), `Untagged: ${name}:latest\nDeleted: sha256:${configs.child}\nDeleted: sha256:${configs.parent}\n`);

  ok(await e.docker(['load', '-i', archive]));
  assert.equal(ok(await e.docker(['rmi', '--no-prune', name])), `Untagged: ${name}:latest\nDeleted: sha256:${configs.child}\n`);
  assert.equal((await inspect(configs.parent)).Id, `sha256:${configs.parent}`);
  ok(await e.docker(['rmi', configs.parent]));
});

test('archives cross between berthd and the reference engine with the same image IDs', async (t) => {
  if (!refHost || e.kind === 'reference') { t.skip('needs berthd and the reference engine'); return; }
  const name = e.name('cross');
  const id = await importAs(`${name}:b`, ['-c', 'CMD ["sh"]']);
  const ours = path.join(tmp, 'ours.tar');
  ok(await e.docker(['save', '-o', ours, `${name}:b`]));
  refNames.push(`${name}:b`);
  assert.match(ok(await dockerAt(refHost, ['load', '-i', ours])), new RegExp(`Loaded image: ${name}:b`));
  assert.equal((await inspect(`${name}:b`, refHost)).Id, id);

  const refName = `${name}-ref:r`;
  refNames.push(refName);
  const refId = await importAs(refName, ['-c', 'CMD ["sh"]', '-m', 'from the reference'], refHost);
  const theirs = path.join(tmp, 'theirs.tar');
  ok(await dockerAt(refHost, ['save', '-o', theirs, refName]));
  assert.match(ok(await e.docker(['load', '-i', theirs])), new RegExp(`Loaded image: ${refName}`));
  const loaded = await inspect(refName);
  assert.equal(loaded.Id, refId);
  assert.equal(loaded.Comment, 'from the reference');

  // the legacy layout: the reference's archive without manifest.json (repositories + <id>/json + layer.tar)
  const legacyDir = path.join(tmp, 'legacy');
  fs.mkdirSync(legacyDir);
  execFileSync('tar', ['-C', legacyDir, '-xf', theirs]);
  fs.rmSync(path.join(legacyDir, 'manifest.json'));
  const legacyTar = path.join(tmp, 'legacy.tar');
  execFileSync('tar', ['-C', legacyDir, '-cf', legacyTar, '.']);
  ok(await e.docker(['rmi', refName]));
  assert.match(ok(await e.docker(['load', '-i', legacyTar])), new RegExp(`Loaded image: ${refName}`));
  const legacy = await inspect(refName);
  assert.deepEqual(legacy.RootFS, loaded.RootFS);
  assert.deepEqual(legacy.Config.Cmd, ['sh']);
});

test('image events: import, tag, save, untag, delete (names as Docker 25+ gives them)', async (t) => {
  if (e.kind !== 'berthd') { t.skip('Debian\'s dockerd 20.10 names events by image ID'); return; }
  const since = Math.floor(Date.now() / 1000) - 1;
  const name = e.name('ev');
  const id = await importAs(name);
  ok(await e.docker(['save', '-o', path.join(tmp, 'ev.tar'), name]));
  ok(await e.docker(['rmi', name]));
  const out = ok(await e.docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=image', '--format', '{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}']));
  const mine = out.split('\n').filter((l) => l.includes(id));
  assert.deepEqual(mine, [`import ${id} ${id}`, `tag ${id} ${name}:latest`, `save ${id} ${name}:latest`, `untag ${id} ${name}:latest`, `delete ${id} ${id}`]);
});

test('system df and info count images', async () => {
  const df = JSON.parse(ok(await e.docker(['system', 'df', '--format', '{{json .}}'])).split('\n')[0]);
  assert.equal(df.Type, 'Images');
  assert.ok(Number(df.TotalCount) >= 1);
  const info = Number(ok(await e.docker(['info', '--format', '{{.Images}}'])).trim());
  assert.ok(info >= 1);
});
