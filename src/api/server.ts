// HTTP listeners for the Engine API (unix sockets and tcp), wired to the router.
import http from 'node:http';
import { chmodSync, unlinkSync, mkdirSync, chownSync } from 'node:fs';
import { dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Router } from './router.js';
import type { Daemon } from '../daemon/daemon.js';
import { systemRoutes } from './routes/system.js';
import { imageRoutes } from './routes/images.js';
import { containerRoutes } from './routes/containers.js';
import { networkRoutes } from './routes/networks.js';

export function buildRouter(d: Daemon): Router {
  const r = new Router();
  systemRoutes(r, d);
  imageRoutes(r, d);
  containerRoutes(r, d);
  networkRoutes(r, d);
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

export async function listen(d: Daemon, router: Router): Promise<http.Server[]> {
  const servers: http.Server[] = [];
  for (const host of d.config.hosts) {
    const server = http.createServer({ keepAlive: true }, (req, res) => { void router.dispatch(req, res); });
    server.on('upgrade', (req, socket, head) => { void router.dispatch(req, undefined, { socket, head }); });
    server.on('clientError', (_err, socket) => { socket.destroy(); });
    server.keepAliveTimeout = 0;
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    const url = new URL(host.includes('://') ? host : `unix://${host}`);
    if (url.protocol === 'unix:') {
      const path = host.replace(/^unix:\/\//, '');
      mkdirSync(dirname(path), { recursive: true });
      try { unlinkSync(path); } catch { /* no stale socket */ }
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
      chmodSync(path, 0o660);
      const gid = groupId(d.config.group);
      if (gid !== undefined) chownSync(path, 0, gid);
    } else if (url.protocol === 'tcp:' || url.protocol === 'http:') {
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(Number(url.port || 2375), url.hostname || '0.0.0.0', resolve));
    } else {
      throw new Error(`invalid host: ${host}`);
    }
    servers.push(server);
  }
  return servers;
}
