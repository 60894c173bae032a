// docker commit (POST /commit) and what builds on it: the new image runs with the container's
// changes, --change/-m/-a land in its config, and `ps --filter ancestor=` covers descendants.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

test('commit makes an image of the container\'s changes (additions and deletions)', async () => {
  const name = e.name('commit');
  const image = `${e.prefix}-img:v1`;
  await e.runDetached(name, 'busybox', 'sh', '-c', 'echo committed > /hello && rm /bin/vi && sleep 300');
  const diff = await e.docker(['diff', name]);
  assert.match(diff.stdout, /^A \/hello$/m);
  assert.match(diff.stdout, /^D \/bin\/vi$/m);
  const c = await e.docker(['commit', '-c', 'CMD ["cat", "/hello"]', '-m', 'a message', '-a', 'someone', name, image]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
  const r = await e.docker(['run', '--rm', image]);
  assert.equal(r.stdout, 'committed\n', r.stderr);
  const gone = await e.docker(['run', '--rm', image, 'ls', '/bin/vi']);
  assert.notEqual(gone.code, 0);
  const meta = await e.docker(['image', 'inspect', '-f', '{{.Comment}}|{{.Author}}|{{json .Config.Cmd}}', image]);
  assert.equal(meta.stdout.trim(), 'a message|someone|["cat","/hello"]');
  // one new layer on top of busybox's, holding only the change (no /etc/hosts or /.dockerenv stubs)
  const layers = async (ref: string) => JSON.parse((await e.docker(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', ref])).stdout) as string[];
  const base = await layers('busybox');
  const mine = await layers(image);
  assert.deepEqual(mine.slice(0, base.length), base);
  assert.equal(mine.length, base.length + 1);
  const hist = await e.docker(['history', '--format', '{{.Size}}', image]);
  assert.match(hist.stdout.split('\n')[0], /^\d+B$/);
  assert.equal((await e.docker(['rm', '-f', name])).code, 0);
});

test('commit of a stopped container works too, and ps --filter ancestor= covers images built on it', async () => {
  const name = e.name('commitstopped');
  const image = `${e.prefix}-img:v2`;
  assert.equal((await e.docker(['run', '--name', name, 'busybox', 'sh', '-c', 'echo x > /x'])).code, 0);
  assert.equal((await e.docker(['commit', name, image])).code, 0);
  const child = e.name('child');
  assert.equal((await e.docker(['create', '--name', child, image, 'true'])).code, 0);
  const mine = ['--filter', `name=${e.prefix}`];
  const list = async (ancestor: string) => (await e.docker(['ps', '-a', ...mine, '--filter', `ancestor=${ancestor}`, '--format', '{{.Names}}'])).stdout.trim().split('\n').filter(Boolean).sort();
  assert.deepEqual(await list('busybox'), [child, name].sort());
  assert.deepEqual(await list('busybox:latest'), [child, name].sort());
  assert.deepEqual(await list(image), [child]);
  const id = (await e.docker(['image', 'inspect', '-f', '{{.Id}}', image])).stdout.trim();
  assert.deepEqual(await list(id.slice(7, 19)), [child]);
  assert.deepEqual(await list('nosuchimage'), []);
});
