// Typed Engine API client: negotiates the API version with /_ping, sends JSON requests, exposes
// streaming bodies and hijacked connections. Used by the CLI; works against berthd and dockerd.
import type { HttpResponse as IncomingMessage } from './http1.js';
import type { Duplex, Readable } from 'node:stream';
import { ApiError, TlsError } from './errors.js';
import { hijack, parseHost, send, type Endpoint, type HijackResult, type TlsSettings } from './transport.js';
import type { ProgressMessage } from './types.js';

/** The newest API version this client speaks. */
export const CLIENT_API_VERSION = '1.50';

export type Query = Record<string, string | number | boolean | undefined | null | string[]>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A raw body stream (tar archives); sent with `contentType`. */
  stream?: Readable;
  contentType?: string;
  headers?: Record<string, string>;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function encodeQuery(q: Query | undefined): string {
  if (!q) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null) continue;
    const values = Array.isArray(v) ? v : [String(v)];
    for (const s of values) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function errorFrom(res: IncomingMessage): Promise<ApiError> {
  const text = (await readBody(res)).toString('utf8');
  let message = text.trim();
  try {
    const parsed = JSON.parse(text) as { message?: string };
    if (typeof parsed.message === 'string') message = parsed.message.trim();
  } catch {
    // plain-text error bodies are used as they are
  }
  if (!message) message = `${res.statusCode} ${res.statusMessage ?? ''}`.trim();
  return new ApiError(res.statusCode ?? 500, message);
}

export class Engine {
  readonly endpoint: Endpoint;
  private version: string | undefined;
  private negotiating: Promise<string> | undefined;

  constructor(host: string, pinnedVersion?: string, tls?: TlsSettings) {
    this.endpoint = parseHost(host, tls);
    this.version = pinnedVersion;
  }

  /** The API version in use, negotiated with the daemon on first use. */
  apiVersion(): Promise<string> {
    if (this.version) return Promise.resolve(this.version);
    this.negotiating ??= send(this.endpoint, { method: 'GET', path: '/_ping' }).then((res) => {
      res.resume();
      const server = res.headers['api-version'];
      const v = typeof server === 'string' && compareVersions(server, CLIENT_API_VERSION) < 0 ? server : CLIENT_API_VERSION;
      this.version = v;
      return v;
    }, (e: unknown) => {
      // As docker: a failed handshake on the ping is reported by the request that follows.
      if (!(e instanceof TlsError)) throw e;
      this.version = CLIENT_API_VERSION;
      return CLIENT_API_VERSION;
    });
    return this.negotiating;
  }

  private async prepare(method: string, path: string, opts: RequestOptions) {
    const v = await this.apiVersion();
    const headers: Record<string, string> = { ...opts.headers };
    let body: Buffer | Readable | undefined;
    if (opts.stream) {
      body = opts.stream;
      headers['Content-Type'] = opts.contentType ?? 'application/x-tar';
    } else if (opts.body !== undefined) {
      body = Buffer.from(JSON.stringify(opts.body));
      headers['Content-Type'] = 'application/json';
    }
    return { method, path: `/v${v}${path}${encodeQuery(opts.query)}`, headers, body };
  }

  /**
   * GET on an unversioned path (the daemon's newest API), for answers that themselves tell
   * the API version (/version): saves the /_ping round trip.
   */
  async getUnversioned<T>(path: string): Promise<T> {
    const res = await send(this.endpoint, { method: 'GET', path });
    if ((res.statusCode ?? 500) >= 400) throw await errorFrom(res);
    return JSON.parse((await readBody(res)).toString('utf8')) as T;
  }

  /** Adopts the daemon's API version (capped at ours) when it is already known. */
  adoptVersion(server: string): void {
    this.version ??= compareVersions(server, CLIENT_API_VERSION) < 0 ? server : CLIENT_API_VERSION;
  }

  /** Sends a request; rejects with ApiError on an error status. The body is left unread. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const res = await send(this.endpoint, await this.prepare(method, path, opts));
    if ((res.statusCode ?? 500) >= 400) throw await errorFrom(res);
    return res;
  }

  /** Sends a request and parses the JSON answer (undefined for an empty body). */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const text = (await readBody(res)).toString('utf8');
    return (text.trim() ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>('GET', path, { query });
  }

  /** Sends a request whose answer is read and discarded. */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<void> {
    const res = await this.request(method, path, opts);
    await readBody(res);
  }

  /** Upgrades the connection to a raw bidirectional stream (attach, exec start). */
  async hijack(method: string, path: string, opts: RequestOptions = {}): Promise<{ socket: Duplex; head: Buffer }> {
    const req = await this.prepare(method, path, opts);
    const result: HijackResult = await hijack(this.endpoint, req);
    if (result.upgraded) return { socket: result.socket, head: result.head };
    if ((result.response.statusCode ?? 500) >= 400) throw await errorFrom(result.response);
    const res = result.response;
    return { socket: res.socket as Duplex, head: Buffer.alloc(0) };
  }
}

/** Iterates the non-empty lines of a stream of JSON messages, as pull, push, load and events send them. */
export async function* jsonLines(res: Readable): AsyncGenerator<string> {
  let buf = '';
  for await (const chunk of res) {
    buf += (chunk as Buffer).toString('utf8');
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield line;
    }
  }
  if (buf.trim()) yield buf.trim();
}

/** Iterates a stream of JSON messages (one per line). */
export async function* jsonMessages<T = ProgressMessage>(res: Readable): AsyncGenerator<T> {
  for await (const line of jsonLines(res)) yield JSON.parse(line) as T;
}

export { readBody };
