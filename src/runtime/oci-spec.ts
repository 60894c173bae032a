// The OCI runtime spec (config.json) a berth container runs with, built from the container's
// config and Docker HostConfig so that it matches what Docker 20.10 hands to runc, field by field:
// default mounts, namespaces, capabilities, seccomp, masked/read-only /proc paths, device cgroup
// rules and resources. One deliberate difference: --privileged (and CapAdd ALL) grants the
// capabilities of this host's bounding set rather than every known capability, so it also works
// where the engine itself runs with a reduced bounding set.
import { existsSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import { invalid, notFound } from '../common/errors.js';
import { containerCapabilities } from './capabilities.js';
import { customSeccomp, defaultSeccomp, type OciSeccomp } from './seccomp-profile.js';

/** The part of Docker's HostConfig the spec is built from (API field names). */
export interface SpecHostConfig {
  CapAdd?: string[] | null; CapDrop?: string[] | null; Privileged?: boolean; ReadonlyRootfs?: boolean;
  SecurityOpt?: string[] | null; Memory?: number; MemorySwap?: number; MemoryReservation?: number;
  MemorySwappiness?: number | null; NanoCpus?: number; CpuShares?: number; CpuQuota?: number; CpuPeriod?: number;
  CpusetCpus?: string; CpusetMems?: string; PidsLimit?: number | null;
  Ulimits?: { Name: string; Soft: number; Hard: number }[] | null; Tmpfs?: Record<string, string> | null;
  Sysctls?: Record<string, string> | null; ShmSize?: number; OomScoreAdj?: number; OomKillDisable?: boolean | null;
  Init?: boolean | null; GroupAdd?: string[] | null;
  Devices?: { PathOnHost: string; PathInContainer?: string; CgroupPermissions?: string }[] | null;
  MaskedPaths?: string[] | null; ReadonlyPaths?: string[] | null; IpcMode?: string; PidMode?: string;
  UTSMode?: string; CgroupnsMode?: string;
  /** [height, width] of a Tty container's terminal at start. */
  ConsoleSize?: number[] | null;
}

export interface SpecInput {
  id: string; hostname: string; domainname: string; args: string[]; env: string[]; cwd: string;
  /** From resolveUser. Numeric HostConfig.GroupAdd entries are added here too; names need resolveUser. */
  user: { uid: number; gid: number; additionalGids: number[] };
  tty: boolean; openStdin: boolean;
  /** 'new' (own network namespace), 'host' (none of its own) or the path of a netns to join. */
  netns: 'new' | 'host' | string;
  etcFiles: { hosts: string; hostname: string; resolvConf: string };
  hostConfig: SpecHostConfig;
  cgroupsPath: string;
  /** Host directory bind-mounted at /dev/shm (IpcMode shareable); a private tmpfs otherwise. */
  shmPath?: string;
  /** Host path of the init binary (tini / docker-init) run as PID 1 when HostConfig.Init is set. */
  initPath?: string;
  /** Namespace paths to join for IpcMode/PidMode/UTSMode `container:<id>` (e.g. /proc/<pid>/ns/ipc). */
  namespacePaths?: { ipc?: string; pid?: string; uts?: string };
  /** The container's binds, volumes and `--mount` tmpfs mounts, their sources resolved on the host. */
  mounts?: Mount[];
}

export interface Mount { destination: string; type: string; source: string; options: string[] }
interface DeviceRule { allow: boolean; type?: string; major?: number; minor?: number; access: string }
interface LinuxDevice { path: string; type: string; major: number; minor: number; fileMode: number; uid: number; gid: number }

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal?: boolean; consoleSize?: { height: number; width: number }; user: { uid: number; gid: number; additionalGids: number[] }; args: string[];
    env: string[]; cwd: string; capabilities: { bounding: string[]; effective?: string[]; permitted?: string[] };
    rlimits?: { type: string; hard: number; soft: number }[]; noNewPrivileges?: boolean; apparmorProfile?: string;
    oomScoreAdj: number;
  };
  root: { path: string; readonly?: boolean };
  hostname?: string;
  mounts: Mount[];
  linux: {
    sysctl?: Record<string, string>;
    resources: {
      devices: DeviceRule[];
      memory: { limit?: number; reservation?: number; swap?: number; swappiness?: number; disableOOMKiller: boolean };
      cpu: { shares: number; quota?: number; period?: number; cpus?: string; mems?: string };
      pids?: { limit: number };
    };
    cgroupsPath: string;
    namespaces: { type: string; path?: string }[];
    seccomp?: OciSeccomp;
    devices?: LinuxDevice[];
    maskedPaths?: string[];
    readonlyPaths?: string[];
  };
}

