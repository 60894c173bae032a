// What berth does with every field of the Engine API bodies that configure a container: the
// create body (Config, HostConfig with its Resources, NetworkingConfig and the query parameters),
// POST /containers/{id}/update and exec create. One table per body, one rule per field:
//
// - honoured: applied to the container (OCI spec, network, etc files, logging, lifecycle).
// - stored: dockerd itself only records it (client-side options, Windows-only fields, image
//   metadata) and so does berth: it is kept and shown by inspect.
// - output: an output-only field dockerd ignores on input (an inspect echoed back).
// - refused: not implemented yet. A zero value ("", 0, false, null, [], {} or all-zero
//   elements: what the docker CLI, docker-py and dockerode send by default) is accepted; any
//   other value is a 400 naming the field, never accepted and dropped.
// - validated: honoured for the values the check lets through; the check refuses the rest
//   (with dockerd's message where dockerd refuses them too).
//
// Health checks: berth runs none yet. A Healthcheck in the request (other than the empty one
// or {"Test": ["NONE"]}, which disables) is refused. An image's HEALTHCHECK is kept in Config as
// dockerd keeps it, so that common images stay runnable, but the create answers with a warning
// that it will not run, and State.Health stays absent: nothing pretends to check health.
import { isAbsolute } from 'node:path';
import { invalid, type EngineError } from '../../common/errors.js';
import { goArch } from '../../image/platform.js';

type Check = (value: any, body: Record<string, any>) => void;
export type Support =
  | { status: 'honoured' | 'stored' | 'output'; note: string }
  | { status: 'refused'; note: string; zero?: (value: unknown) => boolean }
  | { status: 'validated'; note: string; check: Check };
export type FieldTable = Readonly<Record<string, Support>>;

/** The 400 for a field or option berth does not implement yet. */
export const unsupported = (what: string): EngineError => invalid(`berth does not support ${what} yet`);

/** A value clients send when the option is not used; a map with a key (a volume path) is not one. */
export function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.every(isZero);
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

/** A struct whose every field is zero. */
const allZero = (v: Record<string, unknown>): boolean => Object.values(v).every(isZero);

const honoured = (note: string): Support => ({ status: 'honoured', note });
const stored = (note: string): Support => ({ status: 'stored', note });
const output = (note: string): Support => ({ status: 'output', note });
const refused = (note: string, zero?: (v: unknown) => boolean): Support => ({ status: 'refused', note, zero });
const validated = (note: string, check: Check): Support => ({ status: 'validated', note, check });

/** Refuses `path` unless `ok(value)`. */
const only = (path: string, ok: (v: any) => boolean): Check => (v) => {
  if (!ok(v)) throw unsupported(path);
};

function healthcheck(hc: Record<string, any>): void {
  const test: unknown[] = Array.isArray(hc.Test) ? hc.Test : [];
  if (test[0] === 'NONE') return;
  if (!allZero(hc)) throw unsupported('Config.Healthcheck');
}

const BRIDGE = ['', 'default', 'bridge'];

