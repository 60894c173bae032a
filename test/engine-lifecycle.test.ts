// Container lifecycle: ps (filters, format), inspect, top, pause, rename, stop/start/restart,
// kill, wait and container prune.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, waitFor, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

const LOOP = 'while :; do sleep 0.1; done';

test('ps lists running containers, -a adds exited ones, -q prints ids', async () => {
  const up = e.name('up');
  const done = e.name('done');
  const upId = await e.runDetached(up, '--label', `${e.prefix}=ps`, 'busybox', 'sleep', '100');
  assert.match(upId, /^[0-9a-f]{64}$/);
  assert.equal((await e.docker(['run', '--name', done, '--label', `${e.prefix}=ps`, 'busybox', 'true'])).code, 0);
  const running = await e.docker(['ps', '--filter', `label=${e.prefix}=ps`, '--format', '{{.Names}}']);
  assert.equal(running.stdout, `${up}\n`);
  const all = await e.docker(['ps', '-a', '--filter', `label=${e.prefix}=ps`, '--format', '{{.Names}}']);
  assert.deepEqual(all.stdout.trim().split('\n').sort(), [done, up].sort());
  const q = await e.docker(['ps', '-q', '--filter', `name=${up}`]);
  assert.equal(q.stdout, `${upId.slice(0, 12)}\n`);
  const noTrunc = await e.docker(['ps', '-q', '--no-trunc', '--filter', `name=${up}`]);
  assert.equal(noTrunc.stdout, `${upId}\n`);
});

test('ps filters: status, name, label, ancestor; --format fields', async () => {
  const a = e.name('flt');
  const b = e.name('flt');
  await e.runDetached(a, '--label', 'tier=front', 'busybox', 'sleep', '100');
  assert.equal((await e.docker(['run', '--name', b, '--label', 'tier=back', 'busybox', 'sh', '-c', 'exit 2'])).code, 2);
  const mine = ['--filter', `name=${e.prefix}-flt`];
  const exited = await e.docker(['ps', '-a', ...mine, '--filter', 'status=exited', '--format', '{{.Names}}']);
  assert.equal(exited.stdout, `${b}\n`);
  const running = await e.docker(['ps', '-a', ...mine, '--filter', 'status=running', '--format', '{{.Names}}']);
  assert.equal(running.stdout, `${a}\n`);
  const label = await e.docker(['ps', '-a', ...mine, '--filter', 'label=tier=back', '--format', '{{.Names}}']);
  assert.equal(label.stdout, `${b}\n`);
  const labelKey = await e.docker(['ps', '-a', ...mine, '--filter', 'label=tier', '--format', '{{.Names}}']);
  assert.equal(labelKey.stdout.trim().split('\n').length, 2);
  const ancestor = await e.docker(['ps', '-a', ...mine, '--filter', 'ancestor=busybox', '--format', '{{.Names}}']);
  assert.equal(ancestor.stdout.trim().split('\n').length, 2);
  const none = await e.docker(['ps', '-a', ...mine, '--filter', 'ancestor=nosuchimage', '--format', '{{.Names}}']);
  assert.equal(none.stdout, '');
  const fmt = await e.docker(['ps', '-a', '--filter', `name=${b}`, '--format', '{{.Names}}|{{.Image}}|{{.Status}}|{{.Label "tier"}}']);
  assert.match(fmt.stdout, new RegExp(`^${b}\\|busybox\\|Exited \\(2\\) .* ago\\|back\\n$`));
  const json = await e.docker(['ps', '-a', '--filter', `name=${b}`, '--format', '{{json .Command}}']);
  assert.equal(json.stdout, '"\\"sh -c \'exit 2\'\\""\n');
});

test('inspect -f reads state and config', async () => {
  const name = e.name('insp');
  const id = await e.runDetached(name, '-e', 'K=v', '-h', 'hostx', 'busybox', 'sleep', '100');
  assert.equal(await e.inspect(name, '{{.Id}}'), id);
  assert.equal(await e.inspect(name, '{{.Name}}'), `/${name}`);
  assert.equal(await e.inspect(name, '{{.State.Status}} {{.State.Running}}'), 'running true');
  assert.equal(await e.inspect(name, '{{.Config.Hostname}} {{.Config.Image}}'), 'hostx busybox');
  assert.equal(await e.inspect(name, '{{json .Config.Cmd}}'), '["sleep","100"]');
  assert.match(await e.inspect(name, '{{range .Config.Env}}{{println .}}{{end}}'), /^K=v$/m);
  assert.match(await e.inspect(name, '{{.State.Pid}}'), /^[1-9]\d*$/);
  const full = JSON.parse((await e.docker(['inspect', name])).stdout) as Array<{ Id: string; Image: string }>;
  assert.equal(full.length, 1);
  assert.equal(full[0]?.Id, id);
  assert.match(full[0]?.Image ?? '', /^sha256:[0-9a-f]{64}$/);
});

