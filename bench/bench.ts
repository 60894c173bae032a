// `make bench`: berthd side by side with the reference engine (Debian's dockerd on its own
// socket and data-root), both driven by the same docker CLI, runs alternating, medians.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { teardownDataRoot } from '../src/network/teardown.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const DOCKER = '/usr/local/bin/docker';

interface Engine { name: string; host: string; pids: () => number[] }

function docker(host: string, args: string[], input?: Buffer): string {
  const r = spawnSync(DOCKER, args, { env: { ...process.env, DOCKER_HOST: host }, input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} on ${host}: ${r.stderr}`);
  return r.stdout.toString().trim();
}

async function timedAsync(fn: () => Promise<void>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function dockerAsync(host: string, args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    const p = spawn(DOCKER, args, { env: { ...process.env, DOCKER_HOST: host }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`docker ${args.join(' ')} on ${host} exited ${code}: ${stderr}`))));
  });
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function rssKb(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    try { return sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return sum; }
  }, 0);
}

function pgrep(pattern: string): number[] {
  const r = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

async function startBerthd(dir: string): Promise<{ engine: Engine; stop: () => void }> {
  const sock = join(dir, 'berth.sock');
  const exec = join(dir, 'exec');
  const child = spawn(process.execPath, [join(repo, 'bin/berthd'), '--data-root', join(dir, 'data'), '--exec-root', exec, '-H', `unix://${sock}`], { stdio: 'ignore' });
  const host = `unix://${sock}`;
  for (let i = 0; i < 200; i++) {
    if (spawnSync('curl', ['-sf', '--unix-socket', sock, 'http://berth/_ping']).status === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const rootfs = execFileSync(join(repo, 'scripts/busybox-rootfs.sh'), { maxBuffer: 64 << 20 });
  docker(host, ['import', '-c', 'CMD ["sh"]', '-', 'busybox:latest'], rootfs);
  return {
    engine: { name: 'berthd', host, pids: () => [child.pid!, ...pgrep(`containerd --config ${exec}/`)] },
    stop: () => {
      spawnSync(DOCKER, ['rm', '-f', ...docker(host, ['ps', '-aq']).split('\n').filter(Boolean)], { env: { ...process.env, DOCKER_HOST: host } });
      child.kill('SIGTERM');
      for (const pid of pgrep(`containerd --config ${exec}/`)) process.kill(pid, 'SIGTERM');
    },
  };
}

type Scenario = { name: string; run: (host: string) => Promise<void> | void; setup?: (host: string) => void; teardown?: (host: string) => void };

const scenarios: Scenario[] = [
  { name: 'run --rm --network none true', run: (h) => { docker(h, ['run', '--rm', '--network', 'none', 'busybox', 'true']); } },
  { name: 'run --rm true (bridge)', run: (h) => { docker(h, ['run', '--rm', 'busybox', 'true']); } },
  { name: 'run --rm -p 127.0.0.1::80 true', run: (h) => { docker(h, ['run', '--rm', '-p', '127.0.0.1::80', 'busybox', 'true']); } },
  {
    name: 'create + start + rm', run: (h) => {
      const id = docker(h, ['create', '--network', 'none', 'busybox', 'true']);
      docker(h, ['start', '-a', id]);
      docker(h, ['rm', id]);
    },
  },
  {
    name: '20 parallel run --rm true', run: async (h) => {
      await Promise.all(Array.from({ length: 20 }, () => dockerAsync(h, ['run', '--rm', 'busybox', 'true'])));
    },
  },
  {
    name: 'exec true',
    setup: (h) => { docker(h, ['run', '-d', '--name', 'bench-exec', '--network', 'none', 'busybox', 'sleep', '3600']); },
    run: (h) => { docker(h, ['exec', 'bench-exec', 'true']); },
    teardown: (h) => { docker(h, ['rm', '-f', 'bench-exec']); },
  },
];

async function main(): Promise<void> {
  const refHost = execFileSync(join(repo, '../shared/tools/reference-dockerd'), ['start'], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const reference: Engine = {
    name: 'dockerd', host: refHost,
    pids: () => [...pgrep('dockerd -H unix:///run/reference-docker/docker.sock'), ...pgrep('containerd --config /run/reference-docker/exec/')],
  };
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const berth = await startBerthd(dir);
  const engines = [berth.engine, reference];
  const rows: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  rows.push(`${pad('scenario', 34)} ${pad('berthd ms', 10)} ${pad('dockerd ms', 10)} ratio`);
  try {
    for (const sc of scenarios) {
      const times: Record<string, number[]> = { berthd: [], dockerd: [] };
      for (const e of engines) sc.setup?.(e.host);
      for (const e of engines) await sc.run(e.host); // warm-up
      for (let i = 0; i < ROUNDS; i++) {
        const order = i % 2 === 0 ? engines : [...engines].reverse();
        for (const e of order) times[e.name].push(await timedAsync(async () => { await sc.run(e.host); }));
      }
      for (const e of engines) sc.teardown?.(e.host);
      const b = median(times.berthd);
      const r = median(times.dockerd);
      rows.push(`${pad(sc.name, 34)} ${pad(b.toFixed(0), 10)} ${pad(r.toFixed(0), 10)} ${(b / r).toFixed(2)}`);
      console.log(rows[rows.length - 1]);
    }
    await new Promise((r) => setTimeout(r, 2000));
    const bRss = rssKb(berth.engine.pids());
    const rRss = rssKb(reference.pids());
    rows.push(`${pad('idle RSS (engine + containerd), MB', 34)} ${pad((bRss / 1024).toFixed(1), 10)} ${pad((rRss / 1024).toFixed(1), 10)} ${(bRss / rRss).toFixed(2)}`);
    console.log(rows[rows.length - 1]);
  } finally {
    berth.stop();
    await new Promise((r) => setTimeout(r, 500));
    await teardownDataRoot(join(dir, 'data'));
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${rows.join('\n')}`);
}

main().catch((err) => { console.error(err); process.exit(1); });