function endpoints(eps: Record<string, any>, body: Record<string, any>): void {
  const mode: string = body.HostConfig?.NetworkMode ?? '';
  const same = (net: string) => net === mode || (BRIDGE.includes(net) && BRIDGE.includes(mode));
  const other = Object.keys(eps).find((net) => !same(net));
  if (other !== undefined) throw unsupported(`NetworkingConfig.EndpointsConfig for a network other than HostConfig.NetworkMode ("${other}")`);
  for (const ep of Object.values(eps)) if (ep) checkFields(ENDPOINT_FIELDS, ep, 'NetworkingConfig.EndpointsConfig.', body);
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64' };

/** `platform=os[/arch[/variant]]`: berth runs images of its own platform only. */
export function checkPlatform(platform: string | undefined): void {
  if (!platform) return;
  const [os, arch = '', variant = ''] = platform.toLowerCase().split('/');
  const native = os === 'linux' && (arch === '' || (ARCH_ALIASES[arch] ?? arch) === goArch()) && variant === '';
  if (!native) throw unsupported(`the platform parameter for other platforms than linux/${goArch()} ("${platform}")`);
}

export const CONFIG_FIELDS: FieldTable = {
  Hostname: honoured('spec hostname, /etc/hostname, HOSTNAME'),
  Domainname: honoured('kernel.domainname sysctl, /etc/hosts'),
  User: honoured('process uid/gid/groups resolved in the rootfs'),
  AttachStdin: stored('client-side: which streams the client attaches'),
  AttachStdout: stored('client-side: which streams the client attaches'),
  AttachStderr: stored('client-side: which streams the client attaches'),
  ExposedPorts: honoured('published by PublishAllPorts; `expose` filter'),
  Tty: honoured('terminal'),
  OpenStdin: honoured('stdin FIFO'),
  StdinOnce: honoured('stdin closes after the first attach'),
  Env: honoured('process env'),
  Cmd: honoured('process args'),
  Healthcheck: validated('refused: berth runs no health checks yet; {"Test":["NONE"]} accepted', healthcheck),
  ArgsEscaped: stored('Windows-only: no effect on Linux in dockerd either'),
  Image: honoured('rootfs'),
  Volumes: honoured('anonymous volumes (mount-points.ts)'),
  WorkingDir: honoured('process cwd'),
  Entrypoint: honoured('process args'),
  NetworkDisabled: refused('a container without network (use NetworkMode none)'),
  MacAddress: honoured('bridge endpoint MAC'),
  OnBuild: stored('image metadata, carried into commit'),
  Labels: honoured('labels, filters, events'),
  StopSignal: honoured('stop signal'),
  StopTimeout: honoured('stop timeout'),
  Shell: stored('image metadata, carried into commit'),
};

const RESOURCE_FIELDS: FieldTable = {
  CpuShares: honoured('cpu.shares'),
  Memory: honoured('memory.limit'),
  CgroupParent: refused('cgroup parent'),
  BlkioWeight: refused('block IO weight'),
  BlkioWeightDevice: refused('block IO weight per device'),
  BlkioDeviceReadBps: refused('block IO throttling'),
  BlkioDeviceWriteBps: refused('block IO throttling'),
  BlkioDeviceReadIOps: refused('block IO throttling'),
  BlkioDeviceWriteIOps: refused('block IO throttling'),
  CpuPeriod: honoured('cpu.period'),
  CpuQuota: honoured('cpu.quota'),
  CpuRealtimePeriod: refused('real-time scheduling'),
  CpuRealtimeRuntime: refused('real-time scheduling'),
  CpusetCpus: honoured('cpu.cpus'),
  CpusetMems: honoured('cpu.mems'),
  Devices: honoured('linux.devices and device cgroup rules'),
  DeviceCgroupRules: refused('device cgroup rules'),
  DeviceRequests: refused('device requests (GPUs)'),
  KernelMemoryTCP: refused('kernel TCP memory limit'),
  MemoryReservation: honoured('memory.reservation'),
  MemorySwap: honoured('memory.swap'),
  MemorySwappiness: honoured('memory.swappiness (-1 or null: unset)'),
  NanoCpus: honoured('cpu quota/period'),
  OomKillDisable: honoured('memory.disableOOMKiller'),
  Init: honoured('docker-init as PID 1'),
  PidsLimit: honoured('pids.limit'),
  Ulimits: honoured('process rlimits'),
  CpuCount: refused('Windows-only CPU count'),
  CpuPercent: refused('Windows-only CPU percent'),
  IOMaximumIOps: refused('Windows-only IO limits'),
  IOMaximumBandwidth: refused('Windows-only IO limits'),
  // Removed from the API (v1.42) but still sent as 0 by older clients.
  KernelMemory: refused('kernel memory limit'),
};

export const HOST_FIELDS: FieldTable = {
  ...RESOURCE_FIELDS,
  Binds: honoured('binds and volumes, parsed by volume/mount-spec.ts'),
  ContainerIDFile: stored('client-side: the client writes the file'),
  LogConfig: honoured('json-file and none drivers, validated by logs/drivers.ts (mode=non-blocking refused)'),
  NetworkMode: honoured('default/bridge, host, none, container:<id>'),
  PortBindings: honoured('portmap'),
  RestartPolicy: honoured('restart policies'),
  AutoRemove: honoured('removal after exit'),
  VolumeDriver: validated('local only', (v: string) => {
    if (v !== '' && v !== 'local') throw invalid(`error looking up volume plugin ${v}: plugin "${v}" not found (VolumeDriver: berth has the local driver only)`);
  }),
  VolumesFrom: honoured('mounts of other containers (mount-points.ts)'),
  Mounts: honoured('bind, volume, tmpfs and image mounts, parsed by volume/mount-spec.ts'),
  ConsoleSize: honoured('process.consoleSize of a Tty container'),
  Annotations: refused('OCI annotations'),
  CapAdd: honoured('capabilities'),
  CapDrop: honoured('capabilities'),
  CgroupnsMode: honoured('cgroup namespace'),
  Dns: honoured('resolv.conf'),
  DnsOptions: honoured('resolv.conf'),
  DnsSearch: honoured('resolv.conf'),
  ExtraHosts: honoured('/etc/hosts'),
  GroupAdd: honoured('supplementary groups'),
  IpcMode: honoured('ipc namespace, /dev/shm'),
  Cgroup: refused('joining another container\'s cgroup'),
  Links: honoured('/etc/hosts entries on the default bridge'),
  OomScoreAdj: honoured('process.oomScoreAdj'),
  PidMode: honoured('pid namespace'),
  Privileged: honoured('capabilities, devices, no seccomp, no masked paths'),
  PublishAllPorts: honoured('portmap of ExposedPorts'),
  ReadonlyRootfs: honoured('read-only root'),
  SecurityOpt: honoured('seccomp, no-new-privileges, apparmor; label accepted as dockerd without SELinux'),
  StorageOpt: refused('storage options'),
  Tmpfs: honoured('tmpfs mounts'),
  UTSMode: honoured('uts namespace'),
  UsernsMode: refused('user namespaces', (v) => v === undefined || v === null || v === '' || v === 'host'),
  ShmSize: honoured('/dev/shm size'),
  Sysctls: honoured('linux.sysctl'),
  Runtime: validated('runc only', (v: string) => {
    if (v !== '' && v !== 'runc') throw invalid(`unknown or invalid runtime name: ${v}`);
  }),
  Isolation: validated('default only, as dockerd on Linux', (v: string) => {
    if (v !== '' && v !== 'default') throw invalid(`Invalid isolation: "${v}" - linux only supports 'default'`);
  }),
  MaskedPaths: honoured('linux.maskedPaths'),
  ReadonlyPaths: honoured('linux.readonlyPaths'),
};

export const NETWORKING_FIELDS: FieldTable = {
  EndpointsConfig: validated('one endpoint, on HostConfig.NetworkMode', endpoints),
};

export const ENDPOINT_FIELDS: FieldTable = {
  IPAMConfig: refused('static addresses'),
  Links: refused('links on user-defined networks'),
  MacAddress: refused('per-endpoint MAC addresses (use Config.MacAddress)'),
  Aliases: refused('network aliases'),
  DriverOpts: refused('endpoint driver options'),
  GwPriority: refused('gateway priority'),
  NetworkID: output('set by the engine'),
  EndpointID: output('set by the engine'),
  Gateway: output('set by the engine'),
  IPAddress: output('set by the engine'),
  IPPrefixLen: output('set by the engine'),
  IPv6Gateway: output('set by the engine'),
  GlobalIPv6Address: output('set by the engine'),
  GlobalIPv6PrefixLen: output('set by the engine'),
  DNSNames: output('set by the engine'),
};

export const CREATE_QUERY: FieldTable = {
  name: honoured('container name'),
  platform: validated('the native platform only', checkPlatform),
};

/** POST /containers/{id}/update: the limits berth applies to the record and the running task. */
export const UPDATE_FIELDS: FieldTable = {
  ...RESOURCE_FIELDS,
  Devices: refused('devices'),
  MemorySwappiness: refused('memory swappiness', (v) => v === undefined || v === null || v === -1),
  OomKillDisable: refused('the OOM killer setting'),
  Init: refused('init'),
  Ulimits: refused('ulimits'),
  RestartPolicy: honoured('restart policy'),
};

/** Exec create: every field is honoured (exec.ts); the table is what the spec is checked against. */
export const EXEC_FIELDS: FieldTable = {
  AttachStdin: honoured('stdin FIFO'),
  AttachStdout: honoured('stdout'),
  AttachStderr: honoured('stderr'),
  ConsoleSize: honoured('process.consoleSize of a Tty exec'),
  DetachKeys: honoured('detach sequence on a Tty exec'),
  Tty: honoured('terminal'),
  Env: honoured('process env'),
  Cmd: honoured('process args'),
  Privileged: honoured('every capability of the host'),
  User: honoured('process uid/gid resolved in the rootfs'),
  WorkingDir: honoured('process cwd'),
};

/** Applies a table to one object; `prefix` names its fields in messages. Unknown keys pass, as in Go. */
function checkFields(table: FieldTable, obj: Record<string, any>, prefix: string, body: Record<string, any>): void {
  for (const [key, rule] of Object.entries(table)) {
    const v = obj[key];
    if (rule.status === 'refused' && !(rule.zero ?? isZero)(v)) throw unsupported(`${prefix}${key}`);
    if (rule.status === 'validated' && v !== undefined && v !== null) rule.check(v, body);
  }
}

/** Refuses what a create asks for and berth does not do (after the body's type checks). */
export function checkCreateFields(body: Record<string, any>, platform?: string): void {
  checkPlatform(platform);
  checkFields(CONFIG_FIELDS, body, 'Config.', body);
  if (body.HostConfig) checkFields(HOST_FIELDS, body.HostConfig, 'HostConfig.', body);
  if (body.NetworkingConfig) checkFields(NETWORKING_FIELDS, body.NetworkingConfig, 'NetworkingConfig.', body);
}

export function checkUpdateFields(body: Record<string, any>): void {
  checkFields(UPDATE_FIELDS, body, 'updating ', body);
}

/** The create response's warnings: what the image asks for and berth does not do. */
export function createWarnings(config: Record<string, any>): string[] {
  const out: string[] = [];
  const test: unknown[] = config.Healthcheck?.Test ?? [];
  if (test.length > 0 && test[0] !== 'NONE') {
    out.push("berth does not run health checks yet: the image's HEALTHCHECK will not run and the container reports no health status");
  }
  return out;
}
