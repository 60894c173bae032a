// Container lifecycle and small queries: stop, kill, restart, rm, pause, unpause, wait, rename,
// prune, port, top, diff, update, commit, export.
import { createWriteStream } from 'node:fs';
import type { ContainerInspect } from '../../client/types.js';
import { ApiError } from '../../client/errors.js';
import type { Command } from '../command.js';
import { StatusError } from '../context.js';
import { tabwrite } from '../format/tabwriter.js';
import { filtersJSON } from '../format/names.js';
import { humanSize, parseBytes } from '../format/units.js';
import { confirm, forEachName, pipeAll } from './shared.js';

const enc = encodeURIComponent;

const stopFlags = [
  { name: 'signal', short: 's', kind: 'string' as const, usage: 'Signal to send to the container' },
  { name: 'timeout', short: 't', kind: 'int' as const, usage: 'Seconds to wait before killing the container' },
];

function stopQuery(flags: { string(n: string): string; changed(n: string): boolean; int(n: string): number }) {
  return { signal: flags.string('signal') || undefined, t: flags.changed('timeout') ? flags.int('timeout') : undefined };
}

export const stop: Command = {
  name: 'stop',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Stop one or more running containers',
  aliasPaths: ['container stop', 'stop'],
  args: { min: 1 },
  flags: stopFlags,
  run: (cli, flags, args) =>
    forEachName(cli, args, (n) => cli.engine.call('POST', `/containers/${enc(n)}/stop`, { query: stopQuery(flags) })),
};

export const restart: Command = {
  name: 'restart',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Restart one or more containers',
  aliasPaths: ['container restart', 'restart'],
  args: { min: 1 },
  flags: stopFlags,
  run: (cli, flags, args) =>
    forEachName(cli, args, (n) => cli.engine.call('POST', `/containers/${enc(n)}/restart`, { query: stopQuery(flags) })),
};

export const kill: Command = {
  name: 'kill',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Kill one or more running containers',
  aliasPaths: ['container kill', 'kill'],
  args: { min: 1 },
  flags: [{ name: 'signal', short: 's', kind: 'string', usage: 'Signal to send to the container' }],
  run: (cli, flags, args) =>
    forEachName(cli, args, (n) =>
      cli.engine.call('POST', `/containers/${enc(n)}/kill`, { query: { signal: flags.string('signal') || undefined } }),
    ),
};

export const rm: Command = {
  name: 'rm',
  aliases: ['remove'],
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  short: 'Remove one or more containers',
  aliasPaths: ['container rm', 'container remove', 'rm'],
  args: { min: 1 },
  flags: [
    { name: 'force', short: 'f', kind: 'bool', usage: 'Force the removal of a running container (uses SIGKILL)' },
    { name: 'link', short: 'l', kind: 'bool', usage: 'Remove the specified link' },
    { name: 'volumes', short: 'v', kind: 'bool', usage: 'Remove anonymous volumes associated with the container' },
  ],
  async run(cli, flags, args) {
    const force = flags.bool('force');
    try {
      return await forEachName(cli, args, (n) =>
        cli.engine.call('DELETE', `/containers/${enc(n)}`, {
          query: { force: force || undefined, v: flags.bool('volumes') || undefined, link: flags.bool('link') || undefined },
        }),
      );
    } catch (e) {
      // With --force, missing containers are reported but do not fail the command.
      if (force && e instanceof StatusError && e.message.split('\n').every((l) => /No such container/.test(l))) {
        cli.err(`${e.message}\n`);
        return 0;
      }
      throw e;
    }
  },
};

export const pause: Command = {
  name: 'pause',
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Pause all processes within one or more containers',
  aliasPaths: ['container pause', 'pause'],
  args: { min: 1 },
  flags: [],
  run: (cli, _f, args) => forEachName(cli, args, (n) => cli.engine.call('POST', `/containers/${enc(n)}/pause`)),
};

export const unpause: Command = {
  name: 'unpause',
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Unpause all processes within one or more containers',
  aliasPaths: ['container unpause', 'unpause'],
  args: { min: 1 },
  flags: [],
  run: (cli, _f, args) => forEachName(cli, args, (n) => cli.engine.call('POST', `/containers/${enc(n)}/unpause`)),
};

export const wait: Command = {
  name: 'wait',
  usage: 'CONTAINER [CONTAINER...]',
  short: 'Block until one or more containers stop, then print their exit codes',
  aliasPaths: ['container wait', 'wait'],
  args: { min: 1 },
  flags: [],
  run: (cli, _f, args) =>
    forEachName(cli, args, async (n) => {
      const r = await cli.engine.json<{ StatusCode: number }>('POST', `/containers/${enc(n)}/wait`);
      return String(r.StatusCode);
    }),
};

export const rename: Command = {
  name: 'rename',
  usage: 'CONTAINER NEW_NAME',
  short: 'Rename a container',
  aliasPaths: ['container rename', 'rename'],
  args: { min: 2, max: 2 },
  flags: [],
  async run(cli, _f, [oldName, newName]) {
    if (!newName.trim()) throw new StatusError(1, 'Error: Neither old nor new names may be empty');
    try {
      await cli.engine.call('POST', `/containers/${enc(oldName)}/rename`, { query: { name: newName } });
    } catch (e) {
      if (e instanceof ApiError) throw new StatusError(1, `Error response from daemon: ${e.message}\nError: failed to rename container named ${oldName}`);
      throw e;
    }
  },
};