const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
const CPU_PERIOD = 100000;

// Docker's default device cgroup: deny everything, then null, zero, full… (runc adds pts/ptmx/tun).
const char = (major: number, minor: number, allow = true): DeviceRule => ({ allow, type: 'c', major, minor, access: 'rwm' });
const DEFAULT_DEVICE_RULES: DeviceRule[] = [
  { allow: false, access: 'rwm' }, char(1, 5), char(1, 3), char(1, 9), char(1, 8), char(5, 0), char(5, 1),
  char(10, 229, false),
];

const RLIMITS = ['as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc',
  'rss', 'rtprio', 'rttime', 'sigpending', 'stack'];

interface SecurityOptions { noNewPrivileges: boolean; seccomp: string; apparmor: string }

/** Parses HostConfig.SecurityOpt as Docker's daemon does (SELinux labels are accepted and unused). */
function securityOptions(opts: string[]): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, seccomp: '', apparmor: '' };
  for (const opt of opts) {
    if (opt === 'no-new-privileges') { out.noNewPrivileges = true; continue; }
    if (opt === 'disable') continue;
    const sep = opt.includes('=') ? '=' : opt.includes(':') ? ':' : '';
    if (!sep) throw invalid(`invalid --security-opt 1: "${opt}"`);
    const at = opt.indexOf(sep);
    const [key, value] = [opt.slice(0, at), opt.slice(at + 1)];
    if (key === 'seccomp') out.seccomp = value;
    else if (key === 'apparmor') out.apparmor = value;
    else if (key === 'no-new-privileges') {
      if (!/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(value)) {
        throw invalid(`invalid --security-opt 2: "${opt}"`);
      }
      out.noNewPrivileges = /^(1|t|T|TRUE|true|True)$/.test(value);
    } else if (key !== 'label') throw invalid(`invalid --security-opt 2: "${opt}"`);
  }
  return out;
}

/** No filter for privileged or unconfined containers (as Docker), else the default or the given profile. */
function seccompFor(hc: SpecHostConfig, sec: SecurityOptions, caps: string[]): OciSeccomp | undefined {
  if (sec.seccomp === 'unconfined' || hc.Privileged) return undefined;
  if (sec.seccomp === '' || sec.seccomp === 'builtin') return defaultSeccomp(caps);
  return customSeccomp(sec.seccomp, caps);
}

/** Namespace mode: host → none, container:<id> → join the given path, anything else → its own. */
function namespace(type: string, mode: string, path: string | undefined): { type: string; path?: string } | null {
  if (mode === 'host') return null;
  if (!mode.startsWith('container:')) return { type };
  if (!path) throw notFound(`No such container: ${mode.slice('container:'.length)}`);
  return { type, path };
}

const IPC_MODES = ['', 'private', 'shareable', 'none', 'host'];

let appArmor: boolean | undefined;
const appArmorEnabled = (): boolean => (appArmor ??= (() => {
  try {
    return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  } catch {
    return false;
  }
})());

let cgroupV2: boolean | undefined;
const isCgroupV2 = (): boolean => (cgroupV2 ??= existsSync('/sys/fs/cgroup/cgroup.controllers'));

function namespaces(input: SpecInput): OciSpec['linux']['namespaces'] {
  const hc = input.hostConfig;
  const paths = input.namespacePaths ?? {};
  const ipc = hc.IpcMode ?? '';
  if (!IPC_MODES.includes(ipc) && !ipc.startsWith('container:')) throw invalid(`Invalid IPC mode: ${ipc}`);
  const list = [
    { type: 'mount' },
    input.netns === 'host' ? null : input.netns === 'new' ? { type: 'network' } : { type: 'network', path: input.netns },
    namespace('uts', hc.UTSMode ?? '', paths.uts),
    namespace('pid', hc.PidMode ?? '', paths.pid),
    namespace('ipc', ipc, paths.ipc),
  ];
  const cgroupns = hc.CgroupnsMode ?? '';
  if (cgroupns !== '' && cgroupns !== 'host' && cgroupns !== 'private') throw invalid(`invalid cgroup namespace mode: ${cgroupns}`);
  if (cgroupns === 'private' || (cgroupns === '' && isCgroupV2())) list.push({ type: 'cgroup' });
  return list.filter((n): n is { type: string; path?: string } => n !== null);
}

