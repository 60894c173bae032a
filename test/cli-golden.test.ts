// Golden comparisons: the same command through the real docker CLI and berth, against the
// reference engine, must print the same stdout and stderr and exit with the same code.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asBerth, BERTH, maskDurations, run, setup, startRegistry, type Result } from './cli-harness.js';

const RUN_ID = randomBytes(4).toString('hex');
const LABEL = `berth-cli-test=${RUN_ID}`;
let host = '';

const docker = (args: string[], input?: string) => run('docker', args, { host, input });
const berth = (args: string[], input?: string) => run(BERTH, args, { host, input });

type Mask = (s: string) => string;

async function same(args: string[], opts: { input?: string; mask?: Mask } = {}): Promise<Result> {
  const mask = opts.mask ?? ((s: string) => s);
  const d = await docker(args, opts.input);
  const b = await berth(args, opts.input);
  const label = `berth ${args.join(' ')}`;
  assert.equal(mask(b.stdout), mask(asBerth(d.stdout)), `${label}: stdout`);
  assert.equal(mask(b.stderr), mask(asBerth(d.stderr)), `${label}: stderr`);
  assert.equal(b.code, d.code, `${label}: exit code`);
  return b;
}

async function mustDocker(args: string[]): Promise<string> {
  const r = await docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

describe('berth CLI against docker (golden)', { concurrency: false }, () => {
  const name = (s: string) => `berthcli-${RUN_ID}-${s}`;

  before(async () => {
    host = setup();
    await mustDocker([
      'run', '-d', '--name', name('web'), '-l', LABEL, '-l', 'a.b=c d', '-e', 'FOO=bar', '-p', '127.0.0.1:18080:80',
      '-p', '18081:81/udp', '-v', '/tmp:/hosttmp:ro', 'busybox', 'sh', '-c', 'echo out; echo err >&2; sleep 300',
    ]);
    // Exits with 3 on purpose: a stopped container with output for ps/logs/wait.
    await docker(['run', '--name', name('done'), '-l', LABEL, 'busybox', 'sh', '-c', 'echo one; echo two; exit 3']);
  });

  after(async () => {
    const ids = (await docker(['ps', '-aq', '--filter', `label=${LABEL}`])).stdout.split('\n').filter(Boolean);
    if (ids.length) await docker(['rm', '-f', ...ids]);
    await docker(['network', 'rm', name('net')]);
    await docker(['volume', 'rm', name('vol')]);
    await docker(['rmi', `${name('img')}:one`, `${name('img')}:two`]);
  });

  it('prints help pages and usage errors like docker', async () => {
    for (const args of [
      ['ps', '--help'], ['images', '--help'], ['exec', '--help'], ['logs', '--help'], ['rm', '--help'],
      ['stop', '--help'], ['inspect', '--help'], ['container', '--help'], ['image', 'ls', '--help'],
      ['network', 'ls', '--help'], ['volume', 'rm', '--help'], ['network'],
      ['ps', '--foo'], ['rm'], ['rename', 'a'], ['nosuchcommand'], ['network', 'nosuch'], ['port', '--help'],
      ['history', '--help'], ['save', '--help'], ['load', '--help'], ['tag', '--help'], ['wait', '--help'],
    ]) {
      await same(args);
    }
    // berth's own volume commands (export, import) are the only lines docker lacks.
    await same(['volume', '--help'], { mask: (s) => s.replace(/^ {2}(export|import) .*\n/gm, '') });
  });

  it('reports daemon and connection errors like docker', async () => {
    await same(['inspect', 'nothere-xyz']);
    await same(['rm', 'nothere-xyz', 'nothere-abc']);
    await same(['start', 'nothere-xyz', 'nothere-abc']);
    await same(['stop', 'nothere-xyz']);
    await same(['rm', '-f', 'nothere-xyz']);
    await same(['kill', 'nothere-xyz']);
    await same(['logs', 'nothere-xyz']);
    await same(['exec', 'nothere-xyz', 'true']);
    await same(['container', 'inspect', 'nothere-xyz']);
    await same(['image', 'inspect', 'nothere-xyz']);
    await same(['inspect', '--type', 'bogus', 'x']);
    await same(['rename', 'nothere-xyz', 'x']);
    await same(['rename', 'nothere-xyz', ' ']);
    const d = await run('docker', ['ps'], { host: 'unix:///nonexistent.sock' });
    const b = await run(BERTH, ['ps'], { host: 'unix:///nonexistent.sock' });
    assert.deepEqual([b.stdout, b.stderr, b.code], [d.stdout, d.stderr, d.code]);
    const b2 = await run(BERTH, ['-H', 'tcp://127.0.0.1:1', 'ps'], { host });
    assert.equal(b2.stderr, 'Cannot connect to the Docker daemon at tcp://127.0.0.1:1. Is the docker daemon running?\n');
    assert.equal(b2.code, 1);
  });

  it('runs containers with docker exit codes and output', async () => {
    const opts = ['--rm', '-l', LABEL];
    await same(['run', ...opts, 'busybox', 'nonexistent-binary']);
    await same(['run', ...opts, 'busybox', '/etc/passwd']);
    await same(['run', ...opts, 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 5']);
    await same(['run', ...opts, '-e', 'A=1', '-w', '/tmp', '-u', '65534', '-h', 'hh', 'busybox', 'sh', '-c', 'echo $A $(pwd) $(id -u) $(hostname)']);
    await same(['run', ...opts, '--entrypoint', 'echo', 'busybox', 'hi', 'there']);
    await same(['run', ...opts, '-a', 'stdout', 'busybox', 'sh', '-c', 'echo o; echo e >&2']);
    await same(['run', ...opts, '-i', 'busybox', 'sh', '-c', 'cat; echo done'], { input: 'hello\nworld\n' });
    await same(['run', ...opts, '-it', 'busybox', 'cat'], { input: 'not a terminal\n' });
    await same(['run', ...opts, '-p', 'notaport', 'busybox']);
    await same(['run', ...opts, '-m', 'abc', 'busybox']);
    await same(['run', ...opts, '--restart', 'always', 'busybox']);
    await same(['run', '--foo', 'busybox']);
    await same(['run']);
    await same(['create', '--name', name('web'), 'busybox']);
  });

  it('creates containers with the same configuration as docker', async () => {
    const flagSets = [
      ['--log-driver', 'json-file', '--log-opt', 'max-size=1m', '--stop-signal', 'SIGUSR1', '--stop-timeout', '7', '--init',
        '--cap-add', 'net_admin', '--cap-drop', 'MKNOD', '--read-only', '--tmpfs', '/run:rw,size=64m', '--ulimit', 'nofile=1024:2048',
        '-m', '64m', '--cpus', '0.5', '--pids-limit', '50', '--add-host', 'foo:1.2.3.4', '--dns', '8.8.8.8', '-e', 'A=1', '-w', '/tmp',
        '-u', '1:2', '-h', 'hh', '--restart', 'on-failure:3', '-p', '127.0.0.1::80', '-P', '--expose', '90', '-v', '/tmp:/x:ro',
        '--mount', 'type=tmpfs,target=/z,tmpfs-size=1000000', '--network', 'bridge', '--entrypoint', 'sh', '--shm-size', '1g',
        '--security-opt', 'no-new-privileges', '--sysctl', 'net.ipv4.ip_forward=1', 'busybox', '-c', 'true'],
      ['-it', '--rm', '--privileged', '--network', 'none', 'busybox'],
      ['-a', 'stdin', '-a', 'stdout', '--env-file', '/dev/null', '--label', 'x=y', '--pull', 'never', 'busybox', 'echo'],
    ];
    for (const flags of flagSets) {
      const ids = [await mustDocker(['create', '-l', LABEL, ...flags]), (await berth(['create', '-l', LABEL, ...flags])).stdout.trim()];
      const views = await Promise.all(
        ids.map(async (id) => {
          const r = await docker(['inspect', '-f', '{{json .Config}} {{json .HostConfig}} {{json .NetworkSettings}}', id]);
          return r.stdout.replaceAll(id.slice(0, 12), '<id>');
        }),
      );
      await docker(['rm', '-f', ...ids]);
      assert.equal(views[1], views[0], `create ${flags.join(' ')}`);
    }
  });

  it('lists containers like docker ps', async () => {
    const f = ['--filter', `label=${LABEL}`];
    const m = { mask: maskDurations };
    await same(['ps', ...f], m);
    await same(['ps', '-a', ...f], m);
    await same(['ps', '-a', '-q', ...f]);
    await same(['ps', '-a', '--no-trunc', ...f], m);
    await same(['ps', '-a', '-s', ...f], m);
    await same(['ps', '-a', '--format', 'json', ...f], m);
    await same(['ps', '-a', '--format', '{{json .}}', ...f], m);
    await same(['ps', '-a', '--format', 'table {{.Names}}\t{{.Label "a.b"}}\t{{.Ports}}\t{{.State}}', ...f]);
    await same(['ps', '-a', '--format', '{{.Names}}|{{.Labels}}|{{upper .State}}|{{.Mounts}}|{{.Networks}}', ...f]);
    await same(['ps', '-a', '-n', '1', '--format', '{{.Names}}', ...f]);
    const cfg = mkdtempSync(join(tmpdir(), 'berth-cli-config-'));
    try {
      writeFileSync(join(cfg, 'config.json'), JSON.stringify({ psFormat: 'table {{.Names}}\t{{.Image}}', imagesFormat: '{{.Repository}}:{{.Tag}}' }));
      await same(['--config', cfg, 'ps', '-a', ...f]);
      await same(['--config', cfg, 'images', 'busybox']);
      await same(['--config', cfg, 'ps', '-a', '--format', '{{.Names}}', ...f]);
    } finally {
      rmSync(cfg, { recursive: true, force: true });
    }
    await same(['ps', '--format', '{{.Nope}}']);
    await same(['ps', '--format', '{{.ID']);
  });

  it('formats inspect output and templates like docker', async () => {
    const c = name('web');
    await same(['inspect', c]);
    await same(['inspect', 'busybox']);
    await same(['inspect', c, 'nothere-xyz']);
    for (const t of [
      '{{.Name}}', '{{.Config.Labels}}', '{{json .Config.Labels}}', '{{json .Config}}', '{{.Config.Env}}',
      '{{range .Config.Env}}[{{.}}]{{end}}', '{{index .Config.Labels "a.b"}}', '{{.State.Status}} {{.State.Running}}',
      '{{.HostConfig.Binds}}', '{{.NetworkSettings.Ports}}', '{{len .Config.Cmd}}', '{{upper .Name}} {{lower "ABC"}}',
      '{{if .State.Running}}up{{else}}down{{end}}', '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}',
      '{{with .Config}}{{.Image}}{{end}}', '{{$x := .Name}}{{$x}}{{$x | len}}', '{{join .Config.Cmd ","}}',
      '{{split "a,b,c" ","}}', '{{title "hello world"}}', '{{truncate .Name 4}}', '{{pad "x" 1 2}}|',
      '{{eq .State.Status "running" "exited"}} {{ne 1 2}} {{lt 1 2}} {{gt 1 2}}', '{{and 1 0}} {{or 0 "x"}} {{not true}}',
      '{{println "a" "b"}}', '{{printf "%s-%d" "x" 5}}', '{{.Config.Volumes}}', '{{.Nope}}', '{{.ID',
      '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', '{{- .Name -}}', '{{if eq 1 2}}a{{else if eq 2 2}}b{{end}}',
    ]) {
      await same(['inspect', '-f', t, c]);
    }
    await same(['inspect', '--type', 'image', '-f', '{{.Os}} {{.Config.Cmd}}', 'busybox']);
  });

  it('matches docker for logs, exec, port, top, diff, wait', async () => {
    const c = name('web');
    const done = name('done');
    await same(['logs', c]);
    await same(['logs', '--tail', '1', done]);
    await same(['logs', '-t', done]);
    await same(['logs', '--since', '1h', '--until', '0s', done]);
    await same(['logs', '--since', 'bogus', done]);
    await same(['exec', c, 'sh', '-c', 'exit 7']);
    await same(['exec', '-e', 'X=1', '-u', '65534', '-w', '/tmp', c, 'sh', '-c', 'echo $X $(id -u) $(pwd)']);
    await same(['exec', '-i', c, 'cat'], { input: 'piped\n' });
    await same(['exec', c, 'nonexistent-binary']);
    await same(['exec', '-it', c, 'cat'], { input: 'x\n' });
    await same(['port', c]);
    await same(['port', c, '80']);
    await same(['port', c, '9999']);
    await same(['top', c]);
    await docker(['exec', c, 'touch', '/tmp/newfile']);
    // The daemon's change list comes in no fixed order.
    await same(['diff', c], { mask: (s) => s.split('\n').sort().join('\n') });
    await same(['wait', done]);
  });

  it('lists and manages images like docker', async () => {
    const img = name('img');
    assert.equal((await berth(['tag', 'busybox', `${img}:one`])).code, 0);
    await mustDocker(['tag', 'busybox', `${img}:two`]);
    const m = { mask: maskDurations };
    await same(['images', img], m);
    await same(['images', '-q', img]);
    await same(['images', '--no-trunc', img], m);
    await same(['images', '--digests', img], m);
    await same(['images', '--format', 'json', img], m);
    await same(['images', '--format', 'table {{.Repository}}:{{.Tag}}\t{{.Size}}', img]);
    await same(['image', 'ls', '--filter', `reference=${img}:one`], m);
    await same(['history', 'busybox'], m);
    await same(['history', '--no-trunc', 'busybox'], m);
    await same(['history', '-H=false', 'busybox']);
    await same(['history', '-q', 'busybox']);
    await same(['history', '--format', '{{.ID}} {{.Size}} {{.Comment}}', 'busybox']);
    await same(['rmi', 'nothere-xyz:1']);
    const rmB = await berth(['rmi', `${img}:one`]);
    assert.equal(rmB.stdout, `Untagged: ${img}:one\n`);
    await same(['tag', 'nothere-xyz', 'x']);
  });

  it('saves, loads and copies files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
    try {
      const tar = join(dir, 'bb.tar');
      assert.equal((await berth(['save', '-o', tar, 'busybox'])).code, 0);
      await same(['load', '-i', tar]);
      await same(['load', '-q', '-i', tar]);
      writeFileSync(join(dir, 'f.txt'), 'content\n');
      const c = name('web');
      assert.equal((await berth(['cp', join(dir, 'f.txt'), `${c}:/tmp/copied.txt`])).code, 0);
      assert.equal((await docker(['exec', c, 'cat', '/tmp/copied.txt'])).stdout, 'content\n');
      assert.equal((await berth(['cp', `${c}:/tmp/copied.txt`, join(dir, 'back.txt')])).code, 0);
      assert.equal((await run('cat', [join(dir, 'back.txt')], { host })).stdout, 'content\n');
      await same(['cp', `${c}:/nonexistent`, dir]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('manages networks and volumes like docker', async () => {
    const net = name('net');
    const vol = name('vol');
    assert.match((await berth(['network', 'create', '--label', LABEL, net])).stdout, /^[0-9a-f]{64}\n$/);
    await same(['network', 'ls', '--filter', `name=${net}`]);
    await same(['network', 'ls', '--filter', `name=${net}`, '--format', '{{.Name}} {{.Driver}} {{.Labels}}']);
    await same(['network', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Labels}}', net]);
    await same(['network', 'rm', 'nothere-xyz']);
    assert.equal((await berth(['network', 'rm', net])).stdout, `${net}\n`);
    assert.equal((await berth(['volume', 'create', '--label', LABEL, vol])).stdout, `${vol}\n`);
    await same(['volume', 'ls', '--filter', `name=${vol}`]);
    await same(['volume', 'ls', '-q', '--filter', `name=${vol}`]);
    await same(['volume', 'inspect', vol]);
    await same(['volume', 'inspect', '-f', '{{.Name}} {{.Labels}}', vol]);
    await same(['volume', 'rm', 'nothere-xyz']);
    assert.equal((await berth(['volume', 'rm', vol])).stdout, `${vol}\n`);
  });

  it('prints version, info and system df like docker', async () => {
    const v = await berth(['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}']);
    const dv = await docker(['version', '--format', '{{.Server.Version}} {{.Server.APIVersion}}']);
    assert.equal(v.stdout, dv.stdout);
    const full = await berth(['version']);
    const server = (s: string) => s.slice(s.indexOf('Server:'));
    assert.equal(server(full.stdout), server((await docker(['version'])).stdout));
    await same(['info', '--format', '{{.Driver}} {{.OSType}} {{json .Plugins.Volume}}']);
    await same(['system', 'df', '--format', '{{.Type}}']);
    await same(['context', 'ls']);
  });

  it('drives terminals like docker (-t, detach keys, attach, start -a)', async () => {
    // script(1) gives the CLI a pseudo-terminal; the input is fed after a delay.
    const inTerminal = (bin: string, args: string, input = '', delay = 0) =>
      run('sh', ['-c', `(sleep ${delay}; printf '${input}') | script -qec "${bin} ${args}" /dev/null`], { host });
    const both = async (args: string, input = '', delay = 0) => {
      const d = await inTerminal('docker', args, input, delay);
      const b = await inTerminal(BERTH, args, input, delay);
      assert.equal(b.stdout, asBerth(d.stdout), `${args}: terminal output`);
      assert.equal(b.code, d.code, `${args}: exit code`);
    };
    await both(`run -t --rm -l ${LABEL} busybox sh -c 'tty; printf \"a\\nb\\n\"; exit 4'`);
    await both(`run -t --rm -l ${LABEL} busybox sh -c 'sleep 0.3; stty size </dev/tty'`);
    for (const cli of ['docker', BERTH]) {
      const n = name(`tty-${cli === 'docker' ? 'd' : 'b'}`);
      const r = await inTerminal(cli, `run -it --name ${n} -l ${LABEL} busybox sh`, '\\020\\021', 1.5);
      assert.equal(r.code, 0, `${cli} run -it detach`);
      assert.equal((await docker(['inspect', '-f', '{{.State.Running}}', n])).stdout, 'true\n');
      const a = await inTerminal(cli, `attach ${n}`, '\\020\\021', 1.5);
      assert.equal(a.code, 1);
      assert.match(a.stdout, /read escape sequence\r\n$/);
    }
    const created = await mustDocker(['create', '-l', LABEL, 'busybox', 'sh', '-c', 'echo started; exit 2']);
    const st = await berth(['start', '-a', created]);
    assert.deepEqual([st.stdout, st.code], ['started\n', 2]);
  });

  it('pushes, pulls and logs in to a registry like docker', async () => {
    const registry = await startRegistry();
    const dir = mkdtempSync(join(tmpdir(), 'berth-cli-config-'));
    const ref = `${registry.address}/${name('pushed')}:1`;
    try {
      await mustDocker(['tag', 'busybox', ref]);
      const first = await berth(['push', ref]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^The push refers to repository \[.*\]\n[0-9a-f]{12}: Preparing\n[0-9a-f]{12}: Pushed\n1: digest: sha256:[0-9a-f]{64} size: \d+\n$/);
      await same(['push', ref]);
      await same(['push', '-q', ref]);
      await mustDocker(['rmi', ref]);
      const pulled = await berth(['pull', ref]);
      assert.match(pulled.stdout, /^1: Pulling from .*\nDigest: sha256:[0-9a-f]{64}\nStatus: Downloaded newer image for .*\n.*:1\n$/);
      await same(['pull', ref]);
      await same(['pull', '-q', ref]);
      await same(['pull', `${registry.address}/${name('pushed')}:nope`]);
      await same(['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', `${registry.address}/${name('pushed')}`]);
      // run pulls a missing image first, reporting on stderr.
      const runs: Result[] = [];
      for (const cli of [docker, berth]) {
        await docker(['rmi', ref]);
        runs.push(await cli(['run', '--rm', '-l', LABEL, ref, 'echo', 'hi']));
      }
      assert.deepEqual(runs[1], runs[0]);
      assert.match(runs[1].stderr, /^Unable to find image '.*:1' locally\n1: Pulling from /);
      for (const [cli, cfg] of [['docker', `${dir}/d`], [BERTH, `${dir}/b`]] as const) {
        const r = await run(cli, ['--config', cfg, 'login', '-u', 'user', '--password-stdin', registry.address], { host, input: 'secret\n' });
        assert.equal(r.stdout, 'Login Succeeded\n');
        assert.equal(r.stderr.replace(cfg, 'CFG'), `\nWARNING! Your credentials are stored unencrypted in 'CFG/config.json'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`);
      }
      assert.equal(readFileSync(`${dir}/b/config.json`, 'utf8'), readFileSync(`${dir}/d/config.json`, 'utf8'));
      const out = await run(BERTH, ['--config', `${dir}/b`, 'logout', registry.address], { host });
      assert.equal(out.stdout, `Removing login credentials for ${registry.address}\n`);
    } finally {
      await docker(['rmi', ref]);
      registry.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams events like docker', async () => {
    const since = String(Math.floor(Date.now() / 1000) - 600);
    const until = String(Math.floor(Date.now() / 1000));
    const f = ['--since', since, '--until', until, '--filter', `label=${LABEL}`];
    await same(['events', ...f]);
    await same(['events', ...f, '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
    await same(['events', ...f, '--format', '{{json .}}']);
  });

  it('stops, kills, renames and removes containers like docker', async () => {
    const a = await mustDocker(['run', '-d', '-l', LABEL, '--name', name('a'), 'busybox', 'sleep', '300']);
    const b = await mustDocker(['run', '-d', '-l', LABEL, '--name', name('b'), 'busybox', 'sleep', '300']);
    assert.equal((await berth(['pause', name('a')])).stdout, `${name('a')}\n`);
    await same(['ps', '--filter', `name=${name('a')}`, '--format', '{{.Status}}'], { mask: maskDurations });
    assert.equal((await berth(['unpause', name('a')])).stdout, `${name('a')}\n`);
    assert.equal((await berth(['kill', '-s', 'KILL', name('a')])).stdout, `${name('a')}\n`);
    assert.equal((await berth(['wait', name('a')])).stdout, '137\n');
    assert.equal((await berth(['stop', '-t', '1', name('b')])).stdout, `${name('b')}\n`);
    assert.equal((await berth(['rename', name('b'), name('b2')])).code, 0);
    assert.equal((await berth(['rm', name('b2'), a])).stdout, `${name('b2')}\n${a}\n`);
    assert.match(b, /^[0-9a-f]{64}$/);
  });
});
