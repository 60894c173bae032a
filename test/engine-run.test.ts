// `docker run` in the foreground: output, exit codes, process settings and stream integrity.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startEngine, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

const sha256 = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');

test('run echo prints to stdout and exits 0', async () => {
  const r = await e.docker(['run', '--rm', '--name', e.name('echo'), 'busybox', 'echo', 'hello berth']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello berth\n');
});

test('the exit code of the command is the exit code of docker run', async () => {
  const r = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3']);
  assert.equal(r.code, 3);
  const f = await e.docker(['run', '--rm', 'busybox', 'false']);
  assert.equal(f.code, 1);
});

test('stdout and stderr stay separate', async () => {
  const r = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
});

test('-e sets the environment, -w the working directory, -h the hostname', async () => {
  const r = await e.docker([
    'run', '--rm', '-e', 'FOO=bar baz', '-w', '/tmp', '-h', 'myhost', 'busybox',
    'sh', '-c', 'echo "$FOO"; pwd; hostname',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'bar baz\n/tmp\nmyhost\n');
});

test('-w creates a missing working directory', async () => {
  const r = await e.docker(['run', '--rm', '-w', '/made/by/run', 'busybox', 'pwd']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '/made/by/run\n');
});

test('-u selects the user: 1000, 1000:1000, root', async () => {
  const uid = await e.docker(['run', '--rm', '-u', '1000', 'busybox', 'id', '-u']);
  assert.equal(uid.stdout, '1000\n', uid.stderr);
  const both = await e.docker(['run', '--rm', '-u', '1000:1000', 'busybox', 'sh', '-c', 'id -u; id -g']);
  assert.equal(both.stdout, '1000\n1000\n', both.stderr);
  const root = await e.docker(['run', '--rm', '-u', 'root', 'busybox', 'sh', '-c', 'id -u; id -g']);
  assert.equal(root.stdout, '0\n0\n', root.stderr);
});

test('-u resolves names from the image passwd/group: HOME, primary and supplementary groups', async () => {
  const src = e.name('users');
  const setup = 'echo "app:x:1001:1002:app:/home/app:/bin/sh" >> /etc/passwd; echo "app:x:1002:" >> /etc/group; echo "extra:x:1003:app" >> /etc/group';
  assert.equal((await e.docker(['run', '--name', src, 'busybox', 'sh', '-c', setup])).code, 0);
  const ref = `${e.prefix}-users:1`;
  const imp = await e.docker(['import', '-c', `LABEL ${e.prefix}=1`, '-', ref], { input: (await e.docker(['export', src])).raw });
  assert.equal(imp.code, 0, imp.stderr);
  const byName = await e.docker(['run', '--rm', '-u', 'app', ref, 'sh', '-c', 'id; echo $HOME']);
  assert.equal(byName.stdout, 'uid=1001(app) gid=1002(app) groups=1002(app),1003(extra)\n/home/app\n', byName.stderr);
  const byUid = await e.docker(['run', '--rm', '-u', '1001', ref, 'id']);
  assert.equal(byUid.stdout, 'uid=1001(app) gid=1002(app) groups=1002(app),1003(extra)\n', byUid.stderr);
  // an explicit group replaces the primary group and drops the supplementary ones
  const withGroup = await e.docker(['run', '--rm', '-u', 'app:extra', ref, 'id']);
  assert.equal(withGroup.stdout, 'uid=1001(app) gid=1003(extra) groups=1003(extra)\n', withGroup.stderr);
  const unknown = await e.docker(['run', '--rm', '-u', 'nosuchuser', ref, 'id']);
  assert.equal(unknown.code, 125);
  assert.match(unknown.stderr, /unable to find user nosuchuser: no matching entries in passwd file/);
});

test('--entrypoint replaces the entrypoint, arguments follow it', async () => {
  const r = await e.docker(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'hello', 'world']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello world\n');
});

test('the image CMD runs when no command is given', async () => {
  const r = await e.docker(['run', '--rm', '-i', 'busybox'], { input: 'echo from-cmd-sh; exit 4\n' });
  assert.equal(r.code, 4);
  assert.equal(r.stdout, 'from-cmd-sh\n');
});

test('-i pipes stdin into the container', async () => {
  const r = await e.docker(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'tr a-z A-Z'], { input: 'piped input\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'PIPED INPUT\n');
});

test('a 10 MB stdin stream arrives intact', async () => {
  const data = Buffer.alloc(10 * 1024 * 1024, 0);
  const r = await e.docker(['run', '--rm', '-i', 'busybox', 'sha256sum'], { input: data, timeout: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split(' ')[0], sha256(data));
});

test('a 10 MB binary stdout stream arrives intact', async () => {
  const r = await e.docker(
    ['run', '--rm', 'busybox', 'sh', '-c', 'head -c 10485760 /dev/urandom > /tmp/x; sha256sum /tmp/x >&2; cat /tmp/x'],
    { timeout: 60_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.raw.length, 10485760);
  assert.equal(`${sha256(r.raw)}  /tmp/x\n`, r.stderr);
});

test('--rm removes the container after it exits', async () => {
  const name = e.name('rm');
  const r = await e.docker(['run', '--rm', '--name', name, 'busybox', 'true']);
  assert.equal(r.code, 0, r.stderr);
  const ps = await e.docker(['ps', '-a', '-q', '--filter', `name=${name}`]);
  assert.equal(ps.stdout, '');
});

test('without --rm the exited container keeps its exit code', async () => {
  const name = e.name('keep');
  const r = await e.docker(['run', '--name', name, 'busybox', 'sh', '-c', 'exit 7']);
  assert.equal(r.code, 7);
  const st = await e.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', name]);
  assert.equal(st.stdout, 'exited 7\n');
});
