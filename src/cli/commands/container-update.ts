// `container update`: changes resource limits and the restart policy of containers.
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { parseBytes } from '../format/units.js';
import { enc, forEachName } from './shared.js';

export const update: Command = {
  name: 'update',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Update configuration of one or more containers',
  aliasPaths: ['container update', 'update'],
  args: { min: 1 },
  flags: [
    { name: 'blkio-weight', kind: 'int', typeName: 'uint16', usage: 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)' },
    { name: 'cpu-period', kind: 'int', usage: 'Limit CPU CFS (Completely Fair Scheduler) period' },
    { name: 'cpu-quota', kind: 'int', usage: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
    { name: 'cpu-rt-period', kind: 'int', usage: 'Limit the CPU real-time period in microseconds' },
    { name: 'cpu-rt-runtime', kind: 'int', usage: 'Limit the CPU real-time runtime in microseconds' },
    { name: 'cpu-shares', short: 'c', kind: 'int', usage: 'CPU shares (relative weight)' },
    { name: 'cpus', kind: 'string', typeName: 'decimal', usage: 'Number of CPUs' },
    { name: 'cpuset-cpus', kind: 'string', usage: 'CPUs in which to allow execution (0-3, 0,1)' },
    { name: 'cpuset-mems', kind: 'string', usage: 'MEMs in which to allow execution (0-3, 0,1)' },
    { name: 'memory', short: 'm', kind: 'string', typeName: 'bytes', usage: 'Memory limit' },
    { name: 'memory-reservation', kind: 'string', typeName: 'bytes', usage: 'Memory soft limit' },
    { name: 'memory-swap', kind: 'string', typeName: 'bytes', usage: 'Swap limit equal to memory plus swap: -1 to enable unlimited swap' },
    { name: 'pids-limit', kind: 'int', usage: 'Tune container pids limit (set -1 for unlimited)' },
    { name: 'restart', kind: 'string', usage: 'Restart policy to apply when a container exits' },
  ],
  async run(cli, flags, args) {
    const body: Record<string, unknown> = {};
    const ints: Array<[string, string]> = [
      ['cpu-period', 'CpuPeriod'],
      ['cpu-quota', 'CpuQuota'],
      ['cpu-shares', 'CPUShares'],
      ['blkio-weight', 'BlkioWeight'],
      ['cpu-rt-period', 'CpuRealtimePeriod'],
      ['cpu-rt-runtime', 'CpuRealtimeRuntime'],
      ['pids-limit', 'PidsLimit'],
    ];
    for (const [flag, key] of ints) if (flags.changed(flag)) body[key] = flags.int(flag);
    const sizes: Array<[string, string]> = [
      ['memory', 'Memory'],
      ['memory-reservation', 'MemoryReservation'],
      ['memory-swap', 'MemorySwap'],
    ];
    for (const [flag, key] of sizes) {
      if (flags.changed(flag)) body[key] = flags.string(flag) === '-1' ? -1 : parseBytes(flags.string(flag));
    }
    if (flags.changed('cpus')) body.NanoCpus = Math.round(Number(flags.string('cpus')) * 1e9);
    if (flags.changed('cpuset-cpus')) body.CpusetCpus = flags.string('cpuset-cpus');
    if (flags.changed('cpuset-mems')) body.CpusetMems = flags.string('cpuset-mems');
    if (flags.changed('restart')) {
      const [n, c] = flags.string('restart').split(':');
      body.RestartPolicy = { Name: n, MaximumRetryCount: c ? Number(c) : 0 };
    }
    if (!Object.keys(body).length) throw new StatusError(1, 'you must provide one or more flags when using this command');
    return forEachName(cli, args, async (n) => {
      const r = await cli.engine.json<{ Warnings?: string[] | null }>('POST', `/containers/${enc(n)}/update`, { body });
      for (const w of r?.Warnings ?? []) cli.err(`${w}\n`);
    });
  },
};
