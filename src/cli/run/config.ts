// Turns run/create flags into the Engine API's container create body (Config + HostConfig +
// NetworkingConfig), with docker's parsing of ports, volumes, mounts, ulimits, env files...
import { readFileSync } from 'node:fs';
import type { ParsedFlags } from '../flags.js';
import { StatusError } from '../context.js';
import { parseBytes, parseGoDuration } from '../format/units.js';
import { keyValues } from '../format/names.js';
import { OptionError } from './option-error.js';
import { extraHost, parseMount, parseUlimit } from './flag-values.js';
import { parseExpose, parsePortSpec } from './ports.js';

export { OptionError };

type Obj = Record<string, unknown>;

function invalid(msg: string): never {
  throw new OptionError(msg);
}

/** The lines of an --env-file/--label-file; a missing file is docker's "open <path>: …" error. */
function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch {
    invalid(`open ${path}: no such file or directory`);
  }
}

function envFile(path: string): string[] {
  const out: string[] = [];
  for (const raw of readLines(path)) {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) continue;
    out.push(...expandEnv([line.replace(/\r$/, '')]));
  }
  return out;
}

/** "K=V" stays; a bare "K" takes the value from the environment (or is dropped). */
function expandEnv(list: string[]): string[] {
  const out: string[] = [];
  for (const e of list) {
    if (e.includes('=')) out.push(e);
    else if (process.env[e] !== undefined) out.push(`${e}=${process.env[e]}`);
  }
  return out;
}

/** docker's capability spelling: upper case with the CAP_ prefix ("ALL" stays). */
function normalizeCaps(caps: string[]): string[] {
  return caps.map((c) => {
    const u = c.trim().toUpperCase();
    return u === 'ALL' || u.startsWith('CAP_') ? u : `CAP_${u}`;
  });
}

function restartPolicy(spec: string): Obj {
  const [name, count] = spec.split(':');
  return { Name: name, MaximumRetryCount: count ? Number(count) : 0 };
}

function nanos(d: string): number | undefined {
  return d ? Math.round(parseGoDuration(d) * 1e6) : undefined;
}

function bytes(flags: ParsedFlags, name: string): number | undefined {
  const v = flags.string(name);
  if (!v) return undefined;
  if (v === '-1') return -1;
  try {
    return parseBytes(v);
  } catch (e) {
    throw new StatusError(125, `invalid argument "${v}" for "--${name}" flag: ${(e as Error).message}`);
  }
}

export interface CreateRequest {
  name?: string;
  platform?: string;
  body: Obj;
}

