// Integration-test harness: starts the engine under test (a private berthd, or the reference
// dockerd when BERTH_TEST_ENGINE=reference) and drives it through a docker client (the real docker
// CLI, or berth's own CLI when BERTH_TEST_CLIENT=berth), a pty for `-it` sessions, and raw HTTP on
// its unix socket.
//
// The busybox:latest image made for a private berthd is built like the reference engine's
// (/work/shared/tools/reference-dockerd) plus one extra account, `user` (uid/gid 1000), so that
// `-u user` works on berthd; tests that must also pass on the reference only use numeric ids.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { teardownDataRoot } from '../src/network/teardown.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The client under test: its name as it prints it in messages, and its executable. */
/** Starts Debian's dockerd beside berth as the behaviour oracle (from the shared tools next to the repository). */
export const REFERENCE_DOCKERD = path.join(REPO_ROOT, '..', 'shared', 'tools', 'reference-dockerd');
export const CLIENT_NAME = process.env.BERTH_TEST_CLIENT === 'berth' ? 'berth' : 'docker';
export const DOCKER = CLIENT_NAME === 'berth' ? path.join(REPO_ROOT, 'bin/berth') : '/usr/local/bin/docker';

/**
 * A pattern for a message that names the client program: `{cli}` in `source` stands for the
 * client's own name (`docker: Error …` is `berth: Error …` when berth is the client).
 */
export function clientMessage(source: string, flags?: string): RegExp {
  return new RegExp(source.replaceAll('{cli}', CLIENT_NAME), flags);
}

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
  /** `docker run -d --name <name> <args>`; returns the container ID, throws if the run fails. */
  runDetached(name: string, ...args: string[]): Promise<string>;
  /** `docker inspect -f <format> <name>`, trimmed ('' when the object does not exist). */
  inspect(name: string, format: string): Promise<string>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  restart(): Promise<void>;
  /** A private berthd's command-line flags and what it has logged so far (absent for the reference). */
  berthd?: { args: string[]; log(): string };
}

interface Lifecycle {
  /** Cleans up; receives the engine's name prefix. */
  stop(prefix: string): Promise<void>;
  kill9(): Promise<void>;
  restart(): Promise<void>;
}

function makeEngine(kind: Engine['kind'], host: string, lifecycle: Lifecycle): Engine {
  const prefix = newPrefix();
  let counter = 0;
  const docker = (args: string[], opts?: RunOptions): Promise<RunResult> => dockerAt(host, args, opts);
  return {
    kind,
    host,
    socketPath: socketOf(host),
    env: { DOCKER_HOST: host },
    prefix,
    name: (hint = 'c') => `${prefix}-${hint}-${++counter}`,
    docker,
    async runDetached(name, ...args) {
      const r = await docker(['run', '-d', '--name', name, ...args]);
      if (r.code !== 0) throw new Error(`docker run -d ${name} exited ${r.code}: ${r.stderr}`);
      return r.stdout.trim();
    },
    async inspect(name, format) {
      return (await docker(['inspect', '-f', format, name])).stdout.trim();
    },
    stop: () => lifecycle.stop(prefix),
    kill9: () => lifecycle.kill9(),
    restart: () => lifecycle.restart(),
  };
}

/** A TCP port that is free on the host right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs a command; never throws on a non-zero exit (a timeout kills it and yields code -1). */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 30_000);
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

/** The client under test against a given DOCKER_HOST. */
export function dockerAt(host: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(DOCKER, args, { ...opts, env: { DOCKER_HOST: host, ...opts.env } });
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request on the engine's unix socket; `body` may be a stream for huge uploads. A server
 * may answer and close before the whole body is sent: the answer it gave is still returned.
 */
export function rawRequest(
  socketPath: string,
  method: string,
  urlPath: string,
  body?: string | Buffer | NodeJS.ReadableStream,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answer: http.IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    const settle = (): void =>
      resolve({ status: answer?.statusCode ?? 0, headers: answer?.headers ?? {}, body: Buffer.concat(chunks).toString() });
    const fail = (err: Error): void => (answer ? settle() : reject(err));
    const req = http.request({ socketPath, method, path: urlPath, headers }, (res) => {
      answer = res;
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', settle);
      res.on('error', fail);
    });
    req.on('error', fail);
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

async function startBerthd(extraArgs: string[]): Promise<Engine> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-'));
  const sock = path.join(tmp, 'berth.sock');
  const host = `unix://${sock}`;
  const args = [
    path.join(REPO_ROOT, 'bin/berthd'),
    '--data-root', path.join(tmp, 'data'),
    '--exec-root', path.join(tmp, 'exec'),
    '-H', host,
    '--pidfile', path.join(tmp, 'berthd.pid'),
    ...extraArgs,
  ];
  const logFile = path.join(tmp, 'berthd.log');
  let daemon: ChildProcess | undefined;
  let answered = false; // the daemon came up at least once
  const launch = async (): Promise<void> => {
    const log = fs.openSync(logFile, 'a');
    daemon = spawn(process.execPath, args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    try {
      await waitForPing(sock, 20_000);
      answered = true;
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- berthd log ---\n${fs.readFileSync(logFile, 'utf8').slice(-4000)}`);
    }
  };
  const running = (): boolean => !!daemon && daemon.exitCode === null && daemon.signalCode === null;
  const exited = (): Promise<void> =>
    new Promise((r) => {
      if (!running()) r();
      else daemon?.once('exit', () => r());
    });
  const engine = makeEngine('berthd', host, {
    async stop() {
      // after a kill9() without restart() the containers still run: bring the daemon back to remove them
      if (answered && !running()) await launch().catch(() => undefined);
      if (daemon && running()) {
        await cleanup(host, '').catch(() => undefined);
        daemon.kill('SIGTERM');
        await Promise.race([exited(), sleep(10_000)]);
        if (running()) daemon.kill('SIGKILL');
      }
      for (const pid of pidsWithCmdline(path.join(tmp, 'exec'))) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      unmountUnder(tmp);
      await teardownDataRoot(path.join(tmp, 'data'));
      fs.rmSync(tmp, { recursive: true, force: true });
    },
    async kill9() {
      daemon?.kill('SIGKILL');
      await exited();
    },
    async restart() {
      await launch();
    },
  });
  engine.berthd = { args: args.slice(1), log: () => fs.readFileSync(logFile, 'utf8') };
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
  const r = await run(REFERENCE_DOCKERD, ['start'], { timeout: 120_000 });
  if (r.code !== 0) throw new Error(`reference-dockerd start failed: ${r.stderr}`);
  const host = r.stdout.trim().split('\n').pop() ?? '';
  const unsupported = async (): Promise<void> => {
    throw new Error('the reference engine is shared: it is never killed or restarted by tests');
  };
  return makeEngine('reference', host, { stop: (prefix) => cleanup(host, prefix), kill9: unsupported, restart: unsupported });
}

/** Starts the engine under test; call `stop()` from an after() hook. `berthdArgs` are extra flags for a private berthd. */
export function startEngine(berthdArgs: string[] = []): Promise<Engine> {
  return process.env.BERTH_TEST_ENGINE === 'reference' ? startReference() : startBerthd(berthdArgs);
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

/** Runs the client with `args` on a pty so `-it` behaves as on a terminal. */
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
