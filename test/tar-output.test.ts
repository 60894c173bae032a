// The tar stream berthd hands to `docker export` and `docker cp`: tar failing fails the stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { tarOutput } from '../src/daemon/containers/tar-output.js';

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