// Mount flags that tmpfs options may carry (Docker's pkg/mount flag table), grouped so that a later
// option replaces an earlier one of the same group; all propagation modes form one group.
const FLAG_GROUPS: Record<string, string> = {};
for (const [group, names] of Object.entries({
  ro: 'ro rw', suid: 'suid nosuid', dev: 'dev nodev', exec: 'exec noexec', sync: 'sync async', dirsync: 'dirsync',
  remount: 'remount', mand: 'mand nomand', atime: 'atime noatime', diratime: 'diratime nodiratime', bind: 'bind',
  rbind: 'rbind', relatime: 'relatime norelatime', strictatime: 'strictatime nostrictatime',
  propagation: 'unbindable runbindable private rprivate shared rshared slave rslave',
})) for (const n of names.split(' ')) FLAG_GROUPS[n] = group;
const TMPFS_DATA = ['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol'];

/** Docker's MergeTmpfsOptions: later options win, per flag group or data key. */
export function mergeTmpfsOptions(options: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const opt of [...options].reverse()) {
    if (opt === 'defaults') continue;
    let key = FLAG_GROUPS[opt];
    if (!key) {
      const kv = opt.split('=');
      const parts = kv.length > 1 ? [kv[0], kv.slice(1).join('=')] : kv;
      if (parts.length !== 2 || !TMPFS_DATA.includes(parts[0])) {
        throw invalid(`invalid tmpfs option [${parts.map((p) => JSON.stringify(p)).join(' ')}]`);
      }
      key = `data:${parts[0]}`;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    out.unshift(opt);
  }
  return out;
}

function absoluteTmpfsPath(destination: string): string {
  if (!isAbsolute(destination)) throw invalid(`invalid mount path: '${destination}' mount path must be absolute`);
  return destination;
}

const depth = (dest: string) => posix.normalize(dest).split('/').filter(Boolean).length;

