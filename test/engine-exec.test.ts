// docker exec: plain, with -u/-w/-e, exit codes, stdin, and -it on a pty.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { rawRequest, sleep, startEngine, waitFor, withPty, type Engine } from './harness.js';

let e: Engine;
let box: string;
before(async () => {
  e = await startEngine();
  box = e.name('exec');
  const r = await e.docker(['run', '-d', '--name', box, '-e', 'FROM_RUN=1', 'busybox', 'sleep', '1000']);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  await e?.stop();
});

test('exec runs a command in the running container', async () => {
  const r = await e.docker(['exec', box, 'sh', '-c', 'echo out; echo err >&2; hostname']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `out\n${(await e.docker(['inspect', '-f', '{{.Config.Hostname}}', box])).stdout}`);
  assert.equal(r.stderr, 'err\n');
});

test('exec sees the container environment and -e adds to it', async () => {
  const r = await e.docker(['exec', '-e', 'EXTRA=two words', box, 'sh', '-c', 'echo "$FROM_RUN|$EXTRA"']);
  assert.equal(r.stdout, '1|two words\n');
});

test('exec -w sets the working directory, -u the user', async () => {
  const w = await e.docker(['exec', '-w', '/tmp', box, 'pwd']);
  assert.equal(w.stdout, '/tmp\n', w.stderr);
  const u = await e.docker(['exec', '-u', '1000:1000', box, 'sh', '-c', 'id -u; id -g']);
  assert.equal(u.stdout, '1000\n1000\n', u.stderr);
  const root = await e.docker(['exec', '-u', '0', box, 'id', '-u']);
  assert.equal(root.stdout, '0\n');
});

test('exec returns the exit code of the command; 126/127 for bad commands', async () => {
  assert.equal((await e.docker(['exec', box, 'sh', '-c', 'exit 9'])).code, 9);
  const missing = await e.docker(['exec', box, 'nosuchcmd']);
  // Docker 20.10 reports 126 for an exec whose command is missing; engines from 23.0 on report 127.
  assert.ok([126, 127].includes(missing.code), `exit code ${missing.code}`);
  assert.match(missing.stderr + missing.stdout, /executable file not found in \$PATH/);
  const notExec = await e.docker(['exec', box, '/etc/passwd']);
  assert.equal(notExec.code, 126);
});

test('exec -i reads stdin', async () => {
  const r = await e.docker(['exec', '-i', box, 'wc', '-c'], { input: 'twelve bytes' });
  assert.equal(r.stdout.trim(), '12');
});

test('exec processes share the container filesystem and show in top', async () => {
  assert.equal((await e.docker(['exec', box, 'sh', '-c', 'echo shared > /tmp/shared'])).code, 0);
  assert.equal((await e.docker(['exec', box, 'cat', '/tmp/shared'])).stdout, 'shared\n');
  const d = await e.docker(['exec', '-d', box, 'sleep', '77']);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.stdout, '');
  await waitFor(async () => (await e.docker(['top', box])).stdout.includes('sleep 77'), 5000, 'the detached exec in top');
});

test('exec -it gives a terminal, runs commands and returns the exit code', async () => {
  const s = withPty(e, ['exec', '-it', box, 'sh']);
  await s.expect(/# /);
  s.send('tty; echo $((6*7))\n');
  await s.expect(/\/dev\/pts\/\d+\r\n42\r\n/);
  s.send('exit 4\n');
  assert.equal(await s.exit(), 4);
});

test('exec start whose JSON body arrives apart from its headers still reads stdin (the -it race)', async () => {
  const created = await rawRequest(e.socketPath, 'POST', `/containers/${box}/exec`,
    JSON.stringify({ Cmd: ['cat'], AttachStdin: true, AttachStdout: true, Tty: true }), { 'Content-Type': 'application/json' });
  assert.equal(created.status, 201, created.body);
  const id = JSON.parse(created.body).Id as string;
  const body = JSON.stringify({ Detach: false, Tty: true });
  const c = net.connect(e.socketPath);
  let out = '';
  c.on('data', (d: Buffer) => { out += d.toString(); });
  try {
    c.write(`POST /exec/${id}/start HTTP/1.1\r\nHost: berth\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    await sleep(200);
    c.write(body);
    await waitFor(async () => out.includes('101 UPGRADED'), 5000, 'the 101 answer');
    c.write('typed-input\n');
    await waitFor(async () => out.includes('typed-input'), 5000, 'the input echoed by the tty');
  } finally {
    c.destroy();
  }
});

test('exec --privileged gets the host\'s full bounding capability set', async () => {
  const plain = await e.docker(['exec', box, 'grep', 'CapEff', '/proc/self/status']);
  const priv = await e.docker(['exec', '--privileged', box, 'grep', 'CapEff', '/proc/self/status']);
  if (e.kind === 'reference') {
    // dockerd asks for every capability, which this sandbox's bounding set lacks (MACHINE-NOTES).
    assert.match(priv.stderr + priv.stdout, /unable to apply caps|CapEff/);
    return;
  }
  assert.equal(priv.code, 0, priv.stderr);
  const host = /^CapBnd:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1];
  assert.equal(priv.stdout.trim(), `CapEff:\t${host}`);
  assert.notEqual(plain.stdout.trim(), priv.stdout.trim());
});
