// Shared helpers for the berth CLI golden tests: the reference engine, the bundled CLI, and
// running the same command through docker and berth for comparison.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BERTH = join(ROOT, 'bin', 'berth');
const REFERENCE = join(ROOT, '..', 'shared', 'tools', 'reference-dockerd');

export interface Result {
  stdout: string;
  stderr: string;
  code: number;
}

/** Starts (or finds) the reference dockerd and bundles the CLI; returns the DOCKER_HOST. */
export function setup(): string {
  if (!existsSync(REFERENCE)) throw new Error(`reference engine script missing: ${REFERENCE}`);
  const host = execFileSync(REFERENCE, ['start'], { encoding: 'utf8' }).trim().split('\n').pop()!;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  return host;
}

export function run(bin: string, args: string[], opts: { host: string; input?: string; env?: Record<string, string> }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      env: { ...process.env, DOCKER_HOST: opts.host, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: code ?? -1 });
    });
    // A command that never reads its input may exit before we finish writing it.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/**
 * go-units durations ("3 seconds", "Less than a second") -> "<dur>"; column padding is
 * collapsed too, since a duration that changed between the two runs changes column widths.
 */
export function maskDurations(s: string): string {
  return s
    .replace(/(Less than a second|About a minute|About an hour|\d+ (second|minute|hour|day|week|month|year)s?)/g, '<dur>')
    .replace(/ {2,}/g, '  ');
}

/** docker's output with the program name as berth prints it. */
export function asBerth(s: string): string {
  return s.replace(/\bdocker (?=[a-z\[-])/g, 'berth ').replace(/'docker/g, "'berth").replace(/^docker:/gm, 'berth:');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A throw-away Debian docker-registry on 127.0.0.1 (insecure by default for dockerd). */
export async function startRegistry(): Promise<{ address: string; stop: () => void }> {
  try {
    execFileSync('sh', ['-c', 'command -v docker-registry']);
  } catch {
    execFileSync('apt-get', ['install', '-y', '-q', 'docker-registry'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: 'ignore' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-registry-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const address = `127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const sock = netConnect(port, '127.0.0.1', () => {
        sock.destroy();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    stop: () => {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