test('top lists the container processes', async () => {
  const name = e.name('top');
  await e.runDetached(name, 'busybox', 'sleep', '101');
  const r = await e.docker(['top', name]);
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = r.stdout.trim().split('\n');
  assert.match(header ?? '', /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
  assert.equal(rows.length, 1);
  assert.match(rows[0] ?? '', /^root\s+\d+\s+\d+\s+.*sleep 101$/);
});

test('pause freezes and unpause resumes', async () => {
  const name = e.name('pause');
  await e.runDetached(name, 'busybox', 'sh', '-c', 'i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.05; done');
  assert.equal((await e.docker(['pause', name])).code, 0);
  assert.equal(await e.inspect(name, '{{.State.Status}} {{.State.Paused}}'), 'paused true');
  const ps = await e.docker(['ps', '--filter', `name=${name}`, '--format', '{{.Status}}']);
  assert.match(ps.stdout, /\(Paused\)/);
  const exec = await e.docker(['exec', name, 'true']);
  assert.equal(exec.code, 1);
  assert.match(exec.stderr, /is paused/);
  assert.equal((await e.docker(['unpause', name])).code, 0);
  assert.equal(await e.inspect(name, '{{.State.Status}}'), 'running');
  const n1 = (await e.docker(['exec', name, 'cat', '/tmp/n'])).stdout;
  await waitFor(async () => (await e.docker(['exec', name, 'cat', '/tmp/n'])).stdout !== n1, 5000, 'counter to move');
});

test('rename changes the name, the old one is gone', async () => {
  const name = e.name('old');
  const next = e.name('new');
  const id = await e.runDetached(name, 'busybox', 'sleep', '100');
  assert.equal((await e.docker(['rename', name, next])).code, 0);
  assert.equal(await e.inspect(next, '{{.Id}}'), id);
  assert.equal(await e.inspect(next, '{{.Name}}'), `/${next}`);
  assert.equal((await e.docker(['inspect', name])).code, 1);
});

test('stop: 137 when SIGTERM is ignored, 0 when trapped; start and restart run it again', async () => {
  const stubborn = e.name('stubborn');
  const polite = e.name('polite');
  await e.runDetached(stubborn, 'busybox', 'sleep', '100');
  await e.runDetached(polite, 'busybox', 'sh', '-c', `trap 'exit 0' TERM; ${LOOP}`);
  const t0 = Date.now();
  const r = await e.docker(['stop', '-t', '1', stubborn, polite]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${stubborn}\n${polite}\n`);
  assert.ok(Date.now() - t0 < 10_000);
  assert.equal(await e.inspect(stubborn, '{{.State.Status}} {{.State.ExitCode}}'), 'exited 137');
  assert.equal(await e.inspect(polite, '{{.State.Status}} {{.State.ExitCode}}'), 'exited 0');

  const started0 = await e.inspect(polite, '{{.State.StartedAt}}');
  assert.equal((await e.docker(['start', polite])).stdout, `${polite}\n`);
  assert.equal(await e.inspect(polite, '{{.State.Running}}'), 'true');
  const started1 = await e.inspect(polite, '{{.State.StartedAt}}');
  assert.notEqual(started1, started0);
  assert.equal((await e.docker(['restart', '-t', '1', polite])).code, 0);
  assert.equal(await e.inspect(polite, '{{.State.Running}}'), 'true');
  assert.notEqual(await e.inspect(polite, '{{.State.StartedAt}}'), started1);
  assert.equal(await e.inspect(polite, '{{.RestartCount}}'), '0');
});

test('start -a attaches and returns the exit code', async () => {
  const name = e.name('starta');
  assert.equal((await e.docker(['create', '--name', name, 'busybox', 'sh', '-c', 'echo attached; exit 6'])).code, 0);
  const r = await e.docker(['start', '-a', name]);
  assert.equal(r.code, 6);
  assert.equal(r.stdout, 'attached\n');
});

test('kill -s USR1 delivers the signal; kill stops; wait prints 137', async () => {
  const name = e.name('kill');
  await e.runDetached(name, 'busybox', 'sh', '-c', `trap 'echo got USR1' USR1; echo ready; ${LOOP}`);
  await waitFor(async () => (await e.docker(['logs', name])).stdout.includes('ready'), 5000, 'ready');
  const k = await e.docker(['kill', '-s', 'USR1', name]);
  assert.equal(k.code, 0, k.stderr);
  assert.equal(k.stdout, `${name}\n`);
  await waitFor(async () => (await e.docker(['logs', name])).stdout.includes('got USR1'), 5000, 'trap output');
  assert.equal(await e.inspect(name, '{{.State.Running}}'), 'true');

  const waiting = e.docker(['wait', name]);
  assert.equal((await e.docker(['kill', name])).code, 0);
  const w = await waiting;
  assert.equal(w.code, 0, w.stderr);
  assert.equal(w.stdout, '137\n');
  assert.equal(await e.inspect(name, '{{.State.ExitCode}} {{.State.OOMKilled}}'), '137 false');
  const again = await e.docker(['wait', name]);
  assert.equal(again.stdout, '137\n');
});

test('kill of a stopped container is an error', async () => {
  const name = e.name('killstopped');
  assert.equal((await e.docker(['create', '--name', name, 'busybox', 'true'])).code, 0);
  const r = await e.docker(['kill', name]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /is not running/);
});

test('container prune removes stopped containers only (label filter)', async () => {
  const label = `${e.prefix}.prune=yes`;
  const stopped = e.name('prune-stopped');
  const up = e.name('prune-up');
  const other = e.name('prune-other');
  assert.equal((await e.docker(['run', '--name', stopped, '--label', label, 'busybox', 'true'])).code, 0);
  assert.equal((await e.docker(['run', '--name', other, 'busybox', 'true'])).code, 0);
  const upId = await e.runDetached(up, '--label', label, 'busybox', 'sleep', '100');
  const stoppedId = await e.inspect(stopped, '{{.Id}}');
  const r = await e.docker(['container', 'prune', '-f', '--filter', `label=${label}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^Deleted Containers:\\n${stoppedId}\\n\\nTotal reclaimed space: `));
  assert.equal((await e.docker(['inspect', stopped])).code, 1);
  assert.equal(await e.inspect(up, '{{.Id}}'), upId);
  assert.equal((await e.docker(['inspect', other])).code, 0);
});
