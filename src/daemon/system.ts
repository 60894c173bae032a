// What /version and /info report about this engine and its host.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import type { Daemon } from './daemon.js';
import { API_VERSION, MIN_API_VERSION } from '../common/api-version.js';
import { goArch } from '../image/platform.js';

export const ENGINE_VERSION = '0.1.0';

function firstLine(cmd: string, args: string[]): string {
  try { return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0].trim(); } catch { return ''; }
}

let componentVersions: { containerd: string; runc: string } | undefined;
function components(): { containerd: string; runc: string } {
  componentVersions ??= {
    containerd: firstLine('containerd', ['--version']).split(' ')[2] ?? '',
    runc: firstLine('runc', ['--version']).split(' ')[2] ?? '',
  };
  return componentVersions;
}

function osName(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m ? m[1] : 'Linux';
  } catch { return 'Linux'; }
}

function osVersion(): string {
  try {
    const m = /^VERSION_ID="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m ? m[1] : '';
  } catch { return ''; }
}

export function versionInfo() {
  const c = components();
  return {
    Platform: { Name: 'berth' },
    Components: [
      { Name: 'Engine', Version: ENGINE_VERSION, Details: { ApiVersion: API_VERSION, Arch: goArch(), BuildTime: '', Experimental: 'false', GitCommit: '', GoVersion: `node${process.versions.node}`, KernelVersion: os.release(), MinAPIVersion: MIN_API_VERSION, Os: 'linux' } },
      { Name: 'containerd', Version: c.containerd, Details: { GitCommit: '' } },
      { Name: 'runc', Version: c.runc, Details: { GitCommit: '' } },
    ],
    Version: ENGINE_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: '',
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: goArch(),
    KernelVersion: os.release(),
    BuildTime: '',
  };
}

function engineId(d: Daemon): string {
  const file = d.path('engine-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID();
  writeFileSync(file, id);
  return id;
}

const has = (path: string) => existsSync(path);

export async function systemInfo(d: Daemon) {
  const counts = d.containers.counts();
  const c = components();
  const cgroupV2 = has('/sys/fs/cgroup/cgroup.controllers');
  return {
    ID: engineId(d),
    Containers: counts.total,
    ContainersRunning: counts.running,
    ContainersPaused: counts.paused,
    ContainersStopped: counts.stopped,
    Images: await d.images.count(),
    Driver: 'overlayfs',
    DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null, Log: ['json-file', 'none'] },
    MemoryLimit: has('/sys/fs/cgroup/memory') || cgroupV2,
    SwapLimit: has('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes'),
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: !cgroupV2,
    IPv4Forwarding: readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() === '1',
    BridgeNfIptables: true,
    BridgeNfIp6tables: true,
    Debug: d.config.debug,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: d.config.logDriver,
    CgroupDriver: 'cgroupfs',
    CgroupVersion: cgroupV2 ? '2' : '1',
    NEventsListener: 0,
    KernelVersion: os.release(),
    OperatingSystem: osName(),
    OSVersion: osVersion(),
    OSType: 'linux',
    Architecture: os.machine(),
    IndexServerAddress: '',
    RegistryConfig: { AllowNondistributableArtifactsCIDRs: null, AllowNondistributableArtifactsHostnames: null, InsecureRegistryCIDRs: ['127.0.0.0/8', '::1/128'], IndexConfigs: {}, Mirrors: null },
    NCPU: os.cpus().length,
    MemTotal: os.totalmem(),
    GenericResources: null,
    DockerRootDir: d.config.dataRoot,
    HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? '',
    HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? '',
    NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? '',
    Name: os.hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: ENGINE_VERSION,
    Runtimes: { runc: { path: 'runc' }, 'io.containerd.runc.v2': { path: 'runc' } },
    DefaultRuntime: d.config.runtime,
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: '',
    ContainerdCommit: { ID: c.containerd },
    RuncCommit: { ID: c.runc },
    InitCommit: { ID: '' },
    SecurityOptions: ['name=seccomp,profile=builtin', ...(cgroupV2 ? ['name=cgroupns'] : [])],
    Warnings: [],
  };
}
