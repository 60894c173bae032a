// Connections to the engine: where it listens (unix socket or TCP), plain requests, and
// hijacked (upgraded) connections for attach and exec.
import type { Duplex, Readable } from 'node:stream';
import { ConnectError, TlsError } from './errors.js';
import { httpRequest, type HttpResponse, type TlsSettings } from './http1.js';

export interface Endpoint {
  /** The host as the user wrote it (unix:///path, tcp://host:port), for messages. */
  display: string;
  socketPath?: string;
  host?: string;
  port?: number;
  /** Set for tcp endpoints spoken to over https. */
  tls?: TlsSettings;
}

export type { TlsSettings };

export function parseHost(host: string, tls?: TlsSettings): Endpoint {
  if (host.startsWith('unix://')) return { display: host, socketPath: host.slice('unix://'.length) };
  if (host.startsWith('/')) return { display: `unix://${host}`, socketPath: host };
  const m = /^(?:tcp|http|https):\/\/([^:/]*)(?::(\d+))?\/?$/.exec(host);
  if (!m) throw new Error(`unable to parse docker host \`${host}\``);
  return { display: host, host: m[1] || '127.0.0.1', port: m[2] ? Number(m[2]) : tls ? 2376 : 2375, tls };
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

// Node's certificate verification codes, in Go's crypto/x509 words (docker prints those).
const x509Text: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'x509: certificate signed by unknown authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'x509: certificate signed by unknown authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'x509: certificate signed by unknown authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'x509: certificate signed by unknown authority',
  CERT_HAS_EXPIRED: 'x509: certificate has expired or is not yet valid',
  CERT_NOT_YET_VALID: 'x509: certificate has expired or is not yet valid',
};

/** A failed TLS handshake, worded like Go's net/http error as docker prints it. */
function tlsFailure(ep: Endpoint, req: RawRequest, e: NodeJS.ErrnoException): Error | undefined {
  const code = e.code ?? '';
  let why: string | undefined;
  if (x509Text[code]) why = `tls: failed to verify certificate: ${x509Text[code]}`;
  else if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') why = `tls: failed to verify certificate: x509: ${e.message}`;
  else if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED') why = 'remote error: tls: certificate required';
  else if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) why = e.message;
  if (!why) return undefined;
  const method = req.method[0] + req.method.slice(1).toLowerCase();
  return new TlsError(ep.display, e, `error during connect: ${method} "https://${ep.host}:${ep.port}${req.path}": ${why}`);
}

async function wrapConnect<T>(ep: Endpoint, req: RawRequest, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (isConnectFailure(err)) throw new ConnectError(ep.display, e);
    throw (ep.tls && tlsFailure(ep, req, err)) || e;
  }
}

export async function send(ep: Endpoint, req: RawRequest): Promise<HttpResponse> {
  const headers = headersFor(ep, req, { Connection: 'close' });
  const out = await wrapConnect(ep, req, httpRequest(ep, { method: req.method, path: req.path, headers, body: req.body }, false));
  return out.res;
}

export type HijackResult = { upgraded: true; socket: Duplex; head: Buffer } | { upgraded: false; response: HttpResponse };

/** Sends a request asking to upgrade to a raw stream (`Upgrade: tcp`), as docker does for attach/exec. */
export async function hijack(ep: Endpoint, req: RawRequest): Promise<HijackResult> {
  const headers = headersFor(ep, req, { Connection: 'Upgrade', Upgrade: 'tcp' });
  const out = await wrapConnect(ep, req, httpRequest(ep, { method: req.method, path: req.path, headers, body: req.body }, true));
  if (out.kind === 'upgrade') return { upgraded: true, socket: out.socket, head: out.head };
  return { upgraded: false, response: out.res };
}
