// One berthd per data-root and per pidfile (berthd only): a second berthd on either exits 1 with
// `berthd is already running (pid N)` and leaves the first serving on its socket; after kill -9 of
// the first, its leftover lock and pidfile do not keep a new berthd from starting.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rawRequest, run, startEngine, type Engine } from './harness.js';

const BERTHD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/berthd');
const skip = process.env.BERTH_TEST_ENGINE === 'reference' && 'berthd only: the reference engine is shared';

let e: Engine | undefined;
let tmp = '';
before(async () => {
  if (skip) return;
  e = await startEngine();
  tmp = mkdtempSync(path.join(tmpdir(), 'berthd-second-'));
});
after(async () => {
  await e?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const flag = (name: string): string => {
  const args = e!.berthd!.args;
  return args[args.indexOf(name) + 1];
};

/** Starts a second berthd with the first one's `shared` flags and its own everything else. */
function second(shared: '--data-root' | '--pidfile') {
  const own: Record<string, string> = {
    '--data-root': path.join(tmp, `${shared}-data`),
    '--exec-root': path.join(tmp, `${shared}-exec`),
    '--pidfile': path.join(tmp, `${shared}.pid`),
    '-H': `unix://${path.join(tmp, `${shared}.sock`)}`,
  };
  own[shared] = flag(shared);
  return run(process.execPath, [BERTHD, ...Object.entries(own).flat()], { timeout: 20_000 });
}

async function firstStillServes(): Promise<void> {
  assert.ok(existsSync(e!.socketPath), 'the first berthd keeps its socket');
  assert.equal((await rawRequest(e!.socketPath, 'GET', '/_ping')).status, 200);
}

test('a second berthd on the same data-root exits 1 and leaves the first alone', { skip }, async () => {
  const pid = readFileSync(flag('--pidfile'), 'utf8').trim();
  const r = await second('--data-root');
  assert.deepEqual([r.code, r.stderr], [1, `berthd is already running (pid ${pid})\n`]);
  assert.ok(!existsSync(path.join(tmp, '--data-root.sock')), 'the second berthd creates no socket');
  await firstStillServes();
});

test('a second berthd on the same pidfile exits 1 and leaves the first alone', { skip }, async () => {
  const pid = readFileSync(flag('--pidfile'), 'utf8').trim();
  const r = await second('--pidfile');
  assert.deepEqual([r.code, r.stderr], [1, `berthd is already running (pid ${pid})\n`]);
  assert.equal(readFileSync(flag('--pidfile'), 'utf8').trim(), pid, 'the pidfile still names the first');
  await firstStillServes();
});

test('after kill -9 a new berthd starts on the same data-root and pidfile', { skip }, async () => {
  const old = readFileSync(flag('--pidfile'), 'utf8').trim();
  await e!.kill9();
  await e!.restart();
  assert.notEqual(readFileSync(flag('--pidfile'), 'utf8').trim(), old);
  await firstStillServes();
});
