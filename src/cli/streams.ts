// Connects local stdio to a container or exec stream: hijacked connection, stdcopy demux for
// non-TTY output, raw terminal mode and SIGWINCH resizing for -t, half-close on stdin EOF.
import type { Duplex } from 'node:stream';
import { StdcopyDemuxer } from '../common/stdcopy.js';
import { EscapeScanner, parseDetachKeys } from './detach-keys.js';
import type { Engine } from '../client/engine.js';

export interface StreamOptions {
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** docker's key spec ("ctrl-p,ctrl-q" when unset) recognised in the local input. */
  detachKeys?: string;
}

export type StreamEnd = 'ended' | 'detached';

/** Pipes a hijacked connection to the local stdio; resolves when the output ends or the user detaches. */
export async function pumpStreams(socket: Duplex, head: Buffer, opts: StreamOptions): Promise<StreamEnd> {
  const scanner = opts.stdin ? new EscapeScanner(parseDetachKeys(opts.detachKeys || 'ctrl-p,ctrl-q')) : undefined;
  let detached = false;
  const { spawnSync } = opts.stdin && opts.tty && process.stdin.isTTY && process.stdout.isTTY ? await import('node:child_process') : { spawnSync: undefined };
  const write = (fd: 'out' | 'err', b: Buffer) => (fd === 'out' ? process.stdout.write(b) : process.stderr.write(b));
  const demux = new StdcopyDemuxer((id, payload) => write(id === 2 ? 'err' : 'out', payload));
  const onData = (c: Buffer) => (opts.tty ? write('out', c) : demux.push(c));
  if (head.length) onData(head);
  socket.on('data', onData);
  let restoreTerminal = () => {};
  const stdin = process.stdin;
  if (opts.stdin) {
    // docker switches the terminal to raw mode only when it forwards a terminal's input.
    if (opts.tty && stdin.isTTY) {
      stdin.setRawMode(true);
      // libuv's raw mode keeps output post-processing (\n -> \r\n); the remote TTY already does it.
      if (spawnSync) spawnSync('stty', ['-opost'], { stdio: [1, 'ignore', 'ignore'] });
      restoreTerminal = () => {
        stdin.setRawMode(false);
        if (spawnSync) spawnSync('stty', ['opost'], { stdio: [1, 'ignore', 'ignore'] });
      };
    }
    stdin.on('data', (c: Buffer) => {
      const fed = scanner!.feed(c);
      if (fed === 'detach') {
        detached = true;
        socket.destroy();
        return;
      }
      if (fed.length) socket.write(fed);
    });
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
      resolve(detached ? 'detached' : 'ended');
    };
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', done);
  });
}

/**
 * Keeps the remote TTY size in step with the local terminal (initially and on SIGWINCH).
 * `nudge` first sets a size one larger, as docker attach does, so the program redraws.
 */
export function monitorTtySize(engine: Engine, resizePath: string, nudge = false): () => void {
  if (!process.stdout.isTTY) return () => {};
  const resizeTo = (h: number, w: number) => engine.call('POST', resizePath, { query: { h, w } }).catch(() => {});
  const resize = () => resizeTo(process.stdout.rows, process.stdout.columns);
  if (nudge) resizeTo(process.stdout.rows + 1, process.stdout.columns + 1).then(resize);
  else resize();
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
