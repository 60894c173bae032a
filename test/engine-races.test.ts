// State races: transitions of one container that overlap (a force-remove during a start, a
// commit during a user's pause, concurrent starts, a commit as a short-lived container ends)
// leave no orphaned task and never undo what the user asked for.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { rawRequest, startEngine, waitFor, type Engine } from './harness.js';

let e: Engine;
before(async () => { e = await startEngine(); });
after(async () => { await e?.stop(); });

const api = (method: string, path: string, body?: object) =>
  rawRequest(e.socketPath, method, `/v1.45${path}`, body && JSON.stringify(body), body ? { 'Content-Type': 'application/json' } : {});

async function create(name: string, cmd: string[]): Promise<string> {
  const r = await api('POST', `/containers/create?name=${name}`, { Image: 'busybox', Cmd: cmd });
  assert.equal(r.status, 201, r.body);
  return JSON.parse(r.body).Id;
}

/** Processes whose command line is exactly `args`. */
function processesRunning(args: string[]): number[] {
  const want = args.join('\0') + '\0';
  const out: number[] = [];
  for (const pid of execFileSync('ps', ['-e', '-o', 'pid='], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter(Boolean)) {
    try { if (readFileSync(`/proc/${pid}/cmdline`, 'utf8') === want) out.push(pid); } catch { /* gone */ }
  }
  return out;
}

/** The freezer state of a process's cgroup (v1 freezer or v2 cgroup.freeze), as the kernel sees it. */
function frozen(pid: number): boolean {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  const v1 = lines.find((l) => l.split(':')[1]?.split(',').includes('freezer'));
  if (v1) {
    const file = `/sys/fs/cgroup/freezer${v1.split(':')[2]}/freezer.state`;
    return readFileSync(file, 'utf8').trim() === 'FROZEN';
  }
  const v2 = lines.find((l) => l.startsWith('0::'))!.slice(3);
  const file = `/sys/fs/cgroup${v2}/cgroup.freeze`;
  return existsSync(file) && readFileSync(file, 'utf8').trim() === '1';
}

test('rm -f during a start leaves no orphaned task behind', async () => {
  // The removal lands at different points of the start: before it, while the task is made, after.
  for (let i = 0; i < 12; i++) {
    const marker = String(810_000 + i);
    const name = e.name('rmstart');
    const id = await create(name, ['sleep', marker]);
    const removal = new Promise<void>((r) => setTimeout(r, (i % 6) * 15)).then(() => api('DELETE', `/containers/${id}?force=1`));
    const [start, rm] = await Promise.all([api('POST', `/containers/${id}/start`), removal]);
    assert.equal(rm.status, 204, rm.body);
    assert.ok([204, 404, 409, 500].includes(start.status), `start answered ${start.status} ${start.body}`);
    assert.equal((await api('GET', `/containers/${id}/json`)).status, 404);
    await waitFor(async () => processesRunning(['sleep', marker]).length === 0, 20_000, `sleep ${marker} to end`);
  }
});

test('concurrent starts of one container run one task', async () => {
  const marker = '820001';
  const name = e.name('multistart');
  const id = await create(name, ['sleep', marker]);
  const answers = await Promise.all([1, 2, 3, 4].map(() => api('POST', `/containers/${id}/start`)));
  assert.deepEqual(answers.map((a) => a.status).sort(), [204, 304, 304, 304]);
  assert.equal(processesRunning(['sleep', marker]).length, 1);
  assert.equal((await e.docker(['rm', '-f', name])).code, 0);
});

test('a commit during the user\'s pause never undoes the pause', async () => {
  const name = e.name('commitpause');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/big bs=1M count=20 2>/dev/null; sleep 600');
  await waitFor(async () => (await e.docker(['exec', name, 'ls', '/big'])).code === 0, 20_000, '/big');
  const pid = Number(await e.inspect(name, '{{.State.Pid}}'));
  for (let i = 0; i < 3; i++) {
    const [commit, pause] = await Promise.all([
      api('POST', `/commit?container=${name}&pause=1&repo=${e.prefix}-cp${i}`),
      api('POST', `/containers/${name}/pause`),
    ]);
    assert.equal(commit.status, 201, commit.body);
    assert.equal(pause.status, 204, pause.body);
    assert.equal(await e.inspect(name, '{{.State.Paused}}'), 'true');
    assert.equal(frozen(pid), true, 'the task is frozen after the user paused it');
    assert.equal((await api('POST', `/containers/${name}/unpause`)).status, 204);
    assert.equal(frozen(pid), false);
  }
  assert.equal((await e.docker(['rm', '-f', name])).code, 0);
});

test('commit right after a short-lived container starts, and of a stopped one with pause=1, succeeds', async () => {
  for (let i = 0; i < 6; i++) {
    const name = e.name('shortcommit');
    const id = await create(name, ['true']);
    assert.equal((await api('POST', `/containers/${id}/start`)).status, 204);
    const c = await api('POST', `/commit?container=${id}&pause=1&repo=${e.prefix}-short${i}`);
    assert.equal(c.status, 201, c.body);
    assert.equal((await api('POST', `/containers/${id}/wait`)).status, 200);
    const stopped = await api('POST', `/commit?container=${id}&pause=1&repo=${e.prefix}-stopped${i}`);
    assert.equal(stopped.status, 201, stopped.body);
    assert.equal((await e.docker(['rm', '-f', name])).code, 0);
  }
});
