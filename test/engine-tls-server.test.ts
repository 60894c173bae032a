// berthd's TLS on tcp hosts (berthd only): with --tlsverify and a server certificate, the docker CLI
// (certificate flags, or DOCKER_TLS_VERIFY/DOCKER_CERT_PATH), docker-py's TLSConfig and berth's CLI
// get answers; a client certificate from another CA is refused. A tcp host without TLS stops
// berthd before it starts, unless --tls=false says so explicitly (then it warns).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, run, startEngine, type Engine } from './harness.js';
import { makeCerts } from './tls-certs.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BERTHD = path.join(REPO, 'bin/berthd');
const BERTH = path.join(REPO, 'bin/berth');
const DOCKER = '/usr/local/bin/docker';
const PYTHON = '/usr/bin/python3';
const skip = process.env.BERTH_TEST_ENGINE === 'reference' && 'berthd only: the reference engine is shared and started without TLS';

let dir = '';
let tcp = '';
let e: Engine | undefined;
const pem = (f: string) => path.join(dir, f);
/** No client configuration of the host leaks in: an empty DOCKER_CONFIG, no TLS variables. */
const cleanEnv = () => ({ DOCKER_CONFIG: pem('config'), DOCKER_HOST: '', DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '', DOCKER_CONTEXT: '' });
const clientTls = (cert = 'client') => ['-H', tcp, '--tlsverify', '--tlscacert', pem('ca.pem'), '--tlscert', pem(`${cert}-cert.pem`), '--tlskey', pem(`${cert}-key.pem`)];

describe('berthd over TLS', { skip }, () => {
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'berthd-tls-'));
    makeCerts(dir);
    tcp = `tcp://127.0.0.1:${await freePort()}`;
    e = await startEngine(['-H', tcp, '--tlsverify', '--tlscacert', pem('ca.pem'), '--tlscert', pem('server-cert.pem'), '--tlskey', pem('server-key.pem')]);
  });
  after(async () => {
    await e?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the docker CLI with --tlsverify and the certificate flags gets version and ps', async () => {
    const v = await run(DOCKER, [...clientTls(), 'version', '--format', '{{.Server.Os}}'], { env: cleanEnv() });
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.trim(), 'linux');
    const ps = await run(DOCKER, [...clientTls(), 'ps', '-a', '--format', '{{.ID}}'], { env: cleanEnv() });
    assert.equal(ps.code, 0, ps.stderr);
  });

  test('the docker CLI with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH gets version and ps', async () => {
    const env = { ...cleanEnv(), DOCKER_HOST: tcp, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: pem('certs') };
    const v = await run(DOCKER, ['version', '--format', '{{.Server.Os}}'], { env });
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.trim(), 'linux');
    const ps = await run(DOCKER, ['ps'], { env });
    assert.equal(ps.code, 0, ps.stderr);
    assert.match(ps.stdout, /^CONTAINER ID/);
  });

  test('docker-py with docker.tls.TLSConfig lists containers and reads the version', async () => {
    const script = [
      'import sys, docker',
      'tls = docker.tls.TLSConfig(client_cert=(sys.argv[2], sys.argv[3]), ca_cert=sys.argv[4], verify=True)',
      'c = docker.DockerClient(base_url=sys.argv[1], tls=tls)',
      'print(c.version()["Os"], len(c.containers.list(all=True)) >= 0)',
    ].join('\n');
    const https = tcp.replace(/^tcp:/, 'https:');
    // requests would take an environment's CA bundle over the client's ca_cert
    const env = { ...cleanEnv(), REQUESTS_CA_BUNDLE: '', CURL_CA_BUNDLE: '' };
    const r = await run(PYTHON, ['-c', script, https, pem('client-cert.pem'), pem('client-key.pem'), pem('ca.pem')], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'linux True');
  });

  test("berth's CLI with --tlsverify gets version and runs a container", async () => {
    const v = await run(BERTH, [...clientTls(), 'version', '--format', '{{.Server.Os}}'], { env: cleanEnv() });
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.trim(), 'linux');
    const r = await run(BERTH, [...clientTls(), 'run', '--rm', 'busybox', 'echo', 'over tls'], { env: cleanEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'over tls\n');
  });

  test('a client certificate signed by another CA is refused', async () => {
    const r = await run(DOCKER, [...clientTls('stranger'), 'ps'], { env: cleanEnv() });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /tls: |certificate/);
    assert.doesNotMatch(r.stdout, /CONTAINER ID/);
  });

  test('without a client certificate the connection is refused', async () => {
    const r = await run(DOCKER, ['-H', tcp, '--tlsverify', '--tlscacert', pem('ca.pem'), 'ps'], { env: cleanEnv() });
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /CONTAINER ID/);
  });
});

describe('a tcp host without TLS', { skip }, () => {
  test('stops berthd before it touches anything, with the reason', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'berthd-notls-'));
    try {
      const host = `tcp://127.0.0.1:${await freePort()}`;
      const r = await run(process.execPath, [BERTHD, '--data-root', path.join(tmp, 'data'), '--exec-root', path.join(tmp, 'exec'),
        '--pidfile', path.join(tmp, 'berthd.pid'), '-H', host], { env: { DOCKER_TLS_VERIFY: '' } });
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, `berthd: failed to load listeners: ${host}: binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network; use --tlsverify with --tlscacert, --tlscert and --tlskey, or explicitly specify '--tls=false' to run without TLS\n`);
      assert.deepEqual((await run('ls', [tmp])).stdout, '', 'nothing is created');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('is served with a warning when --tls=false is given', async () => {
    const host = `tcp://127.0.0.1:${await freePort()}`;
    const plain = await startEngine(['-H', host, '--tls=false']);
    try {
      const v = await run(DOCKER, ['-H', host, 'version', '--format', '{{.Server.Os}}'], { env: { DOCKER_CONFIG: path.join(tmpdir(), 'berthd-notls-config') } });
      assert.equal(v.code, 0, v.stderr);
      assert.equal(v.stdout.trim(), 'linux');
      assert.match(plain.berthd!.log(), new RegExp(`WARNING: binding to IP address without --tlsverify is insecure .* host="${host}"`));
    } finally {
      await plain.stop();
    }
  });
});
