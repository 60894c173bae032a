// The freeze copies into a running container share (copy-freeze.ts), against a task that records
// its pauses and resumes: docker pause and unpause during a copy keep their meaning afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CopyFreeze } from '../src/daemon/containers/copy-freeze.js';

function fakeTask() {
  const calls: string[] = [];
  const task = { paused: false, calls, pause: async () => { calls.push('pause'); }, resume: async () => { calls.push('resume'); }, userPaused: () => task.paused };
  return task;
}

test('copies at the same time share one freeze, resumed by the last one out', async () => {
  const task = fakeTask();
  const freeze = new CopyFreeze(task);
  const releases = await Promise.all([0, 1, 2].map(() => freeze.hold(true)));
  assert.deepEqual(task.calls, ['pause']);
  await releases[0]();
  await releases[1]();
  assert.ok(freeze.frozen);
  await releases[2]();
  assert.deepEqual(task.calls, ['pause', 'resume']);
  assert.ok(!freeze.frozen);
});

test('docker pause during a copy holds after the copy; docker unpause during one waits for its end', async () => {
  const task = fakeTask();
  const freeze = new CopyFreeze(task);
  let release = await freeze.hold(true);
  // docker pause: the task is frozen already, so it only records itself.
  assert.ok(freeze.frozen);
  task.paused = true;
  await release();
  assert.deepEqual(task.calls, ['pause']);
  // A copy into the paused container does not pause it again; docker unpause meanwhile hands the
  // resume to the copy's end.
  release = await freeze.hold(true);
  assert.deepEqual(task.calls, ['pause']);
  task.paused = false;
  assert.ok(freeze.takeOver());
  assert.deepEqual(task.calls, ['pause']);
  await release();
  assert.deepEqual(task.calls, ['pause', 'resume']);
  assert.ok(!freeze.takeOver());
});
