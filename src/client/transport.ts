// HTTP/1.1 to the engine over a unix socket or TCP: plain requests and hijacked (upgraded)
// connections for attach and exec.
import * as http from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { ConnectError } from './errors.js';

export interface Endpoint {
  /** The host as the user wrote it (unix:///path, tcp://host:port), for messages. */
  display: string;
  socketPath?: string;
  host?: string;
  port?: number;
}

export function parseHost(host: string): Endpoint {
  if (host.startsWith('unix://')) return { display: host, socketPath: host.slice('unix://'.length) };
  if (host.startsWith('/')) return { display: `unix://${host}`, socketPath: host };
  const m = /^(?:tcp|http):\/\/([^:/]*)(?::(\d+))?\/?$/.exec(host);
  if (!m) throw new Error(`unable to parse docker host \`${host}\``);
  return { display: host, host: m[1] || '127.0.0.1', port: m[2] ? Number(m[2]) : 2375 };
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | Readable;
}

const agent = new http.Agent({ keepAlive: true });

function baseOptions(ep: Endpoint, req: RawRequest): http.RequestOptions {
  const headers: Record<string, string> = { 'User-Agent': 'berth-cli', ...req.headers };
  const opts: http.RequestOptions = { method: req.method, path: req.path, headers, agent };
  if (ep.socketPath) {
    opts.socketPath = ep.socketPath;
    headers.Host = 'api.moby.localhost';
  } else {
    opts.host = ep.host;
    opts.port = ep.port;
  }
  return opts;
}

function isConnectFailure(e: NodeJS.ErrnoException): boolean {
  return ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT'].includes(
    e.code ?? '',
  );
}

function sendBody(r: http.ClientRequest, body: RawRequest['body']): void {
  if (body === undefined) r.end();
  else if (Buffer.isBuffer(body)) r.end(body);
  else body.pipe(r);
}

export function send(ep: Endpoint, req: RawRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const r = http.request(baseOptions(ep, req), resolve);
    r.on('error', (e: NodeJS.ErrnoException) => reject(isConnectFailure(e) ? new ConnectError(ep.display, e) : e));
    sendBody(r, req.body);
  });
}

export type HijackResult =
  | { upgraded: true; socket: Duplex; head: Buffer }
  | { upgraded: false; response: http.IncomingMessage };

/** Sends a request asking to upgrade to a raw stream (`Upgrade: tcp`), as docker does for attach/exec. */
export function hijack(ep: Endpoint, req: RawRequest): Promise<HijackResult> {
  return new Promise((resolve, reject) => {
    const opts = baseOptions(ep, req);
    opts.agent = false;
    Object.assign(opts.headers as Record<string, string>, { Connection: 'Upgrade', Upgrade: 'tcp' });
    const r = http.request(opts);
    r.on('upgrade', (_res, socket, head) => resolve({ upgraded: true, socket, head }));
    r.on('response', (response) => resolve({ upgraded: false, response }));
    r.on('error', (e: NodeJS.ErrnoException) => reject(isConnectFailure(e) ? new ConnectError(ep.display, e) : e));
    sendBody(r, req.body);
  });
}