export const prune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove all stopped containers',
  args: { min: 0, max: 0 },
  flags: [
    { name: 'filter', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', kind: 'bool', usage: 'Do not prompt for confirmation' },
  ],
  async run(cli, flags) {
    if (!flags.bool('force') && !(await confirm(cli, 'WARNING! This will remove all stopped containers.'))) return 0;
    const r = await cli.engine.json<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/containers/prune', {
      query: { filters: filtersJSON(flags.list('filter')) },
    });
    let out = '';
    if (r.ContainersDeleted?.length) out += `Deleted Containers:\n${r.ContainersDeleted.join('\n')}\n\n`;
    out += `Total reclaimed space: ${humanSize(r.SpaceReclaimed)}\n`;
    cli.out(out);
    return 0;
  },
};

export const port: Command = {
  name: 'port',
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  short: 'List port mappings or a specific mapping for the container',
  aliasPaths: ['container port', 'port'],
  args: { min: 1, max: 2 },
  flags: [],
  async run(cli, _f, [name, wanted]) {
    const info = await cli.engine.get<ContainerInspect>(`/containers/${enc(name)}/json`);
    const ports = info.NetworkSettings.Ports ?? {};
    const hostPort = (b: { HostIp: string; HostPort: string }) =>
      b.HostIp.includes(':') ? `[${b.HostIp}]:${b.HostPort}` : `${b.HostIp}:${b.HostPort}`;
    if (wanted) {
      const [p, proto = 'tcp'] = wanted.split('/');
      const key = `${p}/${proto}`;
      const bindings = ports[key];
      if (!bindings?.length) throw new StatusError(1, `Error: No public port '${wanted}' published for ${name}`);
      cli.out(bindings.map((b) => `${hostPort(b)}\n`).join(''));
      return;
    }
    const keys = Object.keys(ports).sort((a, b) => {
      const [pa, ta] = a.split('/');
      const [pb, tb] = b.split('/');
      return Number(pa) - Number(pb) || (ta < tb ? -1 : ta > tb ? 1 : 0);
    });
    let out = '';
    for (const k of keys) for (const b of ports[k] ?? []) out += `${k} -> ${hostPort(b)}\n`;
    cli.out(out);
  },
};

export const top: Command = {
  name: 'top',
  usage: 'CONTAINER [ps OPTIONS]',
  short: 'Display the running processes of a container',
  aliasPaths: ['container top', 'top'],
  interspersed: false,
  args: { min: 1 },
  flags: [],
  async run(cli, _f, [name, ...psArgs]) {
    const r = await cli.engine.get<{ Titles: string[]; Processes: string[][] }>(`/containers/${enc(name)}/top`, {
      ps_args: psArgs.length ? psArgs.join(' ') : undefined,
    });
    const lines = [r.Titles.join('\t'), ...(r.Processes ?? []).map((p) => p.join('\t'))];
    cli.out(tabwrite(`${lines.join('\n')}\n`, 20, 3));
  },
};

export const diff: Command = {
  name: 'diff',
  usage: 'CONTAINER',
  short: "Inspect changes to files or directories on a container's filesystem",
  aliasPaths: ['container diff', 'diff'],
  args: { min: 1, max: 1 },
  flags: [],
  async run(cli, _f, [name]) {
    const changes = await cli.engine.get<Array<{ Path: string; Kind: number }> | null>(`/containers/${enc(name)}/changes`);
    cli.out((changes ?? []).map((c) => `${'CAD'[c.Kind] ?? '?'} ${c.Path}\n`).join(''));
  },
};

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

export const commit: Command = {
  name: 'commit',
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  short: "Create a new image from a container's changes",
  aliasPaths: ['container commit', 'commit'],
  args: { min: 1, max: 2 },
  flags: [
    { name: 'author', short: 'a', kind: 'string', usage: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { name: 'change', short: 'c', kind: 'list', usage: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', kind: 'string', usage: 'Commit message' },
    { name: 'pause', short: 'p', kind: 'bool', usage: 'Pause container during commit', default: true },
  ],
  async run(cli, flags, [name, ref]) {
    let repo: string | undefined;
    let tag: string | undefined;
    if (ref) {
      const slash = ref.lastIndexOf('/');
      const colon = ref.lastIndexOf(':');
      if (colon > slash) {
        repo = ref.slice(0, colon);
        tag = ref.slice(colon + 1);
      } else repo = ref;
    }
    const r = await cli.engine.json<{ Id: string }>('POST', '/commit', {
      query: {
        container: name,
        repo,
        tag,
        author: flags.string('author') || undefined,
        comment: flags.string('message') || undefined,
        pause: flags.bool('pause'),
        changes: flags.list('change'),
      },
      body: {},
    });
    cli.out(`${r.Id}\n`);
  },
};

export const exportCommand: Command = {
  name: 'export',
  usage: '[OPTIONS] CONTAINER',
  short: "Export a container's filesystem as a tar archive",
  aliasPaths: ['container export', 'export'],
  args: { min: 1, max: 1 },
  flags: [{ name: 'output', short: 'o', kind: 'string', usage: 'Write to a file, instead of STDOUT' }],
  async run(cli, flags, [name]) {
    const out = flags.string('output');
    if (!out && process.stdout.isTTY) {
      throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    const res = await cli.engine.request('GET', `/containers/${enc(name)}/export`);
    await pipeAll(res, out ? createWriteStream(out) : process.stdout);
  },
};