/** Builds the create request from flags; `image` and `cmd` are the positional arguments. */
export function buildCreate(flags: ParsedFlags, image: string, cmd: string[], detach: boolean): CreateRequest {
  const restart = flags.string('restart');
  if (flags.bool('rm') && restart !== '' && restart !== 'no') invalid('conflicting options: cannot specify both --restart and --rm');
  const attach = flags.list('attach').map((a) => a.toLowerCase());
  for (const a of attach) if (!['stdin', 'stdout', 'stderr'].includes(a)) invalid(`invalid argument "${a}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  const interactive = flags.bool('interactive');
  const attachStdin = detach ? false : attach.length ? attach.includes('stdin') : interactive;
  const attachStdout = detach ? false : attach.length ? attach.includes('stdout') : true;
  const attachStderr = detach ? false : attach.length ? attach.includes('stderr') : true;

  const exposed: Obj = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const spec of flags.list('publish')) {
    for (const p of parsePortSpec(spec)) {
      exposed[p.port] = {};
      (bindings[p.port] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort });
    }
  }
  for (const e of flags.list('expose')) {
    for (const port of parseExpose(e)) exposed[port] = {};
  }

  const binds: string[] = [];
  const volumes: Obj = {};
  for (const v of flags.list('volume')) {
    const parts = v.split(':');
    if (parts.length === 1) volumes[v] = {};
    else binds.push(v);
  }

  const tmpfs: Record<string, string> = {};
  for (const t of flags.list('tmpfs')) {
    const i = t.indexOf(':');
    if (i < 0) tmpfs[t] = '';
    else tmpfs[t.slice(0, i)] = t.slice(i + 1);
  }

  const env = [...flags.list('env-file').flatMap(envFile), ...expandEnv(flags.list('env'))];
  const labels: Record<string, string> = {};
  for (const f of flags.list('label-file')) {
    for (const line of readLines(f)) {
      const t = line.trim();
      if (t && !t.startsWith('#')) Object.assign(labels, keyValues([t]));
    }
  }
  Object.assign(labels, keyValues(flags.list('label')));

  const networks = flags.list('network');
  const networkMode = networks[0] ?? 'default';
  const endpoint: Obj = {};
  const builtIn = ['default', 'bridge', 'host', 'none'].includes(networkMode) || networkMode.startsWith('container:');
  if (flags.list('network-alias').length && builtIn) invalid('network-scoped aliases are only supported for user-defined networks');
  if (flags.list('network-alias').length) endpoint.Aliases = flags.list('network-alias');
  const ipam: Obj = {};
  if (flags.string('ip')) ipam.IPv4Address = flags.string('ip');
  if (flags.string('ip6')) ipam.IPv6Address = flags.string('ip6');
  if (flags.list('link-local-ip').length) ipam.LinkLocalIPs = flags.list('link-local-ip');
  if (Object.keys(ipam).length) endpoint.IPAMConfig = ipam;
  const endpoints: Obj = {};
  if (networks.length) {
    networks.forEach((n, idx) => (endpoints[n] = idx === 0 ? { ...endpoint } : {}));
  }

  const healthcheck: Obj = {};
  if (flags.bool('no-healthcheck')) healthcheck.Test = ['NONE'];
  else if (flags.string('health-cmd')) healthcheck.Test = ['CMD-SHELL', flags.string('health-cmd')];
  if (flags.string('health-interval')) healthcheck.Interval = nanos(flags.string('health-interval'));
  if (flags.string('health-timeout')) healthcheck.Timeout = nanos(flags.string('health-timeout'));
  if (flags.string('health-start-period')) healthcheck.StartPeriod = nanos(flags.string('health-start-period'));
  if (flags.changed('health-retries')) healthcheck.Retries = flags.int('health-retries');

  const cpus = flags.string('cpus');
  let nanoCpus: number | undefined;
  if (cpus) {
    nanoCpus = Math.round(Number(cpus) * 1e9);
  }

  const entrypoint = flags.changed('entrypoint') ? [flags.string('entrypoint')] : undefined;
  if (flags.string('log-driver') === 'none' && flags.list('log-opt').length) invalid('invalid logging opts for driver none');
  const logConfig = flags.string('log-driver') || flags.list('log-opt').length
    ? { Type: flags.string('log-driver'), Config: keyValues(flags.list('log-opt')) }
    : undefined;

  const config: Obj = {
    Hostname: flags.string('hostname'),
    Domainname: flags.string('domainname'),
    User: flags.string('user'),
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Tty: flags.bool('tty'),
    OpenStdin: interactive,
    StdinOnce: interactive && attachStdin,
    Env: env,
    Cmd: cmd.length ? cmd : undefined,
    Healthcheck: Object.keys(healthcheck).length ? healthcheck : undefined,
    Image: image,
    Volumes: Object.keys(volumes).length ? volumes : undefined,
    WorkingDir: flags.string('workdir'),
    Entrypoint: entrypoint,
    MacAddress: flags.string('mac-address') || undefined,
    Labels: labels,
    StopSignal: flags.string('stop-signal') || undefined,
    StopTimeout: flags.changed('stop-timeout') ? flags.int('stop-timeout') : undefined,
  };
  const hostConfig: Obj = {
    Binds: binds.length ? binds : undefined,
    ContainerIDFile: flags.string('cidfile'),
    LogConfig: logConfig,
    NetworkMode: networkMode,
    PortBindings: bindings,
    RestartPolicy: restartPolicy(flags.string('restart')),
    AutoRemove: flags.bool('rm'),
    VolumeDriver: flags.string('volume-driver'),
    VolumesFrom: flags.list('volumes-from').length ? flags.list('volumes-from') : undefined,
    CapAdd: flags.list('cap-add').length ? normalizeCaps(flags.list('cap-add')) : undefined,
    CapDrop: flags.list('cap-drop').length ? normalizeCaps(flags.list('cap-drop')) : undefined,
    CgroupParent: flags.string('cgroup-parent'),
    Dns: flags.list('dns'),
    DnsOptions: flags.list('dns-option'),
    DnsSearch: flags.list('dns-search'),
    ExtraHosts: flags.list('add-host').length ? flags.list('add-host').map(extraHost) : undefined,
    GroupAdd: flags.list('group-add').length ? flags.list('group-add') : undefined,
    IpcMode: flags.string('ipc'),
    Links: flags.list('link').length ? flags.list('link') : undefined,
    OomScoreAdj: flags.int('oom-score-adj'),
    PidMode: flags.string('pid'),
    Privileged: flags.bool('privileged'),
    PublishAllPorts: flags.bool('publish-all'),
    ReadonlyRootfs: flags.bool('read-only'),
    SecurityOpt: flags.list('security-opt').length ? flags.list('security-opt') : undefined,
    StorageOpt: flags.list('storage-opt').length ? keyValues(flags.list('storage-opt')) : undefined,
    Tmpfs: Object.keys(tmpfs).length ? tmpfs : undefined,
    UTSMode: flags.string('uts'),
    UsernsMode: flags.string('userns'),
    ShmSize: bytes(flags, 'shm-size'),
    Sysctls: flags.list('sysctl').length ? keyValues(flags.list('sysctl')) : undefined,
    Runtime: flags.string('runtime') || undefined,
    CpuShares: flags.int('cpu-shares'),
    Memory: bytes(flags, 'memory') ?? 0,
    NanoCpus: nanoCpus,
    CpuPeriod: flags.int('cpu-period'),
    CpuQuota: flags.int('cpu-quota'),
    CpusetCpus: flags.string('cpuset-cpus'),
    CpusetMems: flags.string('cpuset-mems'),
    Devices: flags.list('device').map((d) => {
      const [host, ctr = host, perms = 'rwm'] = d.split(':');
      return { PathOnHost: host, PathInContainer: ctr, CgroupPermissions: perms };
    }),
    MemoryReservation: bytes(flags, 'memory-reservation') ?? 0,
    MemorySwap: bytes(flags, 'memory-swap') ?? 0,
    OomKillDisable: flags.bool('oom-kill-disable'),
    PidsLimit: flags.changed('pids-limit') ? flags.int('pids-limit') : undefined,
    Ulimits: flags.list('ulimit').map(parseUlimit),
    Mounts: flags.list('mount').length ? flags.list('mount').map(parseMount) : undefined,
    Init: flags.bool('init') ? true : undefined,
  };
  const throttle = (flag: string, parse: (v: string) => number) =>
    flags.list(flag).map((d) => {
      const i = d.lastIndexOf(':');
      if (i <= 0) invalid(`invalid argument "${d}" for "--${flag}" flag: bad format: ${d}`);
      return { Path: d.slice(0, i), Rate: parse(d.slice(i + 1)) };
    });
  Object.assign(hostConfig, {
    BlkioWeight: flags.int('blkio-weight'),
    BlkioWeightDevice: flags.list('blkio-weight-device').map((d) => {
      const i = d.lastIndexOf(':');
      return { Path: d.slice(0, i), Weight: Number(d.slice(i + 1)) };
    }),
    BlkioDeviceReadBps: throttle('device-read-bps', parseBytes),
    BlkioDeviceWriteBps: throttle('device-write-bps', parseBytes),
    BlkioDeviceReadIOps: throttle('device-read-iops', Number),
    BlkioDeviceWriteIOps: throttle('device-write-iops', Number),
    CgroupnsMode: flags.string('cgroupns') || undefined,
    CpuRealtimePeriod: flags.int('cpu-rt-period'),
    CpuRealtimeRuntime: flags.int('cpu-rt-runtime'),
    DeviceCgroupRules: flags.list('device-cgroup-rule').length ? flags.list('device-cgroup-rule') : undefined,
    Isolation: flags.string('isolation'),
    KernelMemory: bytes(flags, 'kernel-memory') ?? 0,
    MemorySwappiness: flags.changed('memory-swappiness') ? flags.int('memory-swappiness') : undefined,
  });
  const gpus = flags.string('gpus');
  if (gpus) {
    const count = gpus === 'all' ? -1 : Number(/^(?:count=)?(\d+)$/.exec(gpus)?.[1] ?? NaN);
    if (Number.isNaN(count)) invalid(`invalid argument "${gpus}" for "--gpus" flag: unexpected gpu request: ${gpus}`);
    hostConfig.DeviceRequests = [{ Driver: '', Count: count, DeviceIDs: null, Capabilities: [['gpu']], Options: {} }];
  }
  if (flags.bool('use-api-socket')) {
    const mounts = (hostConfig.Mounts as Obj[] | undefined) ?? [];
    mounts.push({ Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock' });
    hostConfig.Mounts = mounts;
  }
  const body: Obj = { ...config, HostConfig: hostConfig };
  if (networks.length) body.NetworkingConfig = { EndpointsConfig: endpoints };
  return { name: flags.string('name') || undefined, platform: flags.string('platform') || undefined, body };
}
