// docker-py (Debian's python3-docker) drives the engine: test/py/core.py asserts the results.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startEngine, type Engine } from './harness.js';

// dist/test/ → repo root; the script is not compiled, it is read from the source tree
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/py/core.py');
// Debian's interpreter: python3-docker is installed for it, not for other pythons on PATH
const PYTHON = '/usr/bin/python3';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

test('docker-py: ping, version, containers, images, exec, networks, info', async () => {
  const r = await run(PYTHON, [SCRIPT, e.prefix], { env: e.env, timeout: 90_000 });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const passed = r.stdout.split('\n').filter((l) => l.startsWith('ok '));
  assert.deepEqual(passed, [
    'ok ping',
    'ok version',
    'ok containers.run echo',
    'ok containers.run detach, wait, logs, remove',
    'ok ContainerError on non-zero exit',
    'ok ContainerError on non-zero exit with auto_remove',
    'ok NotFound',
    'ok images.list/get/tag/remove',
    'ok exec_run',
    'ok exec_run with a tty',
    'ok kill and wait',
    'ok networks.list',
    'ok info',
    'ok images.load of garbage raises ImageLoadError',
  ]);
});
