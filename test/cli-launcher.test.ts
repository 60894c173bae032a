// bin/berth's choice between the start-up snapshot and the bundle, seen through a stand-in `node`
// on PATH that prints the arguments it is started with: a blob is used only with the node binary
// that built it, unchanged since; any other node (another version, a replaced binary) gets the bundle.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './cli-harness.js';

let tmp: string;
let node: string;
let blob: string;

/** The arguments bin/berth hands to the `node` found first on PATH. */
const launch = (pathDirs: string[]): string[] =>
  execFileSync(path.join(tmp, 'bin', 'berth'), ['ps', '-a'], { env: { PATH: [...pathDirs, '/usr/bin', '/bin'].join(':') }, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

const snapshotArgs = (): string[] => ['--snapshot-blob', `${tmp}/bin/../dist/berth-v0.0.0-x64.blob`, '--', 'ps', '-a'];
const bundleArgs = (): string[] => ['--', `${tmp}/bin/../dist/berth.mjs`, 'ps', '-a'];

function standInNode(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'node');
  fs.writeFileSync(file, '#!/bin/sh\nprintf \'%s\\n\' "$@"\n', { mode: 0o755 });
  fs.utimesSync(file, 1_000_000, 1_000_000);
  return file;
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-launcher-'));
  fs.mkdirSync(path.join(tmp, 'bin'));
  fs.mkdirSync(path.join(tmp, 'dist'));
  fs.copyFileSync(path.join(ROOT, 'bin', 'berth'), path.join(tmp, 'bin', 'berth'));
  node = standInNode(path.join(tmp, 'node-a'));
  blob = path.join(tmp, 'dist', 'berth-v0.0.0-x64.blob');
  fs.writeFileSync(blob, '');
  fs.utimesSync(blob, 2_000_000, 2_000_000);
  fs.symlinkSync(node, path.join(tmp, 'dist', 'berth-v0.0.0-x64.node'));
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the node that built the blob starts from the snapshot', () => {
  assert.deepEqual(launch([path.dirname(node)]), snapshotArgs());
});

test('the node is found on PATH as the shell would, also through a symlink', () => {
  const dir = path.join(tmp, 'node-link');
  fs.mkdirSync(dir);
  fs.symlinkSync(node, path.join(dir, 'node'));
  assert.deepEqual(launch([path.join(tmp, 'empty'), dir, path.dirname(node)]), snapshotArgs());
});

test('another node binary, even of the same version, starts from the bundle', () => {
  const other = standInNode(path.join(tmp, 'node-b'));
  assert.deepEqual(launch([path.dirname(other), path.dirname(node)]), bundleArgs());
});

test('a node binary changed since the blob was built starts from the bundle', () => {
  fs.utimesSync(node, 3_000_000, 3_000_000);
  try {
    assert.deepEqual(launch([path.dirname(node)]), bundleArgs());
  } finally {
    fs.utimesSync(node, 1_000_000, 1_000_000);
  }
});
