// A small HTTP/1.1 client over net sockets (unix or TCP). The Engine API needs only plain
// requests, chunked or sized bodies and connection upgrades; doing it here rather than with
// node:http keeps CLI start-up short (node:http costs several milliseconds to load).
import { connect, type Socket } from 'node:net';
import { Readable } from 'node:stream';

/** TLS settings for a tcp endpoint: PEM material and whether to verify the server. */
export interface TlsSettings {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  verify: boolean;
}

export interface ConnectTarget {
  socketPath?: string;
  host?: string;
  port?: number;
  tls?: TlsSettings;
}

export interface OutgoingRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | Readable;
}

/** A response body stream with the status line and (lower-cased) headers. */
export class HttpResponse extends Readable {
  statusCode = 0;
  statusMessage = '';
  headers: Record<string, string> = {};
  constructor(readonly socket: Socket) {
    super();
  }
  override _read(): void {
    this.socket.resume();
  }
}

export type Outcome = { kind: 'response'; res: HttpResponse } | { kind: 'upgrade'; socket: Socket; head: Buffer; res: HttpResponse };

function writeHead(socket: Socket, req: OutgoingRequest, chunked: boolean): void {
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(req.headers)) head += `${k}: ${v}\r\n`;
  if (Buffer.isBuffer(req.body)) head += `Content-Length: ${req.body.length}\r\n`;
  else if (chunked) head += 'Transfer-Encoding: chunked\r\n';
  else if (req.method !== 'GET' && req.method !== 'HEAD') head += 'Content-Length: 0\r\n';
  socket.write(`${head}\r\n`);
}

function sendBody(socket: Socket, body: OutgoingRequest['body']): void {
  if (!body) return;
  if (Buffer.isBuffer(body)) {
    socket.write(body);
    return;
  }
  body.on('data', (c: Buffer | string) => {
    const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c);
    if (!chunk.length) return;
    socket.write(`${chunk.length.toString(16)}\r\n`);
    socket.write(chunk);
    if (!socket.write('\r\n')) {
      body.pause();
      socket.once('drain', () => body.resume());
    }
  });
  body.on('end', () => socket.write('0\r\n\r\n'));
  body.on('error', (e) => socket.destroy(e));
}

/** Decodes a response body (sized, chunked or until close) into the response stream. */
class BodyDecoder {
  private remaining: number;
  private chunkState: 'size' | 'data' | 'crlf' | 'trailer' | 'done' = 'size';
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly res: HttpResponse,
    readonly mode: 'none' | 'length' | 'chunked' | 'close',
    length: number,
  ) {
    this.remaining = length;
  }

  get finished(): boolean {
    return this.mode === 'none' || (this.mode === 'length' && this.remaining === 0) || this.chunkState === 'done';
  }

  private emit(b: Buffer): void {
    if (b.length && !this.res.push(b)) this.res.socket.pause();
  }

  feed(data: Buffer): void {
    if (this.mode === 'close') return this.emit(data);
    if (this.mode === 'length') {
      const take = data.subarray(0, this.remaining);
      this.remaining -= take.length;
      this.emit(take);
      return;
    }
    if (this.mode !== 'chunked') return;
    let buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    this.pending = Buffer.alloc(0);
    while (buf.length && this.chunkState !== 'done') {
      if (this.chunkState === 'data') {
        const take = buf.subarray(0, this.remaining);
        this.remaining -= take.length;
        buf = buf.subarray(take.length);
        this.emit(take);
        if (this.remaining === 0) this.chunkState = 'crlf';
        continue;
      }
      const nl = buf.indexOf('\r\n');
      if (nl < 0) {
        this.pending = buf;
        return;
      }
      const line = buf.subarray(0, nl).toString('latin1');
      buf = buf.subarray(nl + 2);
      if (this.chunkState === 'crlf') this.chunkState = 'size';
      else if (this.chunkState === 'size') {
        this.remaining = parseInt(line.split(';')[0], 16);
        this.chunkState = this.remaining === 0 ? 'trailer' : 'data';
      } else if (this.chunkState === 'trailer' && line === '') this.chunkState = 'done';
    }
  }
}

/** Opens the connection; node:tls is loaded only for TLS endpoints (start-up cost). */
async function open(target: ConnectTarget): Promise<{ socket: Socket; ready: string }> {
  if (target.socketPath) return { socket: connect({ path: target.socketPath }), ready: 'connect' };
  const { tls } = target;
  if (!tls) return { socket: connect({ host: target.host!, port: target.port! }), ready: 'connect' };
  const { connect: tlsConnect } = await import('node:tls');
  const socket = tlsConnect({
    host: target.host!,
    port: target.port!,
    servername: /^[\d.]+$|:/.test(target.host!) ? undefined : target.host,
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    rejectUnauthorized: tls.verify,
  });
  return { socket, ready: 'secureConnect' };
}

/** Sends one request on a new connection. `upgrade` asks the server to switch protocols. */
export async function httpRequest(target: ConnectTarget, req: OutgoingRequest, upgrade: boolean): Promise<Outcome> {
  const { socket, ready } = await open(target);
  return new Promise((resolve, reject) => {
    const chunked = req.body !== undefined && !Buffer.isBuffer(req.body);
    socket.once(ready, () => {
      writeHead(socket, req, chunked);
      sendBody(socket, req.body);
    });
    let head: Buffer = Buffer.alloc(0);
    let res: HttpResponse | undefined;
    let decoder: BodyDecoder | undefined;
    const onData = (data: Buffer) => {
      if (decoder) {
        decoder.feed(data);
        if (decoder.finished) finish();
        return;
      }
      head = head.length ? Buffer.concat([head, data]) : data;
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const rest = head.subarray(end + 4);
      const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0]);
      if (!m) {
        socket.destroy();
        reject(new Error(`malformed HTTP response: ${lines[0]}`));
        return;
      }
      res = new HttpResponse(socket);
      res.statusCode = Number(m[1]);
      res.statusMessage = m[2];
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) res.headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      if (res.statusCode === 101 && upgrade) {
        socket.off('data', onData);
        socket.off('end', onEnd);
        resolve({ kind: 'upgrade', socket, head: rest, res });
        return;
      }
      const te = (res.headers['transfer-encoding'] ?? '').toLowerCase();
      const length = res.headers['content-length'];
      const noBody = req.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
      const mode = noBody ? 'none' : te.includes('chunked') ? 'chunked' : length !== undefined ? 'length' : 'close';
      decoder = new BodyDecoder(res, mode, Number(length ?? 0));
      resolve({ kind: 'response', res });
      if (rest.length) decoder.feed(rest);
      if (decoder.finished) finish();
    };
    const finish = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      res?.push(null);
      socket.end();
      socket.unref();
    };
    const onEnd = () => {
      if (res && decoder && !decoder.finished) {
        if (decoder.mode === 'close') res.push(null);
        else res.destroy(new Error('unexpected EOF'));
      } else if (!res) reject(Object.assign(new Error('connection closed before response'), { code: 'ECONNRESET' }));
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', (e) => {
      if (res) res.destroy(e);
      else reject(e);
    });
  });
}
