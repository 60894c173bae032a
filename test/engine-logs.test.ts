// Detached containers and their logs: logs, -f, -t, --tail, --since, stream separation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { DOCKER, startEngine, waitFor, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

async function waitForLog(name: string, text: string): Promise<void> {
  await waitFor(async () => (await e.docker(['logs', name])).stdout.includes(text), 10_000, `"${text}" in logs`);
}

test('logs returns stdout and stderr on their own streams', async () => {
  const name = e.name('logs');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; echo oops >&2; echo done; sleep 100');
  await waitForLog(name, 'done');
  const r = await e.docker(['logs', name]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'line1\nline2\nline3\nline4\nline5\ndone\n');
  assert.equal(r.stderr, 'oops\n');
});

test('logs --tail keeps the last lines of both streams', async () => {
  const name = e.name('tail');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; sleep 0.3; echo last-err >&2; sleep 100');
  await waitFor(async () => (await e.docker(['logs', name])).stderr.includes('last-err'), 10_000, 'stderr line');
  const r = await e.docker(['logs', '--tail', '2', name]);
  assert.equal(r.stdout, 'line5\n');
  assert.equal(r.stderr, 'last-err\n');
  const three = await e.docker(['logs', '--tail', '3', name]);
  assert.equal(three.stdout, 'line4\nline5\n');
  const zero = await e.docker(['logs', '--tail', '0', name]);
  assert.equal(zero.stdout + zero.stderr, '');
  const all = await e.docker(['logs', '--tail', 'all', name]);
  assert.equal(all.stdout.split('\n').length, 6);
});

test('logs -t prefixes RFC 3339 nanosecond timestamps', async () => {
  const name = e.name('ts');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'echo a; echo b; sleep 100');
  await waitForLog(name, 'b');
  const r = await e.docker(['logs', '-t', name]);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  for (const [i, l] of lines.entries()) {
    assert.match(l, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{1,9}Z ${'ab'[i]}$`));
  }
  const ts = new Date(lines[0]?.split(' ')[0] ?? '').getTime();
  assert.ok(Math.abs(Date.now() - ts) < 60_000, 'timestamp is recent');
});

test('logs --since and --until select by time', async () => {
  const name = e.name('since');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'echo early; sleep 2; echo late; sleep 100');
  await waitForLog(name, 'late');
  const r = await e.docker(['logs', '-t', name]);
  const lateTs = r.stdout.trim().split('\n')[1]?.split(' ')[0] ?? '';
  const cut = new Date(new Date(lateTs).getTime() - 1000).toISOString();
  assert.equal((await e.docker(['logs', '--since', cut, name])).stdout, 'late\n');
  assert.equal((await e.docker(['logs', '--until', cut, name])).stdout, 'early\n');
});

test('logs -f follows new output and ends when the container exits', async () => {
  const name = e.name('follow');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'echo first; for i in 1 2 3; do sleep 0.3; echo tick$i; done');
  const child = spawn(DOCKER, ['logs', '-f', name], { env: { ...process.env, ...e.env } });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c ?? -1);
    });
  });
  assert.equal(code, 0);
  assert.equal(out, 'first\ntick1\ntick2\ntick3\n');
});

test('logs -f --tail 1 starts at the last line and keeps following', async () => {
  const name = e.name('follow-tail');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'echo one; echo two; sleep 1.5; echo three');
  await waitForLog(name, 'two');
  const r = await e.docker(['logs', '-f', '--tail', '1', name], { timeout: 20_000 });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'two\nthree\n');
});

test('logs survive a stop and a start (appended)', async () => {
  const name = e.name('restart-logs');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'echo run; sleep 100');
  await waitForLog(name, 'run');
  assert.equal((await e.docker(['stop', '-t', '0', name])).code, 0);
  assert.equal((await e.docker(['start', name])).code, 0);
  await waitFor(async () => (await e.docker(['logs', name])).stdout === 'run\nrun\n', 10_000, 'second run line');
});
