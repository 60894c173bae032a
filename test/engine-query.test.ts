// Query parameters as dockerd reads them: booleans by moby's BoolValue rule on every route,
// malformed integers a 400 with Go's strconv text (never a silent default such as SIGKILL at
// once), and a malformed percent-escape in the path a 400.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest, startEngine, type Engine } from './harness.js';

let e: Engine;
before(async () => { e = await startEngine(); });
after(async () => { await e?.stop(); });

// Debian's dockerd 20.10 answers 500 where current dockerd answers 400 for some of these.
const berthOnly = { skip: process.env.BERTH_TEST_ENGINE === 'reference' && 'dockerd 20.10 answers some with 500' };

test('malformed integers are a 400 with Go\'s text, and the container is untouched', berthOnly, async () => {
  const name = e.name('q');
  await e.runDetached(name, 'busybox', 'sleep', '300');
  for (const [method, path, text] of [
    ['POST', `/containers/${name}/stop?t=abc`, 'abc'],
    ['POST', `/containers/${name}/restart?t=1x`, '1x'],
    ['POST', `/containers/${name}/resize?h=x&w=1`, 'x'],
    ['GET', '/containers/json?limit=abc', 'abc'],
  ] as const) {
    const r = await rawRequest(e.socketPath, method, path);
    assert.equal(r.status, 400, `${path}: ${r.body}`);
    assert.equal(JSON.parse(r.body).message, `strconv.Atoi: parsing "${text}": invalid syntax`);
  }
  assert.equal(await e.inspect(name, '{{.State.Running}} {{.RestartCount}}'), 'true 0', 'stop and restart did nothing');
});

test('booleans: empty, 0, no, false and none in any case are false; anything else is true', async () => {
  const name = e.name('qb');
  assert.equal((await e.docker(['create', '--name', name, 'busybox', 'true'])).code, 0);
  const listed = async (all: string) => {
    const r = await rawRequest(e.socketPath, 'GET', `/containers/json?all=${all}&filters=${encodeURIComponent(JSON.stringify({ name: [name] }))}`);
    return (JSON.parse(r.body) as unknown[]).length === 1;
  };
  for (const v of ['', '0', 'no', 'NO', 'False', 'none', 'NONE']) assert.equal(await listed(v), false, `all=${v}`);
  for (const v of ['1', 'true', 'True', 'yes', 'on', 'x']) assert.equal(await listed(v), true, `all=${v}`);
});

test('a malformed percent-escape in the path is a 400, not a 500', async () => {
  const r = await rawRequest(e.socketPath, 'GET', '/containers/%zz/json');
  assert.equal(r.status, 400, r.body);
  const ok = await rawRequest(e.socketPath, 'GET', '/_ping');
  assert.equal(ok.status, 200, 'the daemon keeps serving');
});
