// `version` and `info` in docker's layouts (version aligned with tabwriter as docker does).
import type { Command } from '../command.js';
import type { Cli } from '../context.js';
import { CLIENT_API_VERSION } from '../../client/engine.js';
import { renderOne } from '../format/list.js';
import { tabwrite } from '../format/tabwriter.js';
import { bytesSize } from '../format/units.js';
import { fromJSON, GoMap } from '../../common/go-template/values.js';
import { formatFlag } from './shared.js';
import { VERSION } from '../version.js';

interface ClientVersion {
  Version: string;
  APIVersion: string;
  DefaultAPIVersion: string;
  NodeVersion: string;
  Os: string;
  Arch: string;
  Context: string;
}

/** docker's default version layout (tab-separated; aligned by tabwriter afterwards). */
function versionText(client: ClientVersion, server: ServerVersion | undefined): string {
  const downgraded = client.APIVersion !== client.DefaultAPIVersion ? ` (downgraded from ${client.DefaultAPIVersion})` : '';
  let out = `Client:\n Version:\t${client.Version}\n API version:\t${client.APIVersion}${downgraded}\n Node.js version:\t${client.NodeVersion}\n OS/Arch:\t${client.Os}/${client.Arch}\n Context:\t${client.Context}`;
  if (!server) return out;
  out += `\n\nServer:${server.Platform?.Name ? ` ${server.Platform.Name}` : ''}`;
  for (const c of server.Components ?? []) {
    const d = c.Details ?? {};
    out += `\n ${c.Name}:`;
    if (c.Name === 'Engine') {
      out += `\n  Version:\t${c.Version}\n  API version:\t${d.ApiVersion} (minimum version ${d.MinAPIVersion})\n  Go version:\t${d.GoVersion}`;
      out += `\n  Git commit:\t${d.GitCommit}\n  Built:\t${d.BuildTime}\n  OS/Arch:\t${d.Os}/${d.Arch}\n  Experimental:\t${d.Experimental}`;
    } else {
      out += `\n  Version:\t${c.Version}`;
      for (const k of Object.keys(d).sort()) out += `\n  ${k}:\t${d[k]}`;
    }
  }
  return out;
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.ANSIC layout ("Mon Jan _2 15:04:05 2006") in local time. */
function ansic(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getDay()]} ${months[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

interface ServerVersion {
  Platform?: { Name: string };
  Components?: Array<{ Name: string; Version: string; Details?: Record<string, string> }>;
  [k: string]: unknown;
}

export const version: Command = {
  name: 'version',
  usage: '[OPTIONS]',
  short: 'Show the Docker version information',
  args: { min: 0, max: 0 },
  flags: [formatFlag(false, 'f')],
  async run(cli, flags) {
    const client = {
      Version: VERSION,
      APIVersion: CLIENT_API_VERSION,
      DefaultAPIVersion: CLIENT_API_VERSION,
      NodeVersion: process.version,
      Os: process.platform,
      Arch: process.arch === 'x64' ? 'amd64' : process.arch,
      Context: cli.contextName,
    };
    let server: ServerVersion | undefined;
    let failure: unknown;
    try {
      server = await cli.engine.getUnversioned<ServerVersion>('/version');
      if (typeof server.ApiVersion === 'string') cli.engine.adoptVersion(server.ApiVersion);
      client.APIVersion = await cli.engine.apiVersion();
    } catch (e) {
      failure = e;
    }
    if (server) {
      for (const c of server.Components ?? []) {
        const bt = c.Details?.BuildTime;
        if (bt && !Number.isNaN(Date.parse(bt))) c.Details!.BuildTime = ansic(new Date(bt));
      }
    }
    const format = flags.string('format');
    if (format) cli.out(`${renderOne(format, fromJSON({ Client: client, Server: server ?? null }))}\n`);
    else cli.out(`${tabwrite(versionText(client, server), 20, 1)}\n`);
    if (failure) throw failure;
  },
};

type Info = Record<string, unknown> & {
  DriverStatus?: Array<[string, string]> | null;
  Plugins?: { Volume?: string[]; Network?: string[]; Authorization?: string[] | null; Log?: string[] };
  Runtimes?: Record<string, unknown>;
  SecurityOptions?: string[];
  RegistryConfig?: { InsecureRegistryCIDRs?: string[]; IndexConfigs?: Record<string, { Secure: boolean; Mirrors?: string[] }>; Mirrors?: string[] };
  Warnings?: string[] | null;
  Labels?: string[];
};

function serverInfoLines(info: Info): string[] {
  const l: string[] = [];
  const add = (s: string) => l.push(s);
  add(` Containers: ${info.Containers}`);
  add(`  Running: ${info.ContainersRunning}`);
  add(`  Paused: ${info.ContainersPaused}`);
  add(`  Stopped: ${info.ContainersStopped}`);
  add(` Images: ${info.Images}`);
  add(` Server Version: ${info.ServerVersion}`);
  add(` Storage Driver: ${info.Driver}`);
  for (const [k, v] of info.DriverStatus ?? []) add(`  ${k}: ${v}`);
  if (info.LoggingDriver) add(` Logging Driver: ${info.LoggingDriver}`);
  if (info.CgroupDriver) add(` Cgroup Driver: ${info.CgroupDriver}`);
  if (info.CgroupVersion) add(` Cgroup Version: ${info.CgroupVersion}`);
  add(' Plugins:');
  add(`  Volume: ${(info.Plugins?.Volume ?? []).join(' ')}`);
  add(`  Network: ${(info.Plugins?.Network ?? []).join(' ')}`);
  if (info.Plugins?.Authorization?.length) add(`  Authorization: ${info.Plugins.Authorization.join(' ')}`);
  add(`  Log: ${(info.Plugins?.Log ?? []).join(' ')}`);
  const swarm = info.Swarm as { LocalNodeState?: string } | undefined;
  add(` Swarm: ${swarm?.LocalNodeState ?? 'inactive'}`);
  if (info.Runtimes) add(` Runtimes: ${Object.keys(info.Runtimes).sort().join(' ')}`);
  add(` Default Runtime: ${info.DefaultRuntime}`);
  if (info.InitBinary !== undefined) add(` Init Binary: ${info.InitBinary}`);
  const commit = (k: string) => (info[k] as { ID?: string } | undefined)?.ID ?? '';
  add(` containerd version: ${commit('ContainerdCommit')}`);
  add(` runc version: ${commit('RuncCommit')}`);
  add(` init version: ${commit('InitCommit')}`);
  if (info.SecurityOptions?.length) {
    add(' Security Options:');
    for (const opt of info.SecurityOptions) {
      const kv = Object.fromEntries(opt.split(',').map((p) => p.split('=') as [string, string]));
      add(`  ${kv.name}`);
      for (const [k, v] of Object.entries(kv)) {
        if (k === 'name') continue;
        add(`   ${k === 'profile' ? 'Profile' : k}: ${v}`);
      }
    }
  }
  add(` Kernel Version: ${info.KernelVersion}`);
  add(` Operating System: ${info.OperatingSystem}`);
  add(` OSType: ${info.OSType}`);
  add(` Architecture: ${info.Architecture}`);
  add(` CPUs: ${info.NCPU}`);
  add(` Total Memory: ${bytesSize(Number(info.MemTotal ?? 0))}`);
  add(` Name: ${info.Name}`);
  add(` ID: ${info.ID}`);
  add(` Docker Root Dir: ${info.DockerRootDir}`);
  add(` Debug Mode: ${info.Debug}`);
  if (info.HttpProxy) add(` HTTP Proxy: ${info.HttpProxy}`);
  if (info.HttpsProxy) add(` HTTPS Proxy: ${info.HttpsProxy}`);
  if (info.NoProxy) add(` No Proxy: ${info.NoProxy}`);
  if (info.Labels?.length) {
    add(' Labels:');
    for (const lb of info.Labels) add(`  ${lb}`);
  }
  add(` Experimental: ${info.ExperimentalBuild}`);
  const reg = info.RegistryConfig;
  const insecure = [
    ...Object.values(reg?.IndexConfigs ?? {}).filter((c) => !c.Secure).map((c) => (c as unknown as { Name: string }).Name),
    ...(reg?.InsecureRegistryCIDRs ?? []),
  ];
  if (insecure.length) {
    add(' Insecure Registries:');
    for (const r of insecure) add(`  ${r}`);
  }
  if (reg?.Mirrors?.length) {
    add(' Registry Mirrors:');
    for (const m of reg.Mirrors) add(`  ${m}`);
  }
  add(` Live Restore Enabled: ${info.LiveRestoreEnabled}`);
  return l;
}

async function printInfo(cli: Cli, format: string): Promise<void> {
  let info: Info | undefined;
  let failure: unknown;
  try {
    info = await cli.engine.get<Info>('/info');
  } catch (e) {
    failure = e;
  }
  if (format) {
    if (!info) throw failure;
    cli.out(`${renderOne(format, fromJSON({ ...info, ClientInfo: new GoMap({ Debug: false, Context: 'default' }) }))}\n`);
    return;
  }
  let out = `Client:\n Version:    ${VERSION}\n Context:    default\n Debug Mode: false\n\nServer:\n`;
  if (!info) {
    cli.out(out);
    throw failure;
  }
  out += `${serverInfoLines(info).join('\n')}\n\n`;
  cli.out(out);
  for (const w of info.Warnings ?? []) cli.err(`${w}\n`);
}

export const info: Command = {
  name: 'info',
  usage: '[OPTIONS]',
  aliasPaths: ['system info', 'info'],
  short: 'Display system-wide information',
  args: { min: 0, max: 0 },
  flags: [formatFlag(false, 'f')],
  run: async (cli, flags) => {
    await printInfo(cli, flags.string('format'));
  },
};
