// The `system` group plus the top-level commands that live with it: events, df, prune,
// generic inspect, login and logout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../client/errors.js';
import { jsonLines } from '../../client/engine.js';
import type { Command } from '../command.js';
import type { Cli } from '../context.js';
import { StatusError } from '../context.js';
import { renderList, renderOne } from '../format/list.js';
import { filtersJSON } from '../format/names.js';
import { humanSize } from '../format/units.js';
import { inspectObjects, rawGetter, type RawGetter } from '../inspect.js';
import { apiTimestamp } from '../timestamps.js';
import { fromJSON, parseJSONExact } from '../../common/go-template/values.js';
import { confirm, filterFlag, formatFlag, readAll } from './shared.js';
import { info, version } from './system-info.js';

interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
  [k: string]: unknown;
}

/** RFC 3339 with exactly nine fractional digits, from a nanosecond timestamp string. */
function rfc3339NanoFixed(nanos: bigint): string {
  const ms = Number(nanos / 1000000n);
  const d = new Date(ms);
  const iso = d.toISOString().slice(0, 19);
  return `${iso}.${String(nanos % 1000000000n).padStart(9, '0')}Z`;
}

function eventLine(e: EventMessage, rawNano: string | undefined): string {
  let out = '';
  if (rawNano) out += `${rfc3339NanoFixed(BigInt(rawNano))} `;
  else if (e.time) out += `${rfc3339NanoFixed(BigInt(e.time) * 1000000000n)} `;
  out += `${e.Type} ${e.Action} ${e.Actor.ID}`;
  const attrs = e.Actor.Attributes ?? {};
  const keys = Object.keys(attrs).sort();
  if (keys.length) out += ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})`;
  return `${out}\n`;
}

export const events: Command = {
  name: 'events',
  usage: '[OPTIONS]',
  short: 'Get real time events from the server',
  aliasPaths: ['system events', 'events'],
  args: { min: 0, max: 0 },
  flags: [
    filterFlag(),
    formatFlag(false),
    { name: 'since', kind: 'string', usage: 'Show all events created since timestamp' },
    { name: 'until', kind: 'string', usage: 'Stream events until this timestamp' },
  ],
  async run(cli, flags) {
    const res = await cli.engine.request('GET', '/events', {
      query: {
        since: apiTimestamp(flags.string('since')),
        until: apiTimestamp(flags.string('until')),
        filters: filtersJSON(flags.list('filter')),
      },
    });
    const format = flags.string('format');
    for await (const line of jsonLines(res)) {
      if (format) cli.out(`${renderOne(format, fromJSON(parseJSONExact(line)))}\n`);
      else cli.out(eventLine(JSON.parse(line) as EventMessage, /"timeNano":(\d+)/.exec(line)?.[1]));
    }
  },
};

interface DiskUsage {
  LayersSize: number;
  Images: Array<{ Containers: number; Size: number; SharedSize: number; VirtualSize?: number }> | null;
  Containers: Array<{ State: string; SizeRw?: number }> | null;
  Volumes: Array<{ UsageData?: { Size: number; RefCount: number } | null }> | null;
  BuildCache?: Array<{ InUse: boolean; Shared: boolean; Size: number }> | null;
}

function withPercent(reclaimable: number, total: number): string {
  return total > 0 ? `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)` : humanSize(reclaimable);
}

export const df: Command = {
  name: 'df',
  usage: '[OPTIONS]',
  short: 'Show docker disk usage',
  args: { min: 0, max: 0 },
  flags: [formatFlag(true)],
  async run(cli, flags) {
    const du = await cli.engine.get<DiskUsage>('/system/df');
    const images = du.Images ?? [];
    let used = 0;
    for (const i of images) {
      if (i.Containers === 0 || i.SharedSize === -1) continue;
      used += (i.VirtualSize ?? i.Size) - i.SharedSize;
    }
    const containers = du.Containers ?? [];
    const active = (c: { State: string }) => ['running', 'paused', 'restarting'].includes(c.State);
    const cSize = containers.reduce((a, c) => a + (c.SizeRw ?? 0), 0);
    const cRecl = containers.filter((c) => !active(c)).reduce((a, c) => a + (c.SizeRw ?? 0), 0);
    const volumes = du.Volumes ?? [];
    const vSize = volumes.reduce((a, v) => a + (v.UsageData && v.UsageData.Size !== -1 ? v.UsageData.Size : 0), 0);
    const vRecl = volumes.reduce((a, v) => a + (v.UsageData && v.UsageData.RefCount === 0 && v.UsageData.Size !== -1 ? v.UsageData.Size : 0), 0);
    const cache = du.BuildCache ?? [];
    const bSize = cache.filter((b) => !b.Shared).reduce((a, b) => a + b.Size, 0);
    const bRecl = cache.filter((b) => !b.InUse && !b.Shared).reduce((a, b) => a + b.Size, 0);
    const rows = [
      { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => i.Containers > 0).length), Size: humanSize(du.LayersSize), Reclaimable: withPercent(du.LayersSize - used, du.LayersSize) },
      { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter(active).length), Size: humanSize(cSize), Reclaimable: withPercent(cRecl, cSize) },
      { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((v) => (v.UsageData?.RefCount ?? 0) > 0).length), Size: humanSize(vSize), Reclaimable: withPercent(vRecl, vSize) },
      { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((b) => b.InUse).length), Size: humanSize(bSize), Reclaimable: humanSize(bRecl) },
    ];
    cli.out(
      renderList(
        {
          format: flags.string('format'),
          table: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
          headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
        },
        rows,
      ),
    );
  },
};

export const systemPrune: Command = {
  name: 'prune',
  usage: '[OPTIONS]',
  short: 'Remove unused data',
  args: { min: 0, max: 0 },
  flags: [
    { name: 'all', short: 'a', kind: 'bool', usage: 'Remove all unused images not just dangling ones' },
    { name: 'filter', kind: 'list', typeName: 'filter', usage: 'Provide filter values (e.g. "label=<key>=<value>")' },
    { name: 'force', short: 'f', kind: 'bool', usage: 'Do not prompt for confirmation' },
    { name: 'volumes', kind: 'bool', usage: 'Prune anonymous volumes' },
  ],
  async run(cli, flags) {
    const all = flags.bool('all');
    const items = ['all stopped containers', 'all networks not used by at least one container'];
    if (flags.bool('volumes')) items.push('all anonymous volumes not used by at least one container');
    items.push(all ? 'all images without at least one container associated to them' : 'all dangling images');
    items.push(all ? 'all build cache' : 'unused build cache');
    const warning = `WARNING! This will remove:\n${items.map((i) => `  - ${i}`).join('\n')}\n`;
    if (!flags.bool('force') && !(await confirm(cli, warning))) return 0;
    const filters = filtersJSON(flags.list('filter'));
    let space = 0;
    let out = '';
    const c = await cli.engine.json<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/containers/prune', { query: { filters } });
    if (c.ContainersDeleted?.length) out += `Deleted Containers:\n${c.ContainersDeleted.join('\n')}\n\n`;
    space += c.SpaceReclaimed;
    const n = await cli.engine.json<{ NetworksDeleted: string[] | null }>('POST', '/networks/prune', { query: { filters } });
    if (n.NetworksDeleted?.length) out += `Deleted Networks:\n${n.NetworksDeleted.join('\n')}\n\n`;
    if (flags.bool('volumes')) {
      const v = await cli.engine.json<{ VolumesDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/volumes/prune', { query: { filters } });
      if (v.VolumesDeleted?.length) out += `Deleted Volumes:\n${v.VolumesDeleted.join('\n')}\n\n`;
      space += v.SpaceReclaimed;
    }
    const imgFilters = filtersJSON([...flags.list('filter'), `dangling=${all ? 'false' : 'true'}`]);
    const i = await cli.engine.json<{ ImagesDeleted: Array<{ Untagged?: string; Deleted?: string }> | null; SpaceReclaimed: number }>('POST', '/images/prune', { query: { filters: imgFilters } });
    if (i.ImagesDeleted?.length) {
      out += 'Deleted Images:\n';
      for (const d of i.ImagesDeleted) out += d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`;
      out += '\n';
    }
    space += i.SpaceReclaimed;
    cli.out(`${out}Total reclaimed space: ${humanSize(space)}\n`);
    return 0;
  },
};

