// The tar stream berthd hands to `docker export` and `docker cp`: tar failing fails the stream,
// and a stream always ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { archivePath } from '../src/daemon/containers/archive.js';
import { tarOutput } from '../src/common/tar-output.js';

async function drain(s: NodeJS.ReadableStream): Promise<number> {
  let n = 0;
  for await (const c of s) n += (c as Buffer).length;
  return n;
}

test('a tar that exits non-zero ends its stream with an error, not a clean end', async () => {
  const child = spawn('tar', ['-C', '/', '-cf', '-', 'etc/hostname', 'berth-no-such-file'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await assert.rejects(drain(tarOutput(child)), /tar failed \(exit status 2\).*berth-no-such-file/);
});

test('a tar that succeeds ends its stream cleanly', async () => {
  const child = spawn('tar', ['-C', '/', '-cf', '-', 'etc/hostname'], { stdio: ['ignore', 'pipe', 'pipe'] });
  assert.ok((await drain(tarOutput(child))) > 0);
});

// A small tar can exit within the awaits between its spawn and the stream's making: then the
// stream never ended and `docker cp` waited forever (about once in a few hundred copies).
test('archives of a small directory always end, however fast tar exits', { timeout: 120_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tar-'));
  try {
    fs.mkdirSync(path.join(root, 'd', 'in'), { recursive: true });
    fs.writeFileSync(path.join(root, 'd', 'f'), 'f\n');
    for (let i = 0; i < 1000; i++) assert.equal(await drain(await archivePath(root, '/d/')), 10240);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
