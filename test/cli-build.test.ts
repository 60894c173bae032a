// `berth build` and `berth search` against the real docker CLI: the same build on the reference
// engine must print the same (ids masked), honour .dockerignore, and -q must print the id;
// against berthd (no builder) and without internet (search) the errors must match docker's.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isExcluded, parseDockerignore } from '../src/cli/build-context.js';
import { asBerth, BERTH, run, setup, type Result } from './cli-harness.js';
import { startEngine, type Engine } from './harness.js';

const RUN_ID = randomBytes(4).toString('hex');
const maskIds = (s: string) => s.replace(/[0-9a-f]{64}/g, '<id>').replace(/\b[0-9a-f]{12}\b/g, '<id>');

function assertSame(d: Result, b: Result, label: string, mask = maskIds): void {
  assert.equal(mask(b.stdout), mask(asBerth(d.stdout)), `${label}: stdout`);
  assert.equal(mask(b.stderr), mask(asBerth(d.stderr)), `${label}: stderr`);
  assert.equal(b.code, d.code, `${label}: exit code`);
}

describe('.dockerignore matching', () => {
  const rules = parseDockerignore('# comment\n*.log\n!keep.log\nsecret\n**/tmp\n/docs/*.md\n');
  const cases: Array<[string, boolean]> = [
    ['a.log', true],
    ['keep.log', false],
    ['sub/a.log', false],
    ['secret', true],
    ['secret/inner/file', true],
    ['x/y/tmp', true],
    ['tmp/f', true],
    ['docs/a.md', true],
    ['docs/sub/a.md', false],
    ['src/main.ts', false],
  ];
  for (const [path, excluded] of cases) it(`${path} -> ${excluded ? 'excluded' : 'sent'}`, () => assert.equal(isExcluded(path, rules), excluded));
});

describe('berth build/search against docker (reference engine)', { concurrency: false }, () => {
  let host = '';
  let dir = '';
  const tags = [`berthbuild-${RUN_ID}:docker`, `berthbuild-${RUN_ID}:berth`];
  const docker = (args: string[]) => run('docker', args, { host, env: {} });
  const berth = (args: string[]) => run(BERTH, args, { host });

  before(() => {
    host = setup();
    dir = mkdtempSync(join(tmpdir(), 'berth-build-'));
    writeFileSync(join(dir, 'Dockerfile'), `FROM busybox\nRUN echo built-${RUN_ID}\nCOPY a.txt /a.txt\nCOPY . /ctx/\n`);
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    writeFileSync(join(dir, 'secret.txt'), 's\n');
    writeFileSync(join(dir, '.dockerignore'), 'secret.txt\n');
  });

  after(async () => {
    for (const t of tags) await docker(['rmi', '-f', t]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints what docker prints and builds the same image', async () => {
    // docker first: its run may build, berth's then hits the cache; drop the cache/run lines.
    const d = await docker(['build', '-t', tags[0], dir]);
    const b = await berth(['build', '-t', tags[1], dir]);
    const noCache = (s: string) =>
      maskIds(s)
        .replace(/ ---> (Using cache|Running in <id>)\n|^built-\w+\n|^Removing intermediate container <id>\n/gm, '')
        .replace(/Successfully tagged berthbuild-\w+:\w+/, 'Successfully tagged <tag>');
    assertSame(d, b, 'build', noCache);
    assert.match(b.stdout, /^Sending build context to Docker daemon {2}4\.096kB\r\r\nStep 1\/4 : FROM busybox\n/);
    const ids = await Promise.all(tags.map(async (t) => (await docker(['images', '-q', t])).stdout.trim()));
    assert.equal(ids[1], ids[0], 'same image from the same context');
    const ls = await docker(['run', '--rm', tags[1], 'ls', '-a', '/ctx']);
    assert.equal(ls.code, 0, ls.stderr);
    assert.deepEqual(ls.stdout.split('\n').filter(Boolean).sort(), ['.', '..', '.dockerignore', 'Dockerfile', 'a.txt']);
  });

  it('-q prints the image id and --iidfile writes it', async () => {
    const iid = join(dir, '..', `berth-iid-${RUN_ID}`);
    try {
      const b = await berth(['build', '-q', '--iidfile', iid, dir]);
      const d = await docker(['build', '-q', dir]);
      assertSame(d, b, 'build -q', (s) => s);
      assert.match(b.stdout, /^sha256:[0-9a-f]{64}\n$/);
      assert.equal(readFileSync(iid, 'utf8'), b.stdout.trim());
    } finally {
      rmSync(iid, { force: true });
    }
  });

  it('a failing RUN exits like docker', async () => {
    const df = join(dir, '..', `berth-df-${RUN_ID}`);
    writeFileSync(df, 'FROM busybox\nRUN exit 3\n');
    try {
      const d = await docker(['build', '-f', df, '--build-arg', 'A=1', '--label', 'x=y', dir]);
      const b = await berth(['build', '-f', df, '--build-arg', 'A=1', '--label', 'x=y', dir]);
      // The size of a context with a Dockerfile from outside differs (docker rewrites the tar).
      assertSame(d, b, 'build failing', (s) => maskIds(s).replace(/daemon {2}\S+/, 'daemon  <size>'));
      assert.equal(b.code, 3);
      assert.match(b.stderr, /returned a non-zero code: 3/);
    } finally {
      rmSync(df, { force: true });
    }
  });

  it('a missing context path fails like docker', async () => {
    const missing = join(dir, 'nope');
    assertSame(await docker(['build', missing]), await berth(['build', missing]), 'build missing');
  });

  it('search without internet fails like docker', async () => {
    const d = await docker(['search', '--limit', '3', 'busybox']);
    const b = await berth(['search', '--limit', '3', 'busybox']);
    assert.equal(d.code, 1);
    assertSame(d, b, 'search');
  });
});

describe('berth build against berthd (no builder)', { concurrency: false }, () => {
  let engine: Engine;
  let dir = '';

  before(async () => {
    engine = await startEngine();
    dir = mkdtempSync(join(tmpdir(), 'berth-build-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\n');
  });

  after(async () => {
    await engine?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const args of [['build', '.'], ['build', '-q', '.'], ['search', 'x']]) {
    it(`berth ${args.join(' ')} reports the daemon's error as docker does`, async () => {
      const opts = { host: engine.host };
      const d = await run('docker', args.map((a) => (a === '.' ? dir : a)), opts);
      const b = await run(BERTH, args.map((a) => (a === '.' ? dir : a)), opts);
      assert.equal(d.code, 1);
      assertSame(d, b, args.join(' '));
    });
  }
});
