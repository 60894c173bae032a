// Error paths: docker's exit codes (125/126/127), messages and HTTP status codes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientMessage, rawRequest, startEngine, type Engine } from './harness.js';

let e: Engine;
before(async () => {
  e = await startEngine();
});
after(async () => {
  await e?.stop();
});

test('run of an unknown image exits 125 after "Unable to find image"', async () => {
  const r = await e.docker(['run', '--rm', 'nosuchimage:latest']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /^Unable to find image 'nosuchimage:latest' locally\n/);
  // The pull that follows fails (no registry is reachable); its wording depends on the engine.
  assert.match(r.stderr, clientMessage('{cli}: Error response from daemon: '));
});

test('run of an unknown tag of a known image exits 125', async () => {
  const r = await e.docker(['run', '--rm', 'busybox:nosuchtag', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /Unable to find image 'busybox:nosuchtag' locally/);
});

test('a command that is not executable exits 126', async () => {
  const r = await e.docker(['run', '--rm', 'busybox', '/etc/passwd']);
  assert.equal(r.code, 126);
  assert.match(r.stderr, /permission denied/);
});

test('a command that does not exist exits 127', async () => {
  const r = await e.docker(['run', '--rm', 'busybox', 'nosuchcmd']);
  assert.equal(r.code, 127);
  assert.match(r.stderr, /exec: "nosuchcmd": executable file not found in \$PATH/);
});

test('a duplicate container name is a conflict', async () => {
  const name = e.name('dup');
  const first = await e.docker(['create', '--name', name, 'busybox', 'true']);
  assert.equal(first.code, 0, first.stderr);
  const id = first.stdout.trim();
  const r = await e.docker(['run', '--name', name, 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(
    r.stderr,
    new RegExp(
      `Conflict\\. The container name "/${name}" is already in use by container "${id}"\\. ` +
        'You have to remove \\(or rename\\) that container to be able to reuse that name\\.',
    ),
  );
  const raw = await rawRequest(e.socketPath, 'POST', `/containers/create?name=${name}`, JSON.stringify({ Image: 'busybox' }), {
    'Content-Type': 'application/json',
  });
  assert.equal(raw.status, 409);
});

test('bad port specs are refused before anything is created', async () => {
  const badHost = await e.docker(['run', '--rm', '-p', '99999:80', 'busybox', 'true']);
  assert.equal(badHost.code, 125);
  assert.match(badHost.stderr, /invalid hostPort: 99999/);
  const badCtr = await e.docker(['run', '--rm', '-p', 'abc', 'busybox', 'true']);
  assert.equal(badCtr.code, 125);
  assert.match(badCtr.stderr, /invalid containerPort: abc/);
});

test('kill with an unknown signal is refused (400)', async () => {
  const name = e.name('sig');
  assert.equal((await e.docker(['run', '-d', '--name', name, 'busybox', 'sleep', '100'])).code, 0);
  const r = await e.docker(['kill', '-s', 'NOSIG', name]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error response from daemon: Invalid signal: NOSIG/);
  const raw = await rawRequest(e.socketPath, 'POST', `/containers/${name}/kill?signal=NOSIG`);
  assert.equal(raw.status, 400);
  const st = await e.docker(['inspect', '-f', '{{.State.Running}}', name]);
  assert.equal(st.stdout, 'true\n');
});

test('unknown containers and images give "No such ..." (404)', async () => {
  const logs = await e.docker(['logs', 'nosuchctr']);
  assert.equal(logs.code, 1);
  assert.match(logs.stderr, /Error response from daemon: No such container: nosuchctr/);
  const stop = await e.docker(['stop', 'nosuchctr']);
  assert.equal(stop.code, 1);
  assert.match(stop.stderr, /No such container: nosuchctr/);
  const insp = await e.docker(['inspect', 'nosuchctr']);
  assert.equal(insp.code, 1);
  assert.match(insp.stderr, /Error: No such object: nosuchctr/);
  const rmi = await e.docker(['rmi', 'nosuchimage']);
  assert.equal(rmi.code, 1);
  assert.match(rmi.stderr, /No such image: nosuchimage:latest/);
  assert.equal((await rawRequest(e.socketPath, 'GET', '/containers/nosuchctr/json')).status, 404);
  assert.equal((await rawRequest(e.socketPath, 'GET', '/images/nosuchimage/json')).status, 404);
});

test('removing a running container without -f is a conflict (409)', async () => {
  const name = e.name('running');
  assert.equal((await e.docker(['run', '-d', '--name', name, 'busybox', 'sleep', '100'])).code, 0);
  const r = await e.docker(['rm', name]);
  assert.equal(r.code, 1);
  // 20.10: "You cannot remove a running container <id>. Stop the container before attempting removal
  // or force remove"; a v1.50 engine: "cannot remove container "/<name>": container is running: stop
  // the container before removing or force remove".
  assert.match(r.stderr, /running container|container is running/);
  assert.equal((await rawRequest(e.socketPath, 'DELETE', `/containers/${name}`)).status, 409);
  assert.equal((await e.docker(['rm', '-f', name])).code, 0);
});

test('exec and pause on a stopped container are conflicts', async () => {
  const name = e.name('stopped');
  const c = await e.docker(['create', '--name', name, 'busybox', 'true']);
  assert.equal(c.code, 0, c.stderr);
  const id = c.stdout.trim();
  const ex = await e.docker(['exec', name, 'true']);
  assert.equal(ex.code, 1);
  assert.match(ex.stderr, new RegExp(`Container ${id} is not running`));
  const pause = await e.docker(['pause', name]);
  assert.equal(pause.code, 1);
  assert.match(pause.stderr, /is not running/);
});

test('run on an unknown network exits 125', async () => {
  const r = await e.docker(['run', '--rm', '--network', 'nosuchnet', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /network nosuchnet not found/);
});

test('create with wrongly typed fields is refused with Go\'s decoding message', async () => {
  const cases: Array<[unknown, string]> = [
    [{ Image: 123 }, 'cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string'],
    [{ Image: 'busybox', Env: 'A=1' }, 'cannot unmarshal string into Go struct field ContainerConfigWrapper.Env of type []string'],
    [{ Image: 'busybox', Labels: { a: 1 } }, 'cannot unmarshal number into Go struct field ContainerConfigWrapper.Labels of type string'],
    [{ Image: 'busybox', Cmd: 5 }, 'cannot unmarshal number into Go struct field ContainerConfigWrapper.Cmd of type string'],
    [{ Image: 'busybox', HostConfig: 5 }, 'cannot unmarshal number into Go struct field ContainerConfigWrapper.HostConfig of type container.HostConfig'],
    [{ Image: 'busybox', HostConfig: { Memory: 'x' } }, 'cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64'],
    [{ Image: 'busybox', NetworkingConfig: { EndpointsConfig: 5 } },
      'cannot unmarshal number into Go struct field NetworkingConfig.NetworkingConfig.EndpointsConfig of type map[string]*network.EndpointSettings'],
  ];
  for (const [body, message] of cases) {
    const r = await rawRequest(e.socketPath, 'POST', '/containers/create', JSON.stringify(body), { 'Content-Type': 'application/json' });
    // 20.10 answers these with 500; a v1.50 engine with 400.
    assert.equal(r.status, e.kind === 'reference' ? 500 : 400, JSON.stringify(body));
    assert.equal(JSON.parse(r.body).message, `json: ${message}`);
  }
});
