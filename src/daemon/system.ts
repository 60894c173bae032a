// What /version and /info report about this engine and its host.
import { access, readFile, readdir, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Daemon } from './daemon.js';
import { API_VERSION, MIN_API_VERSION } from '../common/api-version.js';
import { goArch } from '../image/platform.js';
import { INDEX_SERVER } from '../image/reference.js';

const run = promisify(execFile);

export const ENGINE_VERSION = '0.1.0';

/** What berthd learns about its host and components once, at start-up, off every request path. */
export interface HostFacts {
  containerd: string;
  runc: string;
  osName: string;
  osVersion: string;
  engineId: string;
  cgroupV2: boolean;
  memoryLimit: boolean;
  swapLimit: boolean;
}

async function secondWord(cmd: string, args: string[]): Promise<string> {
  try { return (await run(cmd, args)).stdout.split('\n')[0].trim().split(' ')[2] ?? ''; } catch { return ''; }
}

async function engineId(file: string): Promise<string> {
  try { return (await readFile(file, 'utf8')).trim(); } catch { /* first start */ }
  const id = randomUUID();
  await writeFile(file, id);
  return id;
}

export async function loadHostFacts(engineIdFile: string): Promise<HostFacts> {
  const release = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const field = (key: string) => new RegExp(`^${key}="?([^"\\n]*)"?`, 'm').exec(release)?.[1];
  const exists = (path: string) => access(path).then(() => true, () => false);
  const [containerd, runc, id, cgroupV2, memory, swapLimit] = await Promise.all([
    secondWord('containerd', ['--version']), secondWord('runc', ['--version']), engineId(engineIdFile),
    exists('/sys/fs/cgroup/cgroup.controllers'), exists('/sys/fs/cgroup/memory'),
    exists('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes'),
  ]);
  return {
    containerd, runc, osName: field('PRETTY_NAME') ?? 'Linux', osVersion: field('VERSION_ID') ?? '', engineId: id,
    cgroupV2, memoryLimit: memory || cgroupV2, swapLimit,
  };
}

export function versionInfo(c: HostFacts) {
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

export async function systemInfo(d: Daemon) {
  const counts = d.containers.counts();
  const c = d.host;
  const cgroupV2 = c.cgroupV2;
  return {
    ID: c.engineId,
    Containers: counts.total,
    ContainersRunning: counts.running,
    ContainersPaused: counts.paused,
    ContainersStopped: counts.stopped,
    Images: await d.images.count(),
    Driver: 'overlayfs',
    DriverStatus: [['driver-type', 'io.containerd.snapshotter.v1']],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'none'], Authorization: null, Log: ['json-file', 'none'] },
    MemoryLimit: c.memoryLimit,
    SwapLimit: c.swapLimit,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: !cgroupV2,
    IPv4Forwarding: (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8').catch(() => '')).trim() === '1',
    BridgeNfIptables: true,
    BridgeNfIp6tables: true,
    Debug: d.config.debug,
    NFd: (await readdir('/proc/self/fd').catch(() => [])).length,
    // Node has no goroutines: the nearest true count is that of the event loop's live resources
    // (sockets, timers, pending file and process operations).
    NGoroutines: process.getActiveResourcesInfo().length,
    SystemTime: new Date().toISOString(),
    LoggingDriver: d.config.logDriver,
    CgroupDriver: 'cgroupfs',
    CgroupVersion: cgroupV2 ? '2' : '1',
    NEventsListener: d.events.listeners(),
    KernelVersion: os.release(),
    OperatingSystem: c.osName,
    OSVersion: c.osVersion,
    OSType: 'linux',
    Architecture: os.machine(),
    IndexServerAddress: INDEX_SERVER,
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
    // Containers always outlive berthd and a restarted berthd restores them: live restore is on.
    LiveRestoreEnabled: true,
    Isolation: '',
    InitBinary: '',
    ContainerdCommit: { ID: c.containerd },
    RuncCommit: { ID: c.runc },
    InitCommit: { ID: '' },
    SecurityOptions: ['name=seccomp,profile=builtin', ...(cgroupV2 ? ['name=cgroupns'] : [])],
    Warnings: [],
  };
}
