// Integration-test harness: starts the engine under test (a private berthd, or the reference
// dockerd when BERTH_TEST_ENGINE=reference) and drives it through the real docker CLI, a pty
// for `-it` sessions, and raw HTTP on its unix socket.
//
// The busybox:latest image made for a private berthd is built like the reference engine's
// (/work/shared/tools/reference-dockerd) plus one extra account, `user` (uid/gid 1000), so that
// `-u user` works on berthd; tests that must also pass on the reference only use numeric ids.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DOCKER = '/usr/local/bin/docker';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as raw bytes, for binary streams. */
  raw: Buffer;
}

export interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  timeout?: number;
}

export interface Engine {
  kind: 'reference' | 'berthd';
  host: string;
  socketPath: string;
  env: Record<string, string>;
  /** Prefix for every container/image name a test file creates (lower-case, unique per start). */
  prefix: string;
  /** A fresh name under this engine's prefix. */
  name(hint?: string): string;
  docker(args: string[], opts?: RunOptions): Promise<RunResult>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  restart(): Promise<void>;
}

/** Runs a command; never throws on a non-zero exit (a timeout kills it and yields code -1). */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const raw = Buffer.concat(out);
      resolve({ code: code ?? -1, stdout: raw.toString(), stderr: Buffer.concat(err).toString(), raw });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** The docker CLI against a given DOCKER_HOST. */