/** `inspect` without --type tries each object kind in docker's order. */
function anyObject(cli: Cli, type: string, size: boolean): RawGetter {
  const getters: Record<string, RawGetter> = {
    container: rawGetter(cli, (n) => `/containers/${n}/json`, size ? { size: '1' } : undefined),
    image: rawGetter(cli, (n) => `/images/${n}/json`),
    network: rawGetter(cli, (n) => `/networks/${n}`),
    volume: rawGetter(cli, (n) => `/volumes/${n}`),
  };
  if (type) {
    const g = getters[type];
    if (!g) {
      const known = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'];
      throw new StatusError(1, `unknown type: "${type}": must be one of ${known.map((k) => `"${k}"`).join(', ')}`);
    }
    return g;
  }
  return async (name) => {
    for (const g of Object.values(getters)) {
      try {
        return await g(name);
      } catch (e) {
        if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 400)) throw e;
      }
    }
    throw new ApiError(404, `No such object: ${name}`);
  };
}

export const inspect: Command = {
  name: 'inspect',
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  short: 'Return low-level information on Docker objects',
  args: { min: 1 },
  flags: [
    formatFlag(false, 'f'),
    { name: 'size', short: 's', kind: 'bool', usage: 'Display total file sizes if the type is container' },
    { name: 'type', kind: 'string', usage: 'Only inspect objects of the given type' },
  ],
  run: (cli, flags, args) =>
    inspectObjects(cli, args, anyObject(cli, flags.string('type'), flags.bool('size')), {
      format: flags.string('format'),
      notFound: (name, msg) => (flags.string('type') ? `Error response from daemon: ${msg}` : `Error: No such object: ${name}`),
    }),
};

