// Contexts: berth and docker run the same context commands, each against its own fresh config
// dir, and must print the same; then both CLIs share one store (what one creates the other lists,
// uses and removes), and the endpoint precedence (-H > DOCKER_HOST > --context > DOCKER_CONTEXT >
// currentContext) is checked against the reference engine.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asBerth, BERTH, run, setup, type Result } from './cli-harness.js';

let host = '';
const dirs: string[] = [];

function configDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-contexts-'));
  dirs.push(d);
  return d;
}

/** Runs a command with the config dir and no DOCKER_HOST (so currentContext counts). */
function cli(bin: string, config: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  return run(bin, args, { host: '', env: { DOCKER_CONFIG: config, DOCKER_CONTEXT: '', ...env } });
}

/** docker's text as berth prints it ("docker endpoint" names the endpoint kind, not the program). */
const expected = (s: string) => asBerth(s).replaceAll('berth endpoint', 'docker endpoint');

/** Paths and the local default socket differ between the two runs; everything else must not. */
function normalize(s: string, config: string): string {
  return s
    .replaceAll(config, '<CONFIG>')
    .replace(/unix:\/\/\/var\/run\/(berth|docker)\.sock/g, '<LOCAL>')
    .replace(/ {2,}/g, '  ');
}

const script: string[][] = [
  ['context', 'ls'],
  ['context', 'create', 'foo', '--docker', 'host=tcp://1.2.3.4:2376,skip-tls-verify=true', '--description', 'my ctx'],
  ['context', 'create', 'foo'],
  ['context', 'create', 'b@d'],
  ['context', 'create', 'default'],
  ['context', 'create', 'bad', '--docker', 'foo=1'],
  ['context', 'create', 'copy'],
  ['context', 'inspect', 'foo', 'default'],
  ['context', 'inspect', 'nope'],
  ['context', 'use', 'foo'],
  ['context', 'ls'],
  ['context', 'ls', '--format', '{{json .}}'],
  ['context', 'ls', '-q'],
  ['context', 'show'],
  ['--context', 'copy', 'context', 'show'],
  ['-H', 'unix:///x', '--context', 'copy', 'context', 'show'],
  ['context', 'rm', 'foo'],
  ['context', 'update', 'foo', '--description', 'hi', '--docker', 'host=tcp://9.9.9.9:1'],
  ['context', 'inspect', '-f', '{{.Name}} {{.Endpoints.docker.Host}}', 'foo'],
  ['context', 'update', 'default', '--description', 'x'],
  ['context', 'rm', '-f', 'foo'],
  ['context', 'rm', 'nope', 'default'],
  ['context', 'use', 'nope'],
  ['--context', 'nope', 'ps'],
  ['context', 'ls'],
];

describe('berth context', () => {
  before(() => {
    host = setup();
  });
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('prints what docker prints for the same commands', async () => {
    const dc = configDir();
    const bc = configDir();
    for (const args of script) {
      const d = await cli('docker', dc, args);
      const b = await cli(BERTH, bc, args);
      const what = args.join(' ');
      assert.equal(normalize(b.stdout, bc), normalize(expected(d.stdout), dc), `stdout of ${what}`);
      assert.equal(normalize(b.stderr, bc), normalize(expected(d.stderr), dc), `stderr of ${what}`);
      assert.equal(b.code, d.code, `exit code of ${what}`);
    }
  });

  it('shares docker\'s store: contexts created by one are seen and used by the other', async () => {
    const c = configDir();
    assert.equal((await cli('docker', c, ['context', 'create', 'ref', '--docker', `host=${host}`])).code, 0);
    const ls = await cli(BERTH, c, ['context', 'ls', '--format', '{{.Name}} {{.DockerEndpoint}}']);
    assert.match(ls.stdout, new RegExp(`^ref ${host}$`, 'm'));
    assert.equal((await cli(BERTH, c, ['context', 'create', 'mine', '--docker', 'host=tcp://5.6.7.8:2376', '--description', 'x'])).code, 0);
    assert.equal((await cli(BERTH, c, ['context', 'use', 'mine'])).code, 0);
    assert.equal((await cli('docker', c, ['context', 'show'])).stdout, 'mine\n');
    const d = await cli('docker', c, ['context', 'inspect', 'mine']);
    const b = await cli(BERTH, c, ['context', 'inspect', 'mine']);
    assert.equal(b.stdout, d.stdout);
    // export/import in docker's tar format, across the two CLIs
    const tar = join(c, 'mine.tar');
    assert.equal((await cli(BERTH, c, ['context', 'export', 'mine', tar])).code, 0);
    assert.equal((await cli('docker', c, ['context', 'import', 'mine2', tar])).code, 0);
    const i = await cli(BERTH, c, ['context', 'inspect', '-f', '{{.Endpoints.docker.Host}}', 'mine2']);
    assert.equal(i.stdout, 'tcp://5.6.7.8:2376\n');
    assert.equal((await cli('docker', c, ['context', 'use', 'default'])).code, 0);
    assert.equal((await cli(BERTH, c, ['context', 'rm', 'mine', 'mine2'])).code, 0);
    assert.doesNotMatch((await cli('docker', c, ['context', 'ls', '-q'])).stdout, /mine/);
  });

  it('connects with docker\'s precedence', async () => {
    const c = configDir();
    await cli(BERTH, c, ['context', 'create', 'ref', '--docker', `host=${host}`]);
    await cli(BERTH, c, ['context', 'create', 'dead', '--docker', 'host=unix:///nonexistent.sock']);
    const ok = (r: Result) => assert.equal(r.code, 0, r.stderr);
    const dead = (r: Result) => assert.match(r.stderr, /Cannot connect to the Docker daemon at unix:\/\/\/nonexistent\.sock/);
    ok(await cli(BERTH, c, ['--context', 'ref', 'ps']));
    dead(await cli(BERTH, c, ['--context', 'dead', 'ps']));
    ok(await cli(BERTH, c, ['ps'], { DOCKER_CONTEXT: 'ref' }));
    dead(await cli(BERTH, c, ['--context', 'dead', 'ps'], { DOCKER_CONTEXT: 'ref' }));
    await cli(BERTH, c, ['context', 'use', 'dead']);
    dead(await cli(BERTH, c, ['ps']));
    ok(await cli(BERTH, c, ['ps'], { DOCKER_CONTEXT: 'ref' }));
    ok(await cli(BERTH, c, ['ps'], { DOCKER_HOST: host }));
    ok(await cli(BERTH, c, ['-H', host, 'ps'], { DOCKER_CONTEXT: 'dead' }));
    const d = await cli('docker', c, ['-H', host, '--context', 'ref', 'ps']);
    const b = await cli(BERTH, c, ['-H', host, '--context', 'ref', 'ps']);
    assert.deepEqual([b.stderr, b.code], [d.stderr, d.code]);
    const v = await cli(BERTH, c, ['--context', 'ref', 'version', '--format', '{{.Client.Context}}']);
    assert.equal(v.stdout, 'ref\n');
  });
});
