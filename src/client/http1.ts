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

/** Bounds of what the reader buffers while waiting for a line end: a server that never sends one
 * gets an error, not an ever-growing buffer. */
const MAX_HEADER_BYTES = 1024 * 1024;
const MAX_CHUNK_LINE = 4096;

/** A chunk size: hexadecimal digits, optionally followed by extensions (";name=value"). */
function chunkSize(line: string): number {
  const m = /^([0-9a-fA-F]+)[ \t]*(?:;.*)?$/.exec(line);
  const size = m ? parseInt(m[1], 16) : NaN;
  if (!Number.isSafeInteger(size)) throw new Error(`malformed chunked encoding: invalid chunk size "${line}"`);
  return size;
}

/** Decodes a response body (sized, chunked or until close) into the response stream. */
class BodyDecoder {
  private remaining: number;
  private chunkState: 'size' | 'data' | 'crlf' | 'trailer' | 'done' = 'size';
  private pending: Buffer = Buffer.alloc(0);
  private trailerBytes = 0;

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

  /** Takes the next part of the body; throws on malformed chunked framing. */
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
        this.checkLineBound(buf.length);
        this.pending = buf;
        return;
      }
      this.checkLineBound(nl + 2);
      const line = buf.subarray(0, nl).toString('latin1');
      buf = buf.subarray(nl + 2);
      if (this.chunkState === 'crlf') {
        if (line !== '') throw new Error('malformed chunked encoding: missing CRLF after chunk data');
        this.chunkState = 'size';
      } else if (this.chunkState === 'size') {
        this.remaining = chunkSize(line);
        this.chunkState = this.remaining === 0 ? 'trailer' : 'data';
      } else {
        this.trailerBytes += nl + 2;
        if (line === '') this.chunkState = 'done';
      }
    }
  }

  /** A framing line of `length` bytes so far: chunk size lines and the trailer section are bounded. */
  private checkLineBound(length: number): void {
    if (this.chunkState === 'trailer') {
      if (this.trailerBytes + length > MAX_HEADER_BYTES) {
        throw new Error(`malformed chunked encoding: trailer section exceeds ${MAX_HEADER_BYTES} bytes`);
      }
    } else if (length > MAX_CHUNK_LINE) throw new Error('malformed chunked encoding: chunk size line too long');
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
    /**
     * Ends the exchange with `e`: on the request before the response, else on the body. The body
     * errs on the next turn: a fault in the packet that carried the head is found before the
     * caller, who gets the response only then, can listen.
     */
    const fail = (e: Error) => {
      socket.destroy();
      if (!res) return reject(e);
      const body = res;
      setImmediate(() => body.destroy(e));
    };
    const feed = (data: Buffer) => {
      try {
        decoder!.feed(data);
      } catch (e) {
        fail(e as Error);
        return;
      }
      if (decoder!.finished) finish();
    };
    const onData = (data: Buffer) => {
      if (decoder) return feed(data);
      head = head.length ? Buffer.concat([head, data]) : data;
      const end = head.indexOf('\r\n\r\n');
      if ((end < 0 ? head.length : end + 4) > MAX_HEADER_BYTES) {
        fail(new Error(`malformed HTTP response: header section exceeds ${MAX_HEADER_BYTES} bytes`));
        return;
      }
      if (end < 0) return;
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const rest = head.subarray(end + 4);
      const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0]);
      if (!m) {
        fail(new Error(`malformed HTTP response: ${lines[0]}`));
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
      feed(rest);
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
    socket.on('error', fail);
  });
}
