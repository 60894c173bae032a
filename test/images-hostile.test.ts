// Hostile input to /images/load and /images/create?fromSrc=- over raw HTTP: path escapes in
// archive entries, symlinks and manifest paths that point out, malformed or huge manifests,
// digest mismatches and bodies that are not tars are refused with a clear message (in the load stream, as dockerd); nothing is
// written outside the data-root and berthd keeps serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import tar from 'tar-stream';
import { rawRequest, startEngine, type Engine } from './harness.js';

let e: Engine;
let canary: string;

before(async () => {
  e = await startEngine();
  canary = `/tmp/${e.prefix}-escaped`;
});

after(async () => {
  fs.rmSync(canary, { force: true, recursive: true });
  await e?.stop();
});

interface TarItem { name: string; data?: string | Buffer; symlink?: string; dir?: boolean }

async function makeTar(items: TarItem[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const it of items) {
    if (it.symlink !== undefined) pack.entry({ name: it.name, type: 'symlink', linkname: it.symlink });
    else if (it.dir) pack.entry({ name: it.name, type: 'directory' });
    else pack.entry({ name: it.name }, it.data ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const b of pack) chunks.push(b as Buffer);
  return Buffer.concat(chunks);
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function load(body: Buffer | string): Promise<{ status: number; message: string }> {
  const r = await rawRequest(e.socketPath, 'POST', '/images/load', body, { 'Content-Type': 'application/x-tar' });
  return { status: r.status, message: r.status === 200 ? r.body : JSON.parse(r.body).message };
}

/** A refused archive: as dockerd, a 200 whose JSON stream ends with the error (docker-py's ImageLoadError). */
async function expectRefused(body: Buffer | string, pattern: RegExp): Promise<void> {
  const r = await load(body);
  assert.equal(r.status, 200, r.message);
  const last = JSON.parse(r.message.trim().split('\n').at(-1)!) as { error?: string; errorDetail?: { message: string } };
  assert.equal(last.error, last.errorDetail?.message, r.message);
  assert.match(last.error ?? '', pattern);
  assert.equal(fs.existsSync(canary), false, 'nothing written outside the data-root');
}

/** A valid one-layer image as docker-archive members: config, layer and manifest.json. */
async function validImage(layer?: Buffer): Promise<{ config: Buffer; layer: Buffer; items: TarItem[] }> {
  const layerTar = layer ?? (await makeTar([{ name: 'hello', data: 'hi\n' }]));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${sha(layerTar)}`] } }));
  return {
    config,
    layer: layerTar,
    items: [
      { name: `blobs/sha256/${sha(config)}`, data: config },
      { name: `blobs/sha256/${sha(layerTar)}`, data: layerTar },
    ],
  };
}

test('entries that climb out of the archive or are absolute are refused', async () => {
  await expectRefused(await makeTar([{ name: `../../../../../..${canary}`, data: 'x' }]), /points outside the archive/);
  await expectRefused(await makeTar([{ name: canary, data: 'x' }]), /is an absolute path/);
  await expectRefused(await makeTar([{ name: 'a/../../b', data: 'x' }]), /points outside the archive/);
});

test('symlinks pointing out of the archive are refused', async () => {
  await expectRefused(await makeTar([{ name: 'manifest.json', symlink: '/etc/passwd' }]), /symlink "manifest.json" points outside the archive/);
  await expectRefused(await makeTar([{ name: 'manifest.json', symlink: '../../../../etc/passwd' }]), /points outside the archive/);
  const img = await validImage();
  const manifest = JSON.stringify([{ Config: 'cfg.json', RepoTags: [`${e.prefix}-x:1`], Layers: ['layer.tar'] }]);
  await expectRefused(await makeTar([...img.items, { name: 'cfg.json', symlink: `blobs/sha256/${sha(img.config)}` }, { name: 'layer.tar', symlink: '../layer.tar' }, { name: 'manifest.json', data: manifest }]), /points outside the archive/);
});

test('manifest.json paths that escape or are missing are refused', async () => {
  const img = await validImage();
  const escape = JSON.stringify([{ Config: '../../../../etc/passwd', RepoTags: [], Layers: [] }]);
  await expectRefused(await makeTar([...img.items, { name: 'manifest.json', data: escape }]), /points outside the archive/);
  const abs = JSON.stringify([{ Config: '/etc/passwd', RepoTags: [], Layers: [] }]);
  await expectRefused(await makeTar([...img.items, { name: 'manifest.json', data: abs }]), /absolute path/);
  const missing = JSON.stringify([{ Config: 'nope.json', RepoTags: [], Layers: [] }]);
  await expectRefused(await makeTar([...img.items, { name: 'manifest.json', data: missing }]), /"nope.json" not found in the archive/);
});

test('malformed and huge manifests are refused', async () => {
  await expectRefused(await makeTar([{ name: 'manifest.json', data: '{"not json' }]), /manifest.json/);
  await expectRefused(await makeTar([{ name: 'manifest.json', data: '{"a":1}' }]), /manifest.json is not a list/);
  await expectRefused(await makeTar([{ name: 'manifest.json', data: '[{"Config":1,"Layers":"x"}]' }]), /malformed manifest.json entry/);
  await expectRefused(await makeTar([{ name: 'manifest.json', data: `[${'{"Config":"a","Layers":[]},'.repeat(2000)}1]` }]), /more than 1000 images/);
  const huge = Buffer.alloc(9 << 20, 0x20);
  await expectRefused(await makeTar([{ name: 'manifest.json', data: huge }]), /manifest.json is too large/);
  const img = await validImage();
  const badRef = JSON.stringify([{ Config: `blobs/sha256/${sha(img.config)}`, RepoTags: ['UPPER:case'], Layers: [`blobs/sha256/${sha(img.layer)}`] }]);
  await expectRefused(await makeTar([...img.items, { name: 'manifest.json', data: badRef }]), /invalid reference "UPPER:case"/);
  await expectRefused(await makeTar([{ name: 'nothing-here', data: 'x' }]), /no manifest.json, index.json or repositories/);
});

test('a layer that does not match its diff ID is refused, and so is an OCI blob that does not match its name', async () => {
  const img = await validImage();
  const other = await makeTar([{ name: 'other', data: 'not the promised layer' }]);
  const manifest = JSON.stringify([{ Config: `blobs/sha256/${sha(img.config)}`, RepoTags: [`${e.prefix}-mismatch:1`], Layers: ['other.tar'] }]);
  await expectRefused(await makeTar([...img.items, { name: 'other.tar', data: other }, { name: 'manifest.json', data: manifest }]), /does not match its diff ID/);
  const r = await rawRequest(e.socketPath, 'GET', `/images/${e.prefix}-mismatch:1/json`);
  assert.equal(r.status, 404);

  const fakeDigest = 'a'.repeat(64);
  const index = JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${fakeDigest}`, size: 2 }] });
  await expectRefused(await makeTar([{ name: `blobs/sha256/${fakeDigest}`, data: '{}' }, { name: 'index.json', data: index }]), /does not match its digest/);
});

