// HTTP listeners for the Engine API (unix sockets, and tcp with or without TLS), wired to the router.
import http from 'node:http';
import https from 'node:https';
import { chmodSync, unlinkSync, mkdirSync, chownSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Router } from './router.js';
import type { Daemon } from '../daemon/daemon.js';
import type { DaemonConfig } from '../daemon/config.js';
import { systemRoutes } from './routes/system.js';
import { imageRoutes } from './routes/images.js';
import { containerRoutes } from './routes/containers.js';
import { networkRoutes } from './routes/networks.js';
import { volumeRoutes } from './routes/volumes.js';

export function buildRouter(d: Daemon): Router {
  const r = new Router();
  systemRoutes(r, d);
  imageRoutes(r, d);
  containerRoutes(r, d);
  networkRoutes(r, d);
  volumeRoutes(r, d);
  return r;
}

function groupId(name: string): number | undefined {
  try {
    const line = execFileSync('getent', ['group', name], { encoding: 'utf8' });
    return Number(line.split(':')[2]);
  } catch {
    return undefined;
  }
}

export type ApiServer = http.Server | https.Server;

/**
 * The key, certificate and CA tcp hosts are served with (undefined without TLS), read before
 * anything starts so that a bad file stops berthd at once. With 'verify' a client must present a
 * certificate signed by the CA.
 */
export function loadTls(config: DaemonConfig): https.ServerOptions | undefined {
  if (config.tls !== 'on' && config.tls !== 'verify') return undefined;
  const read = (what: string, path: string) => {
    try { return readFileSync(path); } catch (err) {
      throw new Error(`invalid TLS configuration: could not read ${what} ${path}: ${(err as Error).message}`);
    }
  };
  const options: https.ServerOptions = { cert: read('certificate', config.tlsCert), key: read('key', config.tlsKey) };
  if (config.tls === 'verify') Object.assign(options, { ca: read('CA', config.tlsCaCert), requestCert: true, rejectUnauthorized: true });
  return options;
}

export async function listen(d: Daemon, router: Router, tls: https.ServerOptions | undefined): Promise<ApiServer[]> {
  const servers: ApiServer[] = [];
  for (const host of d.config.hosts) {
    const url = new URL(host.includes('://') ? host : `unix://${host}`);
    const tcp = url.protocol === 'tcp:' || url.protocol === 'http:';
    const serve = (req: http.IncomingMessage, res: http.ServerResponse) => { void router.dispatch(req, res); };
    const server = tcp && tls ? https.createServer({ ...tls, keepAlive: true }, serve) : http.createServer({ keepAlive: true }, serve);
    server.on('upgrade', (req, socket, head) => { void router.dispatch(req, undefined, { socket, head }); });
    server.on('clientError', (_err, socket) => { socket.destroy(); });
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    if (url.protocol === 'unix:') {
      const path = host.replace(/^unix:\/\//, '');
      mkdirSync(dirname(path), { recursive: true });
      try { unlinkSync(path); } catch { /* no stale socket */ }
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
      chmodSync(path, 0o660);
      const gid = groupId(d.config.group);
      if (gid !== undefined) chownSync(path, 0, gid);
    } else if (tcp) {
      if (d.config.tls !== 'verify') {
        console.error(`berthd: WARNING: binding to IP address without --tlsverify is insecure and gives root access on this machine to everyone who has access to your network. host="${host}"`);
      }
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(Number(url.port || (tls ? 2376 : 2375)), url.hostname || '0.0.0.0', resolve));
    } else {
      throw new Error(`invalid host: ${host}`);
    }
    servers.push(server);
  }
  return servers;
}
