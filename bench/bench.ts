// `make bench`: berthd side by side with the reference engine (Debian's dockerd on its own
// socket and data-root), both driven by the same docker CLI, runs alternating, medians.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, existsSync } from 'node:fs';
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

/** The docker CLI with stdin read from `input` (a file), stdout discarded. */
function dockerWithInput(host: string, args: string[], input: string): Promise<void> {
  return new Promise((ok, fail) => {
    const fd = openSync(input, 'r');
    const p = spawn(DOCKER, args, { env: { ...process.env, DOCKER_HOST: host }, stdio: [fd, 'ignore', 'pipe'] });
    closeSync(fd);
    let stderr = '';
    p.stderr?.on('data', (d) => { stderr += d; });
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
  {
    name: 'run --rm -v name:/data true',
    setup: (h) => { docker(h, ['volume', 'create', 'bench-vol']); },
    run: (h) => { docker(h, ['run', '--rm', '--network', 'none', '-v', 'bench-vol:/data', 'busybox', 'true']); },
    teardown: (h) => { docker(h, ['volume', 'rm', 'bench-vol']); },
  },
  {
    // The image's VOLUME of 10 000 small files is copied into each run's new anonymous volume.
    name: 'volume copy-up, 10 000 files',
    setup: (h) => {
      docker(h, ['run', '--name', 'bench-cu-base', '--network', 'none', 'busybox', 'sh', '-c', 'mkdir /many && cd /many && i=0; while [ $i -lt 10000 ]; do echo $i > f$i; i=$((i+1)); done']);
      docker(h, ['commit', '-c', 'VOLUME /many', 'bench-cu-base', 'bench-cu']);
      docker(h, ['rm', 'bench-cu-base']);
    },
    run: (h) => { docker(h, ['run', '--rm', '--network', 'none', 'bench-cu', 'true']); },
    teardown: (h) => { docker(h, ['rmi', 'bench-cu']); },
  },
  {
    name: 'cp out, 200 MB directory',
    setup: (h) => { docker(h, ['run', '-d', '--name', 'bench-cp', '--network', 'none', 'busybox', 'sh', '-c', 'mkdir /big && i=0; while [ $i -lt 200 ]; do head -c 1048576 /dev/urandom > /big/f$i; i=$((i+1)); done; sleep 3600']); waitForFiles(h); },
    run: (h) => dockerAsync(h, ['cp', 'bench-cp:/big', '-']),
    teardown: (h) => { docker(h, ['rm', '-f', 'bench-cp']); },
  },
  {
    name: 'cp in, 200 MB directory',
    setup: (h) => { docker(h, ['run', '-d', '--name', 'bench-cpin', '--network', 'none', 'busybox', 'sleep', '3600']); },
    run: (h) => dockerWithInput(h, ['cp', '-', 'bench-cpin:/tmp'], bigTar()),
    teardown: (h) => { docker(h, ['rm', '-f', 'bench-cpin']); },
  },
];

/** Waits until bench-cp holds its 200 files. */
function waitForFiles(host: string): void {
  for (let i = 0; i < 600; i++) {
    if (spawnSync(DOCKER, ['exec', 'bench-cp', 'test', '-f', '/big/f199'], { env: { ...process.env, DOCKER_HOST: host } }).status === 0
      && spawnSync(DOCKER, ['exec', 'bench-cp', 'sh', '-c', '[ $(wc -c < /big/f199) -eq 1048576 ]'], { env: { ...process.env, DOCKER_HOST: host } }).status === 0) return;
    spawnSync('sleep', ['0.2']);
  }
  throw new Error('bench-cp did not make its files');
}

let tarFile: string | undefined;
/** A tar of a 200 MB directory (200 files of 1 MB) on the host, made once. */
function bigTar(): string {
  if (tarFile) return tarFile;
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-tar-'));
  execFileSync('sh', ['-c', `mkdir ${dir}/big && for i in $(seq 0 199); do head -c 1048576 /dev/urandom > ${dir}/big/f$i; done && tar -C ${dir} -cf ${dir}/big.tar big && rm -rf ${dir}/big`]);
  tarFile = join(dir, 'big.tar');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return tarFile;
}

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
    // BENCH_ONLY=<text> runs the scenarios whose name contains it.
    for (const sc of scenarios.filter((x) => x.name.includes(process.env.BENCH_ONLY ?? ''))) {
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