export function dockerAt(host: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(DOCKER, args, { ...opts, env: { DOCKER_HOST: host, ...opts.env } });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request on the engine's unix socket; `body` may be a stream for huge uploads. */
export function rawRequest(
  socketPath: string,
  method: string,
  urlPath: string,
  body?: string | Buffer | NodeJS.ReadableStream,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

function socketOf(host: string): string {
  if (!host.startsWith('unix://')) throw new Error(`not a unix socket host: ${host}`);
  return host.slice('unix://'.length);
}

async function waitForPing(socketPath: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const r = await rawRequest(socketPath, 'GET', '/_ping');
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`engine on ${socketPath} did not answer /_ping within ${ms} ms`);
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns true or the deadline passes. */
export async function waitFor(probe: () => Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function newPrefix(): string {
  return `bt${randomBytes(4).toString('hex')}`;
}

/**
 * Removes the containers and images named under `prefix` (all containers when prefix is ''), and
 * the unused images labelled with `prefix` (tests label the images they import that way).
 */
async function cleanup(host: string, prefix: string): Promise<void> {
  const filter = prefix ? ['--filter', `name=^/?${prefix}`] : [];
  const ids = (await dockerAt(host, ['ps', '-aq', ...filter])).stdout.split('\n').filter(Boolean);
  if (ids.length) await dockerAt(host, ['rm', '-f', ...ids]);
  if (!prefix) return;
  const refs = (await dockerAt(host, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout
    .split('\n')
    .filter((r) => r.startsWith(prefix));
  if (refs.length) await dockerAt(host, ['rmi', '-f', ...refs]);
  await dockerAt(host, ['image', 'prune', '-a', '-f', '--filter', `label=${prefix}`]);
}

/** Builds the busybox rootfs the reference engine uses, plus `user` (1000:1000), as a tar stream. */
function busyboxRootfs(dir: string): void {
  if (!fs.existsSync('/usr/bin/busybox')) {
    execFileSync('apt-get', ['install', '-y', '-q', 'busybox-static'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: 'ignore',
    });
  }
  for (const d of ['bin', 'etc', 'tmp']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.copyFileSync('/usr/bin/busybox', path.join(dir, 'bin/busybox'));
  fs.chmodSync(path.join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync('/usr/bin/busybox', ['--list']).toString().split('\n').filter(Boolean);
  for (const a of applets) {
    const p = path.join(dir, 'bin', a);
    if (!fs.existsSync(p)) fs.symlinkSync('busybox', p);
  }
  fs.writeFileSync(
    path.join(dir, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\nuser:x:1000:1000:user:/tmp:/bin/sh\n',
  );
  fs.writeFileSync(path.join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\nuser:x:1000:\n');
  fs.chmodSync(path.join(dir, 'tmp'), 0o1777);
}

async function ensureBusybox(host: string, tmp: string): Promise<void> {
  if ((await dockerAt(host, ['image', 'inspect', 'busybox:latest'])).code === 0) return;
  const root = path.join(tmp, 'busybox-rootfs');
  busyboxRootfs(root);
  const tar = execFileSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 64 << 20 });
  fs.rmSync(root, { recursive: true, force: true });
  const r = await dockerAt(host, ['import', '-c', 'CMD ["sh"]', '-', 'busybox:latest'], { input: tar });
  if (r.code !== 0) throw new Error(`importing busybox failed: ${r.stderr}`);
}

/** Pids of processes whose command line contains `needle`. */
function pidsWithCmdline(needle: string): number[] {
  const pids: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${e}/cmdline`).toString().replace(/\0/g, ' ').includes(needle)) pids.push(Number(e));
    } catch {
      // process went away
    }
  }
  return pids;
}

function unmountUnder(dir: string): void {
  const mounts = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && (m === dir || m.startsWith(dir + '/')))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

async function startBerthd(): Promise<Engine> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-'));
  const sock = path.join(tmp, 'berth.sock');
  const host = `unix://${sock}`;
  const args = [
    path.join(REPO_ROOT, 'bin/berthd'),
    '--data-root', path.join(tmp, 'data'),
    '--exec-root', path.join(tmp, 'exec'),
    '-H', host,
    '--pidfile', path.join(tmp, 'berthd.pid'),
  ];
  const logFile = path.join(tmp, 'berthd.log');
  let daemon: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const log = fs.openSync(logFile, 'a');
    daemon = spawn(process.execPath, args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    try {
      await waitForPing(sock, 20_000);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- berthd log ---\n${fs.readFileSync(logFile, 'utf8').slice(-4000)}`);
    }
  };
  const exited = (): Promise<void> =>
    new Promise((r) => {
      if (!daemon || daemon.exitCode !== null || daemon.signalCode !== null) r();
      else daemon.once('exit', () => r());
    });
  const prefix = newPrefix();
  let counter = 0;
  const engine: Engine = {
    kind: 'berthd',
    host,
    socketPath: sock,
    env: { DOCKER_HOST: host },
    prefix,
    name: (hint = 'c') => `${prefix}-${hint}-${++counter}`,
    docker: (a, o) => dockerAt(host, a, o),
    async stop() {
      if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
        await cleanup(host, '').catch(() => undefined);
        daemon.kill('SIGTERM');
        await Promise.race([exited(), sleep(10_000)]);
        if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
      }
      for (const pid of pidsWithCmdline(path.join(tmp, 'exec'))) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      unmountUnder(tmp);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
    async kill9() {
      daemon?.kill('SIGKILL');
      await exited();
    },
    async restart() {
      await launch();
    },
  };
  try {
    await launch();
    await ensureBusybox(host, tmp);
  } catch (e) {
    await engine.stop();
    throw e;
  }
  return engine;
}

async function startReference(): Promise<Engine> {
  const r = await run('/work/shared/tools/reference-dockerd', ['start'], { timeout: 120_000 });
  if (r.code !== 0) throw new Error(`reference-dockerd start failed: ${r.stderr}`);
  const host = r.stdout.trim().split('\n').pop() ?? '';
  const prefix = newPrefix();
  let counter = 0;
  const unsupported = async (): Promise<void> => {
    throw new Error('the reference engine is shared: it is never killed or restarted by tests');
  };
  return {
    kind: 'reference',
    host,
    socketPath: socketOf(host),
    env: { DOCKER_HOST: host },
    prefix,
    name: (hint = 'c') => `${prefix}-${hint}-${++counter}`,
    docker: (a, o) => dockerAt(host, a, o),
    stop: () => cleanup(host, prefix),
    kill9: unsupported,
    restart: unsupported,
  };
}

/** Starts the engine under test; call `stop()` from an after() hook. */
export function startEngine(): Promise<Engine> {
  return process.env.BERTH_TEST_ENGINE === 'reference' ? startReference() : startBerthd();
}

/** An interactive session on a pseudo-terminal (util-linux `script`). */
export interface PtySession {
  /** Everything read so far (terminal output, CRs included). */
  output(): string;
  send(keys: string): void;
  /** Resolves once the output (after `from`, default: start) matches; rejects at the deadline. */
  expect(pattern: RegExp | string, ms?: number, from?: number): Promise<string>;
  /** Resolves with the command's exit code; kills it at the deadline. */
  exit(ms?: number): Promise<number>;
  kill(): void;
}

/** Runs `docker <args>` on a pty so `-it` behaves as on a terminal. */
export function withPty(engine: Engine, args: string[]): PtySession {
  const quoted = [DOCKER, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qefc', quoted, '/dev/null'], {
    env: { ...process.env, ...engine.env, TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (b: Buffer): void => {
    out += b.toString();
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  child.stdin.on('error', () => undefined);
  const done = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));
  return {
    output: () => out,
    send: (keys) => void child.stdin.write(keys),
    expect(pattern, ms = 10_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const tail = out.slice(from);
          const hit = typeof pattern === 'string' ? tail.includes(pattern) : pattern.test(tail);
          if (hit) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(tail);
          }
          return hit;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`pty: ${String(pattern)} not seen within ${ms} ms; output so far: ${JSON.stringify(out)}`));
        }, ms);
        if (!check()) waiters.add(check);
      });
    },
    async exit(ms = 10_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const code = await done;
      clearTimeout(timer);
      return code;
    },
    kill: () => void child.kill('SIGKILL'),
  };
}