function mounts(input: SpecInput, privileged: boolean): Mount[] {
  const hc = input.hostConfig;
  const ro = privileged ? [] : ['ro'];
  const defaults: Mount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', ...ro] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [...ro, 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  ];
  const ipc = hc.IpcMode ?? '';
  if (ipc === 'host') defaults.push({ destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'rprivate'] });
  else if (input.shmPath) defaults.push({ destination: '/dev/shm', type: 'bind', source: input.shmPath, options: ['rbind', 'rprivate'] });
  else if (ipc !== 'none' && !ipc.startsWith('container:')) {
    const size = hc.ShmSize && hc.ShmSize > 0 ? hc.ShmSize : DEFAULT_SHM_SIZE;
    defaults.push({ destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${size}`] });
  }
  const etcOptions = ['rbind', ...(hc.ReadonlyRootfs ? ['ro'] : []), 'rprivate'];
  const user: Mount[] = [
    ...Object.entries({ '/etc/resolv.conf': input.etcFiles.resolvConf, '/etc/hostname': input.etcFiles.hostname,
      '/etc/hosts': input.etcFiles.hosts }).map(([destination, source]) => ({ destination, type: 'bind', source, options: etcOptions })),
    ...(input.mounts ?? []),
    ...Object.entries(hc.Tmpfs ?? {}).map(([destination, data]) => ({
      destination: absoluteTmpfsPath(destination), type: 'tmpfs', source: 'tmpfs',
      options: mergeTmpfsOptions(['noexec', 'nosuid', 'nodev', 'rprivate', ...(data ? data.split(',') : [])]),
    })),
  ];
  if (hc.Init && input.initPath) {
    user.push({ destination: '/sbin/docker-init', type: 'bind', source: input.initPath, options: ['bind', 'ro'] });
  }
  const taken = new Set(user.map((m) => m.destination));
  const kept = defaults.filter((m) => !taken.has(m.destination) && !(taken.has('/dev') && m.destination.startsWith('/dev/')));
  return [...kept, ...user.sort((a, b) => depth(a.destination) - depth(b.destination))];
}

/** Major and minor numbers of a device (glibc's gnu_dev_major / gnu_dev_minor). */
function deviceNumbers(st: Stats): { major: number; minor: number } {
  const dev = BigInt(st.rdev);
  return {
    major: Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)),
    minor: Number((dev & 0xffn) | ((dev >> 12n) & 0xffffff00n)),
  };
}

function linuxDevice(path: string, st: Stats): LinuxDevice {
  return { path, type: st.isBlockDevice() ? 'b' : 'c', ...deviceNumbers(st), fileMode: st.mode & 0o777, uid: st.uid, gid: st.gid };
}

/** Every device node under a host directory (runc's HostDevices skip list), keyed by host path. */
function devicesUnder(dir: string): { host: string; st: Stats }[] {
  const skip = ['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev'];
  const out: { host: string; st: Stats }[] = [];
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const host = join(dir, ent.name);
    if (ent.isDirectory()) { if (!skip.includes(ent.name)) out.push(...devicesUnder(host)); continue; }
    if ((ent.isCharacterDevice() || ent.isBlockDevice()) && ent.name !== 'console') out.push({ host, st: statSync(host) });
  }
  return out;
}

/** HostConfig.Devices as spec devices + cgroup rules (a directory adds every device below it). */
function customDevices(list: NonNullable<SpecHostConfig['Devices']>): { devices: LinuxDevice[]; rules: DeviceRule[] } {
  const devices: LinuxDevice[] = [];
  const rules: DeviceRule[] = [];
  for (const d of list) {
    const access = d.CgroupPermissions || 'rwm';
    const target = d.PathInContainer || d.PathOnHost;
    let st: Stats;
    try {
      st = statSync(d.PathOnHost);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message;
      throw invalid(`error gathering device information while adding custom device "${d.PathOnHost}": ${reason}`);
    }
    const found = st.isDirectory() ? devicesUnder(d.PathOnHost)
      : st.isCharacterDevice() || st.isBlockDevice() ? [{ host: d.PathOnHost, st }] : [];
    if (found.length === 0) {
      throw invalid(`error gathering device information while adding custom device "${d.PathOnHost}": not a device node`);
    }
    for (const f of found) {
      const dev = linuxDevice(target + f.host.slice(d.PathOnHost.length), f.st);
      devices.push(dev);
      rules.push({ allow: true, type: dev.type, major: dev.major, minor: dev.minor, access });
    }
  }
  return { devices, rules };
}

export function resources(hc: SpecHostConfig, deviceRules: DeviceRule[]): OciSpec['linux']['resources'] {
  if ((hc.NanoCpus ?? 0) > 0 && (hc.CpuPeriod ?? 0) > 0) throw invalid('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if ((hc.NanoCpus ?? 0) > 0 && (hc.CpuQuota ?? 0) > 0) throw invalid('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  const memory: OciSpec['linux']['resources']['memory'] = { disableOOMKiller: hc.OomKillDisable === true };
  const mem = hc.Memory ?? 0;
  if (mem > 0) memory.limit = mem;
  if ((hc.MemoryReservation ?? 0) > 0) memory.reservation = hc.MemoryReservation;
  const swap = hc.MemorySwap ?? 0;
  if (swap > 0) memory.swap = swap;
  else if (swap === 0 && mem > 0) memory.swap = 2 * mem;
  if (typeof hc.MemorySwappiness === 'number' && hc.MemorySwappiness >= 0) memory.swappiness = hc.MemorySwappiness;
  const cpu: OciSpec['linux']['resources']['cpu'] = { shares: hc.CpuShares ?? 0 };
  if ((hc.NanoCpus ?? 0) > 0) {
    cpu.period = CPU_PERIOD;
    cpu.quota = Math.floor(((hc.NanoCpus ?? 0) * CPU_PERIOD) / 1e9);
  } else {
    if ((hc.CpuQuota ?? 0) > 0) cpu.quota = hc.CpuQuota;
    if ((hc.CpuPeriod ?? 0) > 0) cpu.period = hc.CpuPeriod;
  }
  if (hc.CpusetCpus) cpu.cpus = hc.CpusetCpus;
  if (hc.CpusetMems) cpu.mems = hc.CpusetMems;
  const out: OciSpec['linux']['resources'] = { devices: deviceRules, memory, cpu };
  if ((hc.PidsLimit ?? 0) > 0) out.pids = { limit: hc.PidsLimit as number };
  return out;
}

function rlimits(ulimits: NonNullable<SpecHostConfig['Ulimits']>): NonNullable<OciSpec['process']['rlimits']> {
  return ulimits.map((u) => {
    const name = u.Name.toLowerCase();
    if (!RLIMITS.includes(name)) throw invalid(`invalid ulimit type: ${u.Name}`);
    return { type: `RLIMIT_${name.toUpperCase()}`, hard: u.Hard, soft: u.Soft };
  });
}

/** Numeric HostConfig.GroupAdd entries merged into the resolved supplementary gids. */
function supplementaryGids(user: SpecInput['user'], groupAdd: string[]): number[] {
  const numeric = groupAdd.filter((g) => /^\d+$/.test(g)).map(Number);
  return [...new Set([...user.additionalGids, ...numeric])];
}

/** The OCI runtime spec for a container. `root.path` is 'rootfs' (containerd mounts the snapshot there). */
export function buildSpec(input: SpecInput): OciSpec {
  const hc = input.hostConfig;
  const privileged = hc.Privileged === true;
  const sec = securityOptions(hc.SecurityOpt ?? []);
  const caps = containerCapabilities(hc.CapAdd, hc.CapDrop, privileged);
  const ns = namespaces(input);
  const ownUts = ns.some((n) => n.type === 'uts' && !n.path);

  const process: OciSpec['process'] = {
    user: { uid: input.user.uid, gid: input.user.gid, additionalGids: supplementaryGids(input.user, hc.GroupAdd ?? []) },
    args: hc.Init && input.initPath ? ['/sbin/docker-init', '--', ...input.args] : input.args,
    env: input.env,
    cwd: input.cwd || '/',
    capabilities: input.user.uid === 0 ? { bounding: caps, effective: caps, permitted: caps } : { bounding: caps },
    oomScoreAdj: hc.OomScoreAdj ?? 0,
  };
  if (input.tty) {
    process.terminal = true;
    const [height, width] = hc.ConsoleSize ?? [];
    if (height && width) process.consoleSize = { height, width };
  }
  if (hc.Ulimits?.length) process.rlimits = rlimits(hc.Ulimits);
  if (sec.noNewPrivileges) process.noNewPrivileges = true;
  // Only a profile the user names: berth loads no default AppArmor profile into the kernel.
  if (sec.apparmor && sec.apparmor !== 'unconfined' && appArmorEnabled()) process.apparmorProfile = sec.apparmor;

  const sysctl: Record<string, string> = {};
  if (input.netns === 'new') {
    sysctl['net.ipv4.ip_unprivileged_port_start'] = '0';
    sysctl['net.ipv4.ping_group_range'] = '0 2147483647';
  }
  if (ownUts && input.domainname) sysctl['kernel.domainname'] = input.domainname;
  Object.assign(sysctl, hc.Sysctls ?? {});

  const custom = privileged ? { devices: devicesUnder('/dev').map((d) => linuxDevice(d.host, d.st)), rules: [] }
    : customDevices(hc.Devices ?? []);
  const deviceRules = privileged ? [{ allow: true, access: 'rwm' }] : [...DEFAULT_DEVICE_RULES, ...custom.rules];

  const linux: OciSpec['linux'] = {
    resources: resources(hc, deviceRules),
    cgroupsPath: input.cgroupsPath,
    namespaces: ns,
  };
  if (Object.keys(sysctl).length) linux.sysctl = sysctl;
  const seccomp = seccompFor(hc, sec, caps);
  if (seccomp) linux.seccomp = seccomp;
  if (custom.devices.length) linux.devices = custom.devices;
  if (!privileged) {
    const masked = hc.MaskedPaths ?? DEFAULT_MASKED_PATHS;
    const readonly = hc.ReadonlyPaths ?? DEFAULT_READONLY_PATHS;
    if (masked.length) linux.maskedPaths = [...masked];
    if (readonly.length) linux.readonlyPaths = [...readonly];
  }

  const spec: OciSpec = {
    ociVersion: '1.0.2-dev',
    process,
    root: hc.ReadonlyRootfs ? { path: 'rootfs', readonly: true } : { path: 'rootfs' },
    mounts: mounts(input, privileged),
    linux,
  };
  if (ownUts) spec.hostname = input.hostname;
  return spec;
}