function configPath(cli: Cli): string {
  return join(cli.configDir, 'config.json');
}

function saveConfig(cli: Cli): void {
  mkdirSync(cli.configDir, { recursive: true });
  writeFileSync(configPath(cli), JSON.stringify(cli.config, null, '\t'), { mode: 0o600 });
}

async function defaultServer(cli: Cli): Promise<string> {
  const i = await cli.engine.get<{ IndexServerAddress?: string }>('/info');
  return i.IndexServerAddress ?? '';
}

export const login: Command = {
  name: 'login',
  usage: '[OPTIONS] [SERVER]',
  short: 'Authenticate to a registry',
  long: 'Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.',
  args: { max: 1 },
  flags: [
    { name: 'password', short: 'p', kind: 'string', usage: 'Password or Personal Access Token (PAT)' },
    { name: 'password-stdin', kind: 'bool', usage: 'Take the Password or Personal Access Token (PAT) from stdin' },
    { name: 'username', short: 'u', kind: 'string', usage: 'Username' },
  ],
  async run(cli, flags, [server]) {
    let password = flags.string('password');
    if (flags.bool('password-stdin')) {
      if (password) throw new StatusError(1, '--password and --password-stdin are mutually exclusive');
      if (!flags.string('username')) throw new StatusError(1, 'Must provide --username with --password-stdin');
      password = (await readAll(process.stdin)).toString('utf8').replace(/\r?\n$/, '');
    }
    const username = flags.string('username');
    if (!username || !password) throw new StatusError(1, 'Error: Cannot perform an interactive login from a non TTY device');
    if (password && flags.changed('password')) cli.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    const serveraddress = server ?? (await defaultServer(cli));
    const r = await cli.engine.json<{ Status: string; IdentityToken?: string }>('POST', '/auth', {
      body: { username, password, serveraddress },
    });
    const auths = (cli.config.auths ??= {});
    auths[serveraddress] = r.IdentityToken
      ? { identitytoken: r.IdentityToken }
      : { auth: Buffer.from(`${username}:${password}`).toString('base64') };
    saveConfig(cli);
    cli.err(
      `\nWARNING! Your credentials are stored unencrypted in '${configPath(cli)}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`,
    );
    cli.out(`${r.Status || 'Login Succeeded'}\n`);
  },
};

export const logout: Command = {
  name: 'logout',
  usage: '[SERVER]',
  short: 'Log out from a registry',
  long: 'Log out from a registry.\nIf no server is specified, the default is defined by the daemon.',
  args: { max: 1 },
  flags: [],
  async run(cli, _f, [server]) {
    const address = server ?? (await defaultServer(cli));
    const auths = cli.config.auths ?? {};
    cli.out(`Removing login credentials for ${address}\n`);
    if (auths[address]) {
      delete auths[address];
      saveConfig(cli);
    }
  },
};

export const commands: Command[] = [
  df,
  events,
  info,
  systemPrune,
  { ...version, hidden: true },
  { ...inspect, hidden: true },
  { ...login, hidden: true },
  { ...logout, hidden: true },
];

