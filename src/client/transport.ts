// Connections to the engine: where it listens (unix socket or TCP), plain requests, and
// hijacked (upgraded) connections for attach and exec.
import type { Duplex, Readable } from 'node:stream';
import { ConnectError } from './errors.js';
import { httpRequest, type HttpResponse } from './http1.js';

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

export type { HttpResponse };

function isConnectFailure(e: NodeJS.ErrnoException): boolean {
  return ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT'].includes(
    e.code ?? '',
  );
}

function headersFor(ep: Endpoint, req: RawRequest, extra: Record<string, string>): Record<string, string> {
  const host = ep.socketPath ? 'api.moby.localhost' : `${ep.host}:${ep.port}`;
  return { Host: host, 'User-Agent': 'berth-cli', ...req.headers, ...extra };
}

async function wrapConnect<T>(ep: Endpoint, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw isConnectFailure(e as NodeJS.ErrnoException) ? new ConnectError(ep.display, e) : e;
  }
}

export async function send(ep: Endpoint, req: RawRequest): Promise<HttpResponse> {
  const headers = headersFor(ep, req, { Connection: 'close' });
  const out = await wrapConnect(ep, httpRequest(ep, { method: req.method, path: req.path, headers, body: req.body }, false));
  return out.res;
}

export type HijackResult = { upgraded: true; socket: Duplex; head: Buffer } | { upgraded: false; response: HttpResponse };

/** Sends a request asking to upgrade to a raw stream (`Upgrade: tcp`), as docker does for attach/exec. */
export async function hijack(ep: Endpoint, req: RawRequest): Promise<HijackResult> {
  const headers = headersFor(ep, req, { Connection: 'Upgrade', Upgrade: 'tcp' });
  const out = await wrapConnect(ep, httpRequest(ep, { method: req.method, path: req.path, headers, body: req.body }, true));
  if (out.kind === 'upgrade') return { upgraded: true, socket: out.socket, head: out.head };
  return { upgraded: false, response: out.res };
}
