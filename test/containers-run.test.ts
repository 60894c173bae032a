// The container service through the real docker CLI: process semantics (command, env, user,
// workdir, entrypoint, exit codes), stdio streams (stdin pipes, 10 MB both ways, stdout and
// stderr kept apart, TTY attach and detach) and exec.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { startEngine, withPty, type Engine } from './harness.js';

let engine: Engine;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

before(async () => { engine = await startEngine(); });
after(async () => { await engine?.stop(); });

test('run prints output and keeps stdout and stderr apart', async () => {
  const r = await engine.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out1; echo err1 >&2; echo out2']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'out1\nout2\n');
  assert.equal(r.stderr, 'err1\n');
});

test('exit codes: the command, 127 not found, 126 not executable, 137 killed', async () => {
  assert.equal((await engine.docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3'])).code, 3);
  const nf = await engine.docker(['run', '--rm', 'busybox', 'nosuch']);
  assert.equal(nf.code, 127);
  assert.match(nf.stderr, /exec: "nosuch": executable file not found in \$PATH/);
  const pd = await engine.docker(['run', '--rm', 'busybox', '/etc']);
  assert.equal(pd.code, 126);
  assert.match(pd.stderr, /exec: "\/etc": permission denied/);
  const name = engine.name('k');
  assert.equal((await engine.docker(['run', '-d', '--name', name, 'busybox', 'sleep', '100'])).code, 0);
  await engine.docker(['kill', name]);
  const w = await engine.docker(['wait', name]);
  assert.equal(w.stdout.trim(), '137');
});

test('a failed start leaves the exit status in State, as dockerd', async () => {
  const name = engine.name('nf');
  assert.equal((await engine.docker(['run', '--name', name, 'busybox', 'nosuch'])).code, 127);
  const st = JSON.parse((await engine.docker(['inspect', '--format', '{{json .State}}', name])).stdout);
  assert.equal(st.Status, 'created');
  assert.equal(st.ExitCode, 127);
  assert.match(st.Error, /executable file not found/);
});

test('env, working dir, user, hostname and entrypoint', async () => {
  const r = await engine.docker(['run', '--rm', '-e', 'FOO=bar', '-w', '/made/here', '-u', '1000:1000', 'busybox',
    'sh', '-c', 'echo "$FOO|$(pwd)|$(id -u):$(id -g)|$PATH"']);
  assert.equal(r.stdout, 'bar|/made/here|1000:1000|/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n');
  const name = engine.name('h');
  const h = await engine.docker(['run', '--name', name, 'busybox', 'hostname']);
  const id = (await engine.docker(['inspect', '--format', '{{.Id}}', name])).stdout.trim();
  assert.equal(h.stdout.trim(), id.slice(0, 12));
  const ep = await engine.docker(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'a', 'b']);
  assert.equal(ep.stdout, 'a b\n');
  const tty = await engine.docker(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'echo $TERM']);
  assert.equal(tty.stdout.replace(/\r/g, ''), 'xterm\n');
});

test('stdin pipe ends the container; 10 MB go through intact both ways', async () => {
  const hi = await engine.docker(['run', '-i', '--rm', 'busybox', 'cat'], { input: 'hi\n' });
  assert.equal(hi.stdout, 'hi\n');
  const data = randomBytes(10 * 1024 * 1024);
  const echoed = await engine.docker(['run', '-i', '--rm', 'busybox', 'cat'], { input: data });
  assert.equal(echoed.code, 0);
  assert.equal(echoed.raw.length, data.length);
  assert.equal(sha(echoed.raw), sha(data));
  const out = await engine.docker(['run', '--rm', 'busybox', 'head', '-c', '10485760', '/dev/zero']);
  assert.equal(out.raw.length, 10 * 1024 * 1024);
});

test('exec: output, exit code, stdin, a missing command, a stopped container', async () => {
  const name = engine.name('x');
  await engine.docker(['run', '-d', '--name', name, 'busybox', 'sleep', '1000']);
  const r = await engine.docker(['exec', '-e', 'V=1', '-w', '/tmp', name, 'sh', '-c', 'echo "$V $(pwd)"; exit 4']);
  assert.equal(r.stdout, '1 /tmp\n');
  assert.equal(r.code, 4);
  const piped = await engine.docker(['exec', '-i', name, 'cat'], { input: 'piped\n' });
  assert.equal(piped.stdout, 'piped\n');
  const u = await engine.docker(['exec', '-u', '1000', name, 'id', '-u']);
  assert.equal(u.stdout, '1000\n');
  const nf = await engine.docker(['exec', name, 'nosuch']);
  assert.equal(nf.code, 126);
  assert.match(nf.stdout + nf.stderr, /executable file not found/);
  await engine.docker(['kill', name]);
  await engine.docker(['wait', name]);
  const stopped = await engine.docker(['exec', name, 'true']);
  assert.notEqual(stopped.code, 0);
  assert.match(stopped.stderr, /is not running/);
});

test('-it: a shell on a terminal, detach with ctrl-p ctrl-q, attach again', async () => {
  const name = engine.name('tty');
  const run = withPty(engine, ['run', '-it', '--name', name, 'busybox', 'sh']);
  await run.expect('# ');
  run.send('echo hel""lo\r');
  await run.expect('hello');
  run.send('\x10\x11');
  assert.equal(await run.exit(), 0);
  const ps = await engine.docker(['inspect', '--format', '{{.State.Running}}', name]);
  assert.equal(ps.stdout.trim(), 'true');
  const att = withPty(engine, ['attach', name]);
  att.send('\r');
  await att.expect('# ');
  att.send('exit 5\r');
  assert.equal(await att.exit(), 5);
  const st = await engine.docker(['inspect', '--format', '{{.State.Status}} {{.State.ExitCode}}', name]);
  assert.equal(st.stdout.trim(), 'exited 5');
});
