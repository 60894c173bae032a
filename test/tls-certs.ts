// Throw-away TLS material for tests (openssl): a CA signing a server certificate for 127.0.0.1 and
// localhost and a client certificate, an unrelated CA signing another client certificate, and a
// DOCKER_CERT_PATH layout (certs/ca.pem, cert.pem, key.pem) of the first CA and client.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeCerts(dir: string): void {
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ca = (name: string, cn: string) =>
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-days', '1', '-subj', `/CN=${cn}`]);
  const signed = (name: string, cn: string, ext: string, by = 'ca') => {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${by}.pem`, '-CAkey', `${by}-key.pem`, '-CAcreateserial', '-out', `${name}-cert.pem`, '-days', '1', '-extfile', `${name}.ext`]);
  };
  ca('ca', 'berth test CA');
  ca('other', 'unrelated CA');
  signed('server', 'localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  signed('client', 'client', 'extendedKeyUsage=clientAuth\n');
  signed('stranger', 'stranger', 'extendedKeyUsage=clientAuth\n', 'other');
  mkdirSync(join(dir, 'certs'));
  copyFileSync(join(dir, 'ca.pem'), join(dir, 'certs', 'ca.pem'));
  copyFileSync(join(dir, 'client-cert.pem'), join(dir, 'certs', 'cert.pem'));
  copyFileSync(join(dir, 'client-key.pem'), join(dir, 'certs', 'key.pem'));
}
