// Images: list, tag, history, import/export, save/load (plain and gzip), rmi conflicts, prune.
// Images made here carry the label `<prefix>` so the harness can prune them afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { rawRequest, run, startEngine, type Engine } from './harness.js';

let e: Engine;
let tmp: string;
before(async () => {
  e = await startEngine();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-images-'));
});
after(async () => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  await e?.stop();
});

async function imageId(ref: string): Promise<string> {
  const r = await e.docker(['image', 'inspect', '-f', '{{.Id}}', ref]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

/** A new single-tag image: busybox plus /hello.txt, via export | import. */
async function makeImage(ref: string, text = 'hello'): Promise<string> {
  const c = e.name('src');
  assert.equal((await e.docker(['run', '--name', c, 'busybox', 'sh', '-c', `echo ${text} > /hello.txt`])).code, 0);
  const exported = await e.docker(['export', c]);
  assert.equal(exported.code, 0, exported.stderr);
  const imp = await e.docker(
    ['import', '-c', 'CMD ["cat","/hello.txt"]', '-c', `LABEL ${e.prefix}=1`, '-m', 'made by test', '-', ref],
    { input: exported.raw },
  );
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.equal((await e.docker(['rm', c])).code, 0);
  return imp.stdout.trim();
}

test('images lists busybox; filters and --format work', async () => {
  const r = await e.docker(['images']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\n/);
  assert.match(r.stdout, /^busybox\s+latest\s+[0-9a-f]{12}\s+/m);
  const f = await e.docker(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', 'busybox']);
  const id = await imageId('busybox:latest');
  assert.equal(f.stdout, `busybox:latest ${id.slice(7, 19)}\n`);
  const q = await e.docker(['images', '-q', '--no-trunc', 'busybox:latest']);
  assert.equal(q.stdout, `${id}\n`);
});

test('tag adds a name for the same image; rmi of one tag only untags', async () => {
  const ref = `${e.prefix}-tagged:v1`;
  const t = await e.docker(['tag', 'busybox', ref]);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(await imageId(ref), await imageId('busybox:latest'));
  const rmi = await e.docker(['rmi', ref]);
  assert.equal(rmi.code, 0, rmi.stderr);
  assert.equal(rmi.stdout, `Untagged: ${ref}\n`);
  assert.equal((await e.docker(['image', 'inspect', 'busybox:latest'])).code, 0);
  const bad = await e.docker(['tag', 'busybox', 'Bad:Name']);
  assert.notEqual(bad.code, 0);
});

test('import with changes and message; history shows it', async () => {
  const ref = `${e.prefix}-imported:1`;
  const id = await makeImage(ref);
  assert.equal(await imageId(ref), id);
  const cfg = await e.docker(['image', 'inspect', '-f', '{{json .Config.Cmd}} {{index .Config.Labels "' + e.prefix + '"}}', ref]);
  assert.equal(cfg.stdout, '["cat","/hello.txt"] 1\n');
  const hist = await e.docker(['history', '--format', '{{.Comment}}', ref]);
  assert.equal(hist.stdout, 'made by test\n');
  const out = await e.docker(['run', '--rm', ref]);
  assert.equal(out.stdout, 'hello\n');
});

test('history of busybox has one layer', async () => {
  const r = await e.docker(['history', 'busybox']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0] ?? '', /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
  assert.equal(lines.length, 2);
  assert.match(lines[1] ?? '', /Imported from -$/);
});

test('export produces the container filesystem as a tar', async () => {
  const c = e.name('export');
  assert.equal((await e.docker(['create', '--name', c, 'busybox', 'true'])).code, 0);
  const file = path.join(tmp, 'export.tar');
  assert.equal((await e.docker(['export', '-o', file, c])).code, 0);
  const list = await run('tar', ['-tf', file]);
  const names = list.stdout.split('\n').map((n) => n.replace(/^\.\//, ''));
  for (const want of ['bin/busybox', 'bin/sh', 'etc/passwd', 'etc/hostname', 'tmp/']) assert.ok(names.includes(want), want);
});

test('save and load round-trip an image, plain and gzip-compressed', async () => {
  const ref = `${e.prefix}-saved:1`;
  const id = await makeImage(ref, 'saved');
  const file = path.join(tmp, 'saved.tar');
  const s = await e.docker(['save', '-o', file, ref]);
  assert.equal(s.code, 0, s.stderr);
  const entries = (await run('tar', ['-tf', file])).stdout.split('\n');
  assert.ok(entries.includes('manifest.json'), 'manifest.json in archive');
  const manifest = JSON.parse((await run('tar', ['-xOf', file, 'manifest.json'])).stdout) as Array<{ RepoTags: string[] }>;
  assert.deepEqual(manifest[0]?.RepoTags, [ref]);

  assert.equal((await e.docker(['rmi', ref])).code, 0);
  assert.equal((await e.docker(['image', 'inspect', ref])).code, 1);
  const load = await e.docker(['load', '-i', file]);
  assert.equal(load.code, 0, load.stderr);
  assert.match(load.stdout, new RegExp(`Loaded image: ${ref}\\n$`));
  assert.equal(await imageId(ref), id);

  assert.equal((await e.docker(['rmi', ref])).code, 0);
  const gz = gzipSync(fs.readFileSync(file));
  const loadGz = await e.docker(['load'], { input: gz });
  assert.equal(loadGz.code, 0, loadGz.stderr);
  assert.match(loadGz.stdout, new RegExp(`Loaded image: ${ref}\\n$`));
  assert.equal(await imageId(ref), id);
  assert.equal((await e.docker(['run', '--rm', ref])).stdout, 'saved\n');
});

test('load of garbage fails cleanly', async () => {
  const r = await e.docker(['load'], { input: 'this is not a tar archive at all' });
  assert.equal(r.code, 1);
  // 20.10 prints "Error processing tar file(exit status 1): unexpected EOF" from the JSON stream
  assert.notEqual(r.stderr.trim(), '');
});

test('rmi of an image used by a container is a conflict; -f untags it', async () => {
  const ref = `${e.prefix}-used:1`;
  const id = await makeImage(ref, 'used');
  const c = e.name('user');
  assert.equal((await e.docker(['create', '--name', c, ref])).code, 0);
  const cid = (await e.docker(['inspect', '-f', '{{.Id}}', c])).stdout.trim();
  const byRef = await e.docker(['rmi', ref]);
  assert.equal(byRef.code, 1);
  assert.match(
    byRef.stderr,
    new RegExp(`conflict: unable to remove repository reference "${ref}" \\(must force\\) - container ${cid.slice(0, 12)} is using its referenced image ${id.slice(7, 19)}`),
  );
  const byId = await e.docker(['rmi', id.slice(7, 19)]);
  assert.equal(byId.code, 1);
  assert.match(byId.stderr, new RegExp(`conflict: unable to delete ${id.slice(7, 19)} \\(must be forced\\) - image is being used by stopped container ${cid.slice(0, 12)}`));
  // -f with only a stopped user deletes the image; the container keeps its filesystem and runs
  const forced = await e.docker(['rmi', '-f', ref]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, new RegExp(`^Untagged: ${ref}\\nDeleted: ${id}\\n`));
  assert.equal((await e.docker(['image', 'inspect', id])).code, 1);
  assert.equal((await e.docker(['inspect', '-f', '{{.Image}}', c])).stdout.trim(), id);
  assert.equal((await e.docker(['start', '-a', c])).stdout, 'used\n');
});

test('rmi -f of an image used by a running container only untags it', async () => {
  const ref = `${e.prefix}-busy:1`;
  const id = await makeImage(ref, 'busy');
  const c = e.name('busy');
  assert.equal((await e.docker(['run', '-d', '--name', c, ref, 'sleep', '100'])).code, 0);
  const forced = await e.docker(['rmi', '-f', ref]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(forced.stdout, `Untagged: ${ref}\n`);
  assert.equal(await imageId(id), id);
  assert.equal((await e.docker(['rm', '-f', c])).code, 0);
  const gone = await e.docker(['rmi', id]);
  assert.equal(gone.code, 0, gone.stderr);
  assert.match(gone.stdout, new RegExp(`Deleted: ${id}`));
});

test('image prune removes dangling images only', async () => {
  const ref = `${e.prefix}-dangle:1`;
  const first = await makeImage(ref, 'one');
  const second = await makeImage(ref, 'two'); // moves the tag: `first` is now dangling
  assert.notEqual(first, second);
  const dangling = await e.docker(['images', '-q', '--no-trunc', '--filter', 'dangling=true', '--filter', `label=${e.prefix}`]);
  assert.ok(dangling.stdout.split('\n').includes(first), 'first image is dangling');
  const r = await e.docker(['image', 'prune', '-f', '--filter', `label=${e.prefix}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Deleted Images:\n/);
  assert.match(r.stdout, new RegExp(`deleted: ${first}`));
  assert.match(r.stdout, /Total reclaimed space: /);
  assert.equal((await e.docker(['image', 'inspect', first])).code, 1);
  assert.equal(await imageId(ref), second);
});

test('a reference that does not parse is a 400 with the parse error, not a 404', async () => {
  const cases: [string, string, string, string?][] = [
    ['GET', '/images/UPPER/json', 'no such image: UPPER: invalid reference format: repository name must be lowercase'],
    ['GET', '/images/UPPER/history', 'invalid reference format: repository name must be lowercase'],
    ['DELETE', '/images/UPPER', 'invalid reference format: repository name must be lowercase'],
    ['POST', '/containers/create', 'invalid reference format: repository name must be lowercase', '{"Image":"UPPER"}'],
    ['GET', `/images/json?filters=${encodeURIComponent('{"before":["UPPER"]}')}`, 'invalid reference format: repository name must be lowercase'],
  ];
  for (const [method, url, message, body] of cases) {
    const r = await rawRequest(e.socketPath, method, url, body, body ? { 'Content-Type': 'application/json' } : {});
    assert.equal(r.status, 400, `${method} ${url}: ${r.body}`);
    assert.equal(JSON.parse(r.body).message, message, `${method} ${url}`);
  }
  const r = await rawRequest(e.socketPath, 'GET', '/images/abcdef/json');
  assert.equal(r.status, 404, r.body);
});
