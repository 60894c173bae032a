// `run -it` through a pseudo-terminal: prompt, echo, exit code, detach (ctrl-p ctrl-q) and attach.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, startEngine, waitFor, withPty, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

const DETACH = '\x10\x11';

const state = (name: string): Promise<string> => e.inspect(name, '{{.State.Status}} {{.State.ExitCode}}');

test('run -it shows a prompt, runs commands on a tty and returns the exit code', async () => {
  const name = e.name('it');
  const s = withPty(e, ['run', '-it', '--name', name, 'busybox', 'sh']);
  await s.expect(/\/ # /, 15_000);
  s.send('echo sum=$((20+22)); tty\n');
  await s.expect('sum=42');
  await s.expect(/\/dev\/pts\/0/);
  s.send('exit 3\n');
  assert.equal(await s.exit(), 3);
  assert.equal(await state(name), 'exited 3');
});

test('run -it merges stderr into the terminal and translates newlines', async () => {
  const s = withPty(e, ['run', '--rm', '-it', 'busybox', 'sh', '-c', 'echo to-out; echo to-err >&2']);
  await s.expect('to-out\r\nto-err\r\n');
  assert.equal(await s.exit(), 0);
});

test('ctrl-p ctrl-q detaches, attach reconnects, exit stops the container', async () => {
  const name = e.name('detach');
  const s = withPty(e, ['run', '-it', '--name', name, 'busybox', 'sh']);
  await s.expect(/\/ # /, 15_000);
  s.send('echo before-detach > /tmp/mark\n');
  await s.expect(/\/ # [^]*\/ # /);
  s.send(DETACH);
  assert.equal(await s.exit(), 0);
  assert.equal(await state(name), 'running 0');

  const a = withPty(e, ['attach', name]);
  // attach shows nothing until the shell writes: a newline brings a fresh prompt
  await sleep(500);
  a.send('\n');
  await a.expect(/# /);
  a.send('cat /tmp/mark\n');
  await a.expect('before-detach');
  a.send('exit 5\n');
  assert.equal(await a.exit(), 5);
  await waitFor(async () => (await state(name)) === 'exited 5', 5000, 'container to exit');
});

test('run -it -d starts detached; attach then detaches again with ctrl-p ctrl-q', async () => {
  const name = e.name('itd');
  const r = await e.docker(['run', '-itd', '--name', name, 'busybox', 'sh']);
  assert.equal(r.code, 0, r.stderr);
  const a = withPty(e, ['attach', name]);
  await sleep(500);
  a.send('echo attached-$((40+2))\n'); // the expected text is not in the echoed keystrokes
  await a.expect('attached-42');
  a.send(DETACH);
  // `docker attach` reports the detach as an error: it prints "read escape sequence" and exits 1
  // (`docker run -it` detaching exits 0).
  await a.expect('read escape sequence');
  assert.equal(await a.exit(), 1);
  assert.equal(await state(name), 'running 0');
});
