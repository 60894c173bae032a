// `stats`: CPU, memory, network, block I/O and PIDs per container, computed from the Engine
// API's stats the way docker does (CPU delta over system delta, memory minus page cache).
import type { Command } from '../command.js';
import type { Cli } from '../context.js';
import { renderList } from '../format/list.js';
import { truncateId } from '../format/names.js';
import { bytesSize, humanSize } from '../format/units.js';
import { formatFlag } from './shared.js';

interface Stats {
  id?: string;
  name?: string;
  cpu_stats: { cpu_usage: { total_usage: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage?: number };
  memory_stats: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op: string; value: number }> | null };
  pids_stats?: { current?: number };
}

const headers = {
  Container: 'CONTAINER',
  ID: 'CONTAINER ID',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};

function row(container: string, s: Stats, trunc: boolean): Record<string, string> {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats.cpu_usage?.total_usage ?? 0);
  const sysDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 1;
  const cpu = sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0;
  const st = s.memory_stats.stats ?? {};
  const cache = st.total_inactive_file ?? st.inactive_file ?? 0;
  const usage = Math.max(0, (s.memory_stats.usage ?? 0) - (cache < (s.memory_stats.usage ?? 0) ? cache : 0));
  const limit = s.memory_stats.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    if (e.op.toLowerCase() === 'read') read += e.value;
    if (e.op.toLowerCase() === 'write') write += e.value;
  }
  const id = s.id ?? '';
  return {
    Container: container,
    ID: trunc ? truncateId(id) : id,
    Name: (s.name ?? '').replace(/^\//, ''),
    CPUPerc: `${cpu.toFixed(2)}%`,
    MemUsage: `${bytesSize(usage)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit ? (usage / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: `${humanSize(rx, 3)} / ${humanSize(tx, 3)}`,
    BlockIO: `${humanSize(read, 3)} / ${humanSize(write, 3)}`,
    PIDs: String(s.pids_stats?.current ?? 0),
  };
}

async function sample(cli: Cli, name: string): Promise<Stats> {
  return cli.engine.get<Stats>(`/containers/${encodeURIComponent(name)}/stats`, { stream: false });
}

export const stats: Command = {
  name: 'stats',
  usage: '[OPTIONS] [CONTAINER...]',
  short: 'Display a live stream of container(s) resource usage statistics',
  aliasPaths: ['container stats', 'stats'],
  flags: [
    { name: 'all', short: 'a', kind: 'bool', usage: 'Show all containers (default shows just running)' },
    formatFlag(true),
    { name: 'no-stream', kind: 'bool', usage: 'Disable streaming stats and only pull the first result' },
    { name: 'no-trunc', kind: 'bool', usage: 'Do not truncate output' },
  ],
  async run(cli, flags, args) {
    let names = args;
    if (!names.length) {
      const list = await cli.engine.get<Array<{ Id: string }>>('/containers/json', { all: flags.bool('all') || undefined });
      names = list.map((c) => c.Id);
    }
    const format = flags.string('format') || (cli.config.statsFormat as string | undefined) || '';
    const table = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
    const render = async () => {
      const rows = await Promise.all(names.map(async (n) => row(n, await sample(cli, n), !flags.bool('no-trunc'))));
      return renderList({ format, table, headers }, rows);
    };
    if (flags.bool('no-stream')) {
      cli.out(await render());
      return 0;
    }
    for (;;) {
      const text = await render();
      cli.out(process.stdout.isTTY ? `\x1b[2J\x1b[H${text}` : text);
    }
  },
};
