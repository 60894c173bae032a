// One sample of a container's resource usage in Docker's stats JSON shape, read from the
// cgroup v1 files of its cgroup (cpuacct, cpu, memory, pids, blkio) and from
// /proc/<pid>/net/dev for its interfaces. The CLI derives CPU % from two samples.
import { readFile } from 'node:fs/promises';
import { totalmem, cpus } from 'node:os';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';
const NS_PER_TICK = 1e9 / 100; // USER_HZ is 100 on Linux

export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface StatsSample {
  read: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: Record<string, BlkioEntry[] | null>;
  num_procs: number;
  storage_stats: Record<string, never>;
  cpu_stats: CpuStats;
  memory_stats: Record<string, unknown>;
  networks?: Record<string, Record<string, number>>;
}

interface BlkioEntry { major: number; minor: number; op: string; value: number }

const BLKIO_KEYS = ['io_service_bytes_recursive', 'io_serviced_recursive', 'io_queue_recursive', 'io_service_time_recursive',
  'io_wait_time_recursive', 'io_merged_recursive', 'io_time_recursive', 'sectors_recursive'];

// Without the CFQ scheduler only the throttle files count I/O (as Docker falls back to them).
const BLKIO_FILES: Record<string, string> = {
  io_service_bytes_recursive: 'blkio.throttle.io_service_bytes_recursive',
  io_serviced_recursive: 'blkio.throttle.io_serviced_recursive',
};

const read = (path: string): Promise<string> => readFile(path, 'utf8').catch(() => '');
const num = (text: string): number => Number(text.trim()) || 0;

function keyValues(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) out[k] = Number(v);
  }
  return out;
}

/** Lines like `8:0 Read 4096` (the `Total` line dropped), as Docker lists them. */
function blkioEntries(text: string): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):(\d+)\s+(\S+)\s+(\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3], value: Number(m[4]) });
  }
  return out;
}

/** The host's CPU time in nanoseconds, from the `cpu` line of /proc/stat (Docker's system_cpu_usage). */
async function systemCpuUsage(): Promise<number> {
  const line = (await read('/proc/stat')).split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  return line.split(/\s+/).slice(1, 8).reduce((sum, v) => sum + Number(v), 0) * NS_PER_TICK;
}

/** Per-interface counters of a process's network namespace, loopback left out. */
async function networks(pid: number): Promise<Record<string, Record<string, number>> | undefined> {
  const text = await read(`/proc/${pid}/net/dev`);
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    out[name.trim()] = {
      rx_bytes: f[0], rx_packets: f[1], rx_errors: f[2], rx_dropped: f[3],
      tx_bytes: f[8], tx_packets: f[9], tx_errors: f[10], tx_dropped: f[11],
    };
  }
  return Object.keys(out).length ? out : undefined;
}

/** A sample of the cgroup at `cgroupsPath` (as in the OCI spec) whose init process is `pid`. */
export async function sampleStats(cgroupsPath: string, pid: number, withNetworks: boolean): Promise<StatsSample> {
  const dir = (controller: string) => join(CGROUP_ROOT, controller, cgroupsPath);
  const [usage, percpu, cpuacct, throttle, memUsage, memMax, memLimit, memStat, failcnt, pidsCur, pidsMax, system, nets, ...blk] = await Promise.all([
    read(join(dir('cpuacct'), 'cpuacct.usage')), read(join(dir('cpuacct'), 'cpuacct.usage_percpu')),
    read(join(dir('cpuacct'), 'cpuacct.stat')), read(join(dir('cpu'), 'cpu.stat')),
    read(join(dir('memory'), 'memory.usage_in_bytes')), read(join(dir('memory'), 'memory.max_usage_in_bytes')),
    read(join(dir('memory'), 'memory.limit_in_bytes')), read(join(dir('memory'), 'memory.stat')),
    read(join(dir('memory'), 'memory.failcnt')),
    read(join(dir('pids'), 'pids.current')), read(join(dir('pids'), 'pids.max')),
    systemCpuUsage(), withNetworks ? networks(pid) : Promise.resolve(undefined),
    ...BLKIO_KEYS.map((k) => (BLKIO_FILES[k] ? read(join(dir('blkio'), BLKIO_FILES[k])) : Promise.resolve(''))),
  ]);
  const ticks = keyValues(cpuacct);
  const thr = keyValues(throttle);
  const limit = num(memLimit);
  const pidsLimit = pidsMax.trim() === 'max' ? undefined : num(pidsMax);
  const stats = keyValues(memStat);
  return {
    read: new Date().toISOString(),
    pids_stats: { current: num(pidsCur), ...(pidsLimit ? { limit: pidsLimit } : {}) },
    blkio_stats: Object.fromEntries(BLKIO_KEYS.map((k, i) => [k, blkioEntries(blk[i])])),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: {
      cpu_usage: {
        total_usage: num(usage),
        percpu_usage: percpu.trim() ? percpu.trim().split(/\s+/).map(Number) : undefined,
        usage_in_kernelmode: (ticks.system ?? 0) * NS_PER_TICK,
        usage_in_usermode: (ticks.user ?? 0) * NS_PER_TICK,
      },
      system_cpu_usage: system,
      online_cpus: cpus().length,
      throttling_data: { periods: thr.nr_periods ?? 0, throttled_periods: thr.nr_throttled ?? 0, throttled_time: thr.throttled_time ?? 0 },
    },
    memory_stats: {
      usage: num(memUsage), max_usage: num(memMax), stats, failcnt: num(failcnt),
      // No limit reads as a huge number: Docker shows the host's memory instead.
      limit: limit > 0 && limit < totalmem() ? limit : totalmem(),
    },
    ...(nets ? { networks: nets } : {}),
  };
}

/** What Docker answers for a container that is not running. */
export function emptyStats(): StatsSample {
  const zero = { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
  return {
    read: '0001-01-01T00:00:00Z', pids_stats: {}, blkio_stats: Object.fromEntries(BLKIO_KEYS.map((k) => [k, null])),
    num_procs: 0, storage_stats: {}, cpu_stats: zero, memory_stats: {},
  };
}
