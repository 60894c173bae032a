// TLS to the engine: a throw-away CA signs a server and a client certificate (openssl); a small
// TLS server in this process requires client certificates and forwards to the reference engine's
// unix socket. berth must connect with --tlsverify, DOCKER_TLS_VERIFY/DOCKER_CERT_PATH and a
// context holding the certificates, and fail with docker's own error text otherwise.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer, type Server } from 'node:tls';
import { BERTH, run, setup, type Result } from './cli-harness.js';
import { makeCerts } from './tls-certs.js';

let dir = '';
let server: Server | undefined;
let tcp = '';

function startProxy(socketPath: string): Promise<number> {
  const pem = (f: string) => readFileSync(join(dir, f));
  server = createServer({ key: pem('server-key.pem'), cert: pem('server-cert.pem'), ca: pem('ca.pem'), requestCert: true, rejectUnauthorized: true }, (s) => {
    const up = connect(socketPath);
    s.pipe(up).pipe(s);
    s.on('error', () => up.destroy());
    up.on('error', () => s.destroy());
  });
  server.on('tlsClientError', () => {});
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port)));
}

const both = async (args: string[], env: Record<string, string> = {}): Promise<[Result, Result]> => {
  const opts = { host: '', env: { DOCKER_CONFIG: join(dir, 'config'), ...env } };
  return [await run('docker', args, opts), await run(BERTH, args, opts)];
};
const tlsArgs = (ca: string) => ['-H', tcp, '--tlsverify', '--tlscacert', join(dir, ca), '--tlscert', join(dir, 'client-cert.pem'), '--tlskey', join(dir, 'client-key.pem')];

describe('berth over TLS', () => {
  before(async () => {
    const host = setup();
    dir = mkdtempSync(join(tmpdir(), 'berth-tls-'));
    makeCerts(dir);
    tcp = `tcp://127.0.0.1:${await startProxy(host.replace(/^unix:\/\//, ''))}`;
  });
  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with --tlsverify and the certificate flags', async () => {
    const [d, b] = await both([...tlsArgs('ca.pem'), 'version', '--format', '{{.Server.Version}}']);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, d.stdout);
  });

  it('rejects a server certificate from another CA with docker\'s error', async () => {
    const [d, b] = await both([...tlsArgs('other.pem'), 'ps']);
    assert.match(d.stderr, /certificate signed by unknown authority/);
    assert.deepEqual([b.stderr, b.code], [d.stderr, d.code]);
  });

  it('without a client certificate the server refuses, as docker reports it', async () => {
    const [d, b] = await both(['-H', tcp, '--tlsverify', '--tlscacert', join(dir, 'ca.pem'), 'ps']);
    // Go names its read loop in this error on some runs only.
    const stable = (text: string) => text.replaceAll('readLoopPeekFailLocked: ', '');
    assert.deepEqual([stable(b.stderr), b.code], [stable(d.stderr), d.code]);
  });

  it('a missing CA file fails before connecting, as with docker', async () => {
    const [d, b] = await both(['-H', tcp, '--tlsverify', '--tlscacert', join(dir, 'nope.pem'), 'ps']);
    assert.deepEqual([b.stderr, b.code], [d.stderr, d.code]);
  });

  it('uses DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
    const [d, b] = await both(['ps', '-a', '--format', '{{.ID}}'], { DOCKER_HOST: tcp, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(dir, 'certs') });
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, d.stdout);
  });

  it('uses the TLS material of a context', async () => {
    const spec = `host=${tcp},ca=${join(dir, 'ca.pem')},cert=${join(dir, 'client-cert.pem')},key=${join(dir, 'client-key.pem')}`;
    const opts = { host: '', env: { DOCKER_CONFIG: join(dir, 'ctx-config') } };
    const created = await run(BERTH, ['context', 'create', 'secure', '--docker', spec], opts);
    assert.equal(created.code, 0, created.stderr);
    const d = await run('docker', ['--context', 'secure', 'version', '--format', '{{.Server.Version}}'], opts);
    const b = await run(BERTH, ['--context', 'secure', 'version', '--format', '{{.Server.Version}}'], opts);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(b.stdout, d.stdout);
  });
});
