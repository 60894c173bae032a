// A small router for the Engine API: method + path patterns (`:name` matches one segment,
// `*name` matches the rest, for image names holding slashes), the `/v1.NN` version prefix,
// JSON bodies with a size limit, Docker-style error bodies, and hijacked (upgraded) connections.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { EngineError, invalid, tooLarge } from '../common/errors.js';
import { API_VERSION, MIN_API_VERSION } from '../common/api-version.js';

const JSON_LIMIT = 16 * 1024 * 1024;

export interface Ctx {
  req: IncomingMessage;
  /** Present for ordinary requests; absent on an Upgrade request until hijack(). */
  res?: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  apiVersion: string;
  /** The parsed JSON body (undefined when the body is empty). */
  json<T = any>(): Promise<T | undefined>;
  send(status: number, body?: unknown, headers?: Record<string, string>): void;
  /** Takes over the connection for a raw stream (attach, exec start). */
  hijack(contentType?: string): Duplex;
}

export type Handler = (ctx: Ctx) => Promise<void> | void;

interface Route { method: string; pattern: RegExp; names: string[]; handler: Handler }

export function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler): void {
    const names: string[] = [];
    const source = path.split('/').map((seg) => {
      if (seg.startsWith(':')) { names.push(seg.slice(1)); return '([^/]+)'; }
      if (seg.startsWith('*')) { names.push(seg.slice(1)); return '(.+)'; }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }).join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
  }

  get(p: string, h: Handler) { this.add('GET', p, h); }
  post(p: string, h: Handler) { this.add('POST', p, h); }
  put(p: string, h: Handler) { this.add('PUT', p, h); }
  delete(p: string, h: Handler) { this.add('DELETE', p, h); }
  head(p: string, h: Handler) { this.add('HEAD', p, h); }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => {
        try { params[n] = decodeURIComponent(m[i + 1]); } catch { throw invalid(`invalid URL escape in ${JSON.stringify(m[i + 1])}`); }
      });
      return { route, params };
    }
    return pathMatched ? 'method' : undefined;
  }

  /** Serves one request; `upgrade` carries the socket of an `Upgrade:` request. */
  async dispatch(req: IncomingMessage, res: ServerResponse | undefined, upgrade?: { socket: Duplex; head: Buffer }): Promise<void> {
    let hijacked: Duplex | undefined;
    const fail = (err: unknown) => {
      const status = err instanceof EngineError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (status >= 500) console.error(`${req.method} ${req.url}: ${err instanceof Error ? err.stack : err}`);
      if (hijacked) { hijacked.destroy(); return; }
      if (res) {
        if (res.headersSent) { res.destroy(); return; }
        // Read and drop an unread body so the client, still sending it, gets the answer.
        if (!req.complete) req.resume();
        writeJson(res, status, status === 304 ? undefined : { message });
      } else if (upgrade) {
        const body = JSON.stringify({ message }) + '\n';
        upgrade.socket.end(`HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      }
    };
    try {
      const url = new URL(req.url ?? '/', 'http://berth');
      let path = url.pathname.replace(/\/+$/, '') || '/';
      let apiVersion = API_VERSION;
      const vm = /^\/v([0-9]+\.[0-9]+)(\/.*)$/.exec(path);
      if (vm) {
        apiVersion = vm[1];
        path = vm[2];
        if (compareVersions(apiVersion, MIN_API_VERSION) < 0) {
          throw invalid(`client version ${apiVersion} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
        }
        if (compareVersions(apiVersion, API_VERSION) > 0) {
          throw invalid(`client version ${apiVersion} is too new. Maximum supported API version is ${API_VERSION}`);
        }
      }
      const method = req.method === 'HEAD' && !this.routes.some((r) => r.method === 'HEAD' && r.pattern.test(path)) ? 'GET' : req.method ?? 'GET';
      const found = this.match(method, path);
      if (found === undefined) throw new EngineError(404, 'page not found');
      if (found === 'method') throw new EngineError(405, 'method not allowed');
      const ctx: Ctx = {
        req, res, params: found.params, query: url.searchParams, apiVersion,
        json: () => (upgrade ? readUpgradeJson(req, upgrade) : readJson(req)),
        send: (status, body, headers) => {
          if (!res) throw new Error('send on an upgraded connection');
          writeJson(res, status, body, headers);
        },
        hijack: (contentType = 'application/vnd.docker.raw-stream') => {
          hijacked = takeOver(req, res, upgrade, contentType);
          return hijacked;
        },
      };
      await found.route.handler(ctx);
    } catch (err) {
      fail(err);
    }
  }
}

function statusText(status: number): string {
  return ({ 200: 'OK', 101: 'UPGRADED', 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 500: 'Internal Server Error' } as Record<number, string>)[status] ?? 'Error';
}

export function writeJson(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const text = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<any> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > JSON_LIMIT) { req.resume(); throw tooLarge(`request body is too large (limit ${JSON_LIMIT} bytes)`); }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > JSON_LIMIT) { req.resume(); throw tooLarge(`request body is too large (limit ${JSON_LIMIT} bytes)`); }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  const type = req.headers['content-type'];
  if (type && !/^application\/json\s*(;|$)/i.test(type)) {
    throw invalid(`Content-Type specified (${type}) must be 'application/json'`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid(`invalid JSON: ${(err as Error).message}`);
  }
}

/**
 * On an `Upgrade:` request Node leaves the body on the socket (in `head` and after it): take
 * Content-Length bytes from there and keep the rest for the stream (exec start sends JSON).
 */
async function readUpgradeJson(req: IncomingMessage, upgrade: { socket: Duplex; head: Buffer }): Promise<any> {
  const len = Number(req.headers['content-length'] ?? 0);
  if (len > JSON_LIMIT) throw tooLarge(`request body is too large (limit ${JSON_LIMIT} bytes)`);
  while (upgrade.head.length < len) {
    const chunk = await new Promise<Buffer | null>((resolve) => {
      const onData = (b: Buffer) => { done(); resolve(b); };
      const onEnd = () => { done(); resolve(null); };
      const done = () => { upgrade.socket.off('data', onData); upgrade.socket.off('end', onEnd); upgrade.socket.pause(); };
      upgrade.socket.on('data', onData).once('end', onEnd);
    });
    if (!chunk) break;
    upgrade.head = Buffer.concat([upgrade.head, chunk]);
  }
  const text = upgrade.head.subarray(0, len).toString('utf8').trim();
  upgrade.head = upgrade.head.subarray(len);
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid(`invalid JSON: ${(err as Error).message}`);
  }
}

/**
 * Turns the connection into a raw stream. For an `Upgrade: tcp` request docker answers
 * 101 UPGRADED; for a plain POST it answers 200 and streams on the same connection.
 */
function takeOver(req: IncomingMessage, res: ServerResponse | undefined, upgrade: { socket: Duplex; head: Buffer } | undefined, contentType: string): Duplex {
  if (upgrade) {
    upgrade.socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    if (upgrade.head.length) upgrade.socket.unshift(upgrade.head);
    return upgrade.socket;
  }
  const socket = req.socket;
  res!.detachSocket(socket);
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\n\r\n`);
  // The HTTP parser must not read what follows (the container's stdin) as a new request.
  socket.removeAllListeners('data');
  (socket as unknown as { parser?: unknown }).parser = null;
  return socket;
}
