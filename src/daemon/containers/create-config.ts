// Validates a create request as Docker does (same messages) and merges the image's config
// into the container's Config the way dockerd stores it.
import type { ResolvedImage } from '../images.js';
import { invalid } from '../../common/errors.js';

const RESTART_POLICIES = ['', 'no', 'always', 'unless-stopped', 'on-failure'];
const MIN_MEMORY = 6 * 1024 * 1024;
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function checkPort(spec: string): void {
  const [port, proto = 'tcp', ...rest] = spec.split('/');
  const range = /^(\d+)(?:-(\d+))?$/.exec(port);
  if (rest.length || !range || !['tcp', 'udp', 'sctp'].includes(proto.toLowerCase()) || Number(range[1]) > 65535 || Number(range[2] ?? 0) > 65535) {
    throw invalid(`invalid port specification: "${port}"`);
  }
}

export function validateHostConfig(hc: Record<string, any>): void {
  const rp = hc.RestartPolicy ?? {};
  const name = rp.Name ?? '';
  if (!RESTART_POLICIES.includes(name)) throw invalid(`invalid restart policy '${name}'`);
  const retries = Number(rp.MaximumRetryCount ?? 0);
  if (retries < 0) throw invalid('maximum retry count cannot be negative');
  if (retries > 0 && name !== 'on-failure') throw invalid(`maximum retry count cannot be used with restart policy '${name}'`);
  if (hc.AutoRemove && name !== '' && name !== 'no') throw invalid("can't create 'AutoRemove' container with restart policy");
  const mem = Number(hc.Memory ?? 0);
  if (mem > 0 && mem < MIN_MEMORY) throw invalid('Minimum memory limit allowed is 6MB');
  const swap = Number(hc.MemorySwap ?? 0);
  if (mem > 0 && swap > 0 && swap < mem) throw invalid('Minimum memoryswap limit should be larger than memory limit, see usage');
  for (const [port, bindings] of Object.entries<any>(hc.PortBindings ?? {})) {
    checkPort(port);
    for (const b of bindings ?? []) {
      const hp = String(b?.HostPort ?? '');
      if (hp && !/^\d+(-\d+)?$/.test(hp)) throw invalid(`invalid port specification: "${hp}"`);
    }
  }
}

/** Docker's default HostConfig fields, under what the client sent. */
export function withHostDefaults(hc: Record<string, any> | undefined, defaultRuntime: string): Record<string, any> {
  const out: Record<string, any> = {
    Binds: null, ContainerIDFile: '', LogConfig: { Type: 'json-file', Config: {} }, NetworkMode: 'default',
    PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, VolumeDriver: '',
    VolumesFrom: null, CapAdd: null, CapDrop: null, CgroupnsMode: 'host', Dns: [], DnsOptions: [], DnsSearch: [],
    ExtraHosts: null, GroupAdd: null, IpcMode: 'private', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '',
    Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '', UsernsMode: '',
    ShmSize: 67108864, Runtime: defaultRuntime, ConsoleSize: [0, 0], Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0,
    CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: [], BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [], DeviceCgroupRules: null, DeviceRequests: null,
    MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null, OomKillDisable: false, PidsLimit: null, Ulimits: [],
    CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
    MaskedPaths: ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
      '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
    ReadonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
  };
  for (const [k, v] of Object.entries(hc ?? {})) {
    if (v === undefined || (v === null && Array.isArray(out[k])) || (v === '' && out[k])) continue;
    out[k] = v;
  }
  if (!out.RestartPolicy?.Name) out.RestartPolicy = { Name: 'no', MaximumRetryCount: out.RestartPolicy?.MaximumRetryCount ?? 0 };
  if (!out.NetworkMode) out.NetworkMode = 'default';
  if (!out.ShmSize) out.ShmSize = 67108864;
  if (out.Privileged) { out.MaskedPaths = []; out.ReadonlyPaths = []; }
  return out;
}

/** Replaces or appends KEY=VALUE entries (a bare KEY in `extra` is kept as given). */
export function mergeEnv(base: string[], extra: string[]): string[] {
  const out = [...base];
  for (const e of extra) {
    const key = e.split('=')[0];
    const i = out.findIndex((o) => o.split('=')[0] === key);
    if (i >= 0) out[i] = e; else out.push(e);
  }
  return out;
}

const isEmptyEntrypoint = (ep: unknown): boolean => Array.isArray(ep) && ep.length === 1 && ep[0] === '';

/** The Config dockerd stores: the request's Config with the image's defaults merged in. */
export function mergeImageConfig(config: Record<string, any>, image: ResolvedImage): Record<string, any> {
  const ic = image.config ?? {};
  const c: Record<string, any> = {
    Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
    Tty: false, OpenStdin: false, StdinOnce: false, Env: null, Cmd: null, Image: config.Image, Volumes: null,
    WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: {}, ...config,
  };
  for (const k of ['Cmd', 'Entrypoint', 'Shell']) if (typeof c[k] === 'string') c[k] = [c[k]];
  const epGiven = Array.isArray(c.Entrypoint) && c.Entrypoint.length > 0;
  if (!epGiven) {
    if (!c.Cmd || c.Cmd.length === 0) c.Cmd = ic.Cmd ?? null;
    if (c.Entrypoint == null) c.Entrypoint = ic.Entrypoint ?? null;
  }
  if (isEmptyEntrypoint(c.Entrypoint)) c.Entrypoint = null;
  if (ic.Env?.length) c.Env = mergeEnv(ic.Env, c.Env ?? []);
  if (!c.User && ic.User) c.User = ic.User;
  if (!c.WorkingDir && ic.WorkingDir) c.WorkingDir = ic.WorkingDir;
  if (!c.StopSignal && ic.StopSignal) c.StopSignal = ic.StopSignal;
  if (!c.Healthcheck && ic.Healthcheck) c.Healthcheck = ic.Healthcheck;
  if (ic.ExposedPorts) c.ExposedPorts = { ...ic.ExposedPorts, ...(c.ExposedPorts ?? {}) };
  if (ic.Volumes) c.Volumes = { ...ic.Volumes, ...(c.Volumes ?? {}) };
  if (c.Volumes && Object.keys(c.Volumes).length === 0) c.Volumes = null;
  c.Labels = { ...(ic.Labels ?? {}), ...(c.Labels ?? {}) };
  if (!c.Cmd?.length && !c.Entrypoint?.length) throw invalid('No command specified');
  return c;
}

/** Path and Args as dockerd derives them from Entrypoint and Cmd. */
export function commandOf(c: Record<string, any>): { path: string; args: string[] } {
  const argv: string[] = [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])];
  return { path: argv[0], args: argv.slice(1) };
}