test('malformed OCI index entries and legacy layer JSON are refused, never a 500', async () => {
  await expectRefused(await makeTar([{ name: 'index.json', data: '{"manifests":[null]}' }]), /invalid archive/);
  await expectRefused(await makeTar([{ name: 'index.json', data: '{"manifests":[{"digest":5}]}' }]), /bad digest/);
  const nested = Buffer.from('{"not json');
  const index = JSON.stringify({ manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${sha(nested)}` }] });
  await expectRefused(await makeTar([{ name: `blobs/sha256/${sha(nested)}`, data: nested }, { name: 'index.json', data: index }]), /invalid archive/);
  const manifest = Buffer.from(JSON.stringify({ config: { digest: 'sha256:x' }, layers: [null] }));
  const index2 = JSON.stringify({ manifests: [{ digest: `sha256:${sha(manifest)}` }] });
  await expectRefused(await makeTar([{ name: `blobs/sha256/${sha(manifest)}`, data: manifest }, { name: 'index.json', data: index2 }]), /invalid archive/);
  const id = 'b'.repeat(64);
  await expectRefused(await makeTar([{ name: 'repositories', data: JSON.stringify({ x: { latest: id } }) }, { name: `${id}/json`, data: 'null' }]), /invalid archive/);
});

test('over-long entry names and link targets are refused (they would be held in memory)', async () => {
  await expectRefused(await makeTar([{ name: `${'a/'.repeat(3000)}x`, data: 'x' }]), /name is too long/);
  await expectRefused(await makeTar([{ name: 'l', symlink: 'a/'.repeat(3000) }]), /name is too long/);
});

test('bodies that are not tar archives are refused (in the load stream, a 400 on import)', async () => {
  await expectRefused('garbage', /invalid archive/);
  await expectRefused(randomBytes(64 * 1024), /invalid archive/);
  await expectRefused('', /invalid archive/);
  for (const body of ['garbage', randomBytes(64 * 1024)]) {
    const r = await rawRequest(e.socketPath, 'POST', '/images/create?fromSrc=-', body);
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).message, /not a valid tar archive/);
  }
  const bz = await rawRequest(e.socketPath, 'POST', '/images/create?fromSrc=-', Buffer.from('BZh91AY&SYxxxxxxxx'));
  assert.equal(bz.status, 400);
  assert.match(JSON.parse(bz.body).message, /unsupported compression format/);
});

test('layer tars with escaping entries are rooted by containerd: nothing lands outside', async () => {
  const layer = await makeTar([
    { name: `../../../../../..${canary}`, data: 'escaped' },
    { name: 'abs-link', symlink: '/etc' },
    { name: 'abs-link/passwd-overwrite', data: 'x' },
  ]);
  const r = await rawRequest(e.socketPath, 'POST', '/images/create?fromSrc=-', layer);
  assert.ok(r.status === 200 || r.status === 400, r.body);
  assert.equal(fs.existsSync(canary), false);
  assert.equal(fs.existsSync('/etc/passwd-overwrite'), false);
  const img = await validImage(layer);
  const manifest = JSON.stringify([{ Config: `blobs/sha256/${sha(img.config)}`, RepoTags: [`${e.prefix}-rooted:1`], Layers: [`blobs/sha256/${sha(img.layer)}`] }]);
  const l = await load(await makeTar([...img.items, { name: 'manifest.json', data: manifest }]));
  assert.ok(l.status === 200 || l.status === 400, l.message);
  assert.equal(fs.existsSync(canary), false);
  assert.equal(fs.existsSync('/etc/passwd-overwrite'), false);
});

test('berthd keeps serving after all that, and a valid hand-made archive loads', async () => {
  const ping = await rawRequest(e.socketPath, 'GET', '/_ping');
  assert.equal(ping.status, 200);
  const img = await validImage();
  const name = `${e.prefix}-valid:1`;
  const manifest = JSON.stringify([{ Config: `blobs/sha256/${sha(img.config)}`, RepoTags: [name], Layers: [`blobs/sha256/${sha(img.layer)}`] }]);
  const r = await load(await makeTar([...img.items, { name: 'manifest.json', data: manifest }]));
  assert.equal(r.status, 200);
  assert.equal(r.message, `{"stream":"Loaded image: ${name}\\n"}\n`);
  const inspect = await rawRequest(e.socketPath, 'GET', `/images/${name}/json`);
  assert.equal(JSON.parse(inspect.body).Id, `sha256:${sha(img.config)}`);
  const busybox = await e.docker(['image', 'inspect', 'busybox']);
  assert.equal(busybox.code, 0);
});
