// Connects local stdio to a container or exec stream: hijacked connection, stdcopy demux for
// non-TTY output, raw terminal mode and SIGWINCH resizing for -t, half-close on stdin EOF.
import type { Duplex } from 'node:stream';
import { StdcopyDemuxer } from '../client/stdcopy.js';
import type { Engine } from '../client/engine.js';

export interface StreamOptions {
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** Pipes a hijacked connection to the local stdio; resolves when the remote output ends. */
export async function pumpStreams(socket: Duplex, head: Buffer, opts: StreamOptions): Promise<void> {
  const { spawnSync } = opts.tty && process.stdout.isTTY ? await import('node:child_process') : { spawnSync: undefined };
  const write = (fd: 'out' | 'err', b: Buffer) => (fd === 'out' ? process.stdout.write(b) : process.stderr.write(b));
  const demux = new StdcopyDemuxer((id, payload) => write(id === 2 ? 'err' : 'out', payload));
  const onData = (c: Buffer) => (opts.tty ? write('out', c) : demux.push(c));
  if (head.length) onData(head);
  socket.on('data', onData);
  let restoreTerminal = () => {};
  if (spawnSync) {
    // libuv's raw mode keeps output post-processing (\n -> \r\n); the remote TTY already does it.
    spawnSync('stty', ['-opost'], { stdio: [1, 'ignore', 'ignore'] });
    restoreTerminal = () => spawnSync('stty', ['opost'], { stdio: [1, 'ignore', 'ignore'] });
  }
  if (opts.stdin) {
    const stdin = process.stdin;
    if (opts.tty && stdin.isTTY) {
      stdin.setRawMode(true);
      const restoreOutput = restoreTerminal;
      restoreTerminal = () => {
        stdin.setRawMode(false);
        restoreOutput();
      };
    }
    stdin.on('data', (c: Buffer) => socket.write(c));
    stdin.on('end', () => {
      if (!opts.tty || !stdin.isTTY) socket.end();
    });
    stdin.resume();
  }
  return new Promise((resolve) => {
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      restoreTerminal();
      process.stdin.pause();
      resolve();
    };
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', done);
  });
}

/** Keeps the remote TTY size in step with the local terminal (initially and on SIGWINCH). */
export function monitorTtySize(engine: Engine, resizePath: string): () => void {
  if (!process.stdout.isTTY) return () => {};
  const resize = () => {
    const { rows, columns } = process.stdout;
    engine.call('POST', resizePath, { query: { h: rows, w: columns } }).catch(() => {});
  };
  resize();
  process.on('SIGWINCH', resize);
  return () => process.off('SIGWINCH', resize);
}

const proxied: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Forwards signals the CLI receives to the container (--sig-proxy). */
export function proxySignals(engine: Engine, id: string): () => void {
  const handler = (sig: NodeJS.Signals) => {
    engine.call('POST', `/containers/${id}/kill`, { query: { signal: sig } }).catch(() => {});
  };
  for (const s of proxied) process.on(s, handler);
  return () => {
    for (const s of proxied) process.off(s, handler);
  };
}
