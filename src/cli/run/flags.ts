// The flags `run` and `create` share (docker's container options), with docker's help texts.
import type { FlagSpec } from '../flags.js';
import { parseBytes, parseGoDuration } from '../format/units.js';
import { extraHost, parseMount, parseUlimit } from './flag-values.js';

/** A flag validator from a parser: the parser's error message is the flag's problem. */
function validWith(parse: (raw: string) => unknown): (raw: string) => string | undefined {
  return (raw) => {
    try {
      parse(raw);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
}

const validBytes = validWith(parseBytes);
/** --memory-swap also takes -1 (unlimited swap). */
const validSwap = (raw: string): string | undefined => (raw === '-1' ? undefined : validBytes(raw));
const validDuration = validWith(parseGoDuration);

const validDecimal = (raw: string) => (/^\d+(\.\d+)?$/.test(raw) ? undefined : `failed to parse ${raw} as a rational number`);
const validators: Record<string, (raw: string) => string | undefined> = {
  bytes: validBytes,
  duration: validDuration,
  decimal: validDecimal,
  mount: validWith(parseMount),
  ulimit: validWith(parseUlimit),
};

const b = (name: string, usage: string, short?: string, def?: boolean): FlagSpec => ({ name, short, kind: 'bool', usage, default: def });
const s = (name: string, usage: string, short?: string, typeName?: string, def?: string): FlagSpec => ({
  name,
  short,
  kind: 'string',
  usage,
  typeName,
  default: def,
  validate: typeName ? validators[typeName] : undefined,
});
const l = (name: string, usage: string, short?: string, typeName?: string): FlagSpec => ({
  name,
  short,
  kind: 'list',
  usage,
  typeName,
  validate: typeName ? validators[typeName] : undefined,
});
const i = (name: string, usage: string, short?: string, def?: number): FlagSpec => ({ name, short, kind: 'int', usage, default: def });

export const containerFlags: FlagSpec[] = [
  { name: 'add-host', kind: 'list', usage: 'Add a custom host-to-IP mapping (host:ip)', validate: validWith(extraHost) },
  l('attach', 'Attach to STDIN, STDOUT or STDERR', 'a'),
  { name: 'blkio-weight', kind: 'int', typeName: 'uint16', usage: 'Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)' },
  { name: 'blkio-weight-device', kind: 'list', usage: 'Block IO weight (relative device weight)', default: '[]' },
  l('cap-add', 'Add Linux capabilities'),
  l('cap-drop', 'Drop Linux capabilities'),
  s('cgroup-parent', 'Optional parent cgroup for the container'),
  s(
    'cgroupns',
    "Cgroup namespace to use (host|private)\n'host':    Run the container in the Docker host's cgroup namespace\n'private': Run the container in its own private cgroup namespace\n'':        Use the cgroup namespace as configured by the\n           default-cgroupns-mode option on the daemon (default)",
  ),
  s('cidfile', 'Write the container ID to the file'),
  i('cpu-period', 'Limit CPU CFS (Completely Fair Scheduler) period'),
  i('cpu-quota', 'Limit CPU CFS (Completely Fair Scheduler) quota'),
  i('cpu-rt-period', 'Limit CPU real-time period in microseconds'),
  i('cpu-rt-runtime', 'Limit CPU real-time runtime in microseconds'),
  i('cpu-shares', 'CPU shares (relative weight)', 'c'),
  s('cpus', 'Number of CPUs', undefined, 'decimal'),
  s('cpuset-cpus', 'CPUs in which to allow execution (0-3, 0,1)'),
  s('cpuset-mems', 'MEMs in which to allow execution (0-3, 0,1)'),
  l('device', 'Add a host device to the container'),
  l('device-cgroup-rule', 'Add a rule to the cgroup allowed devices list'),
  { name: 'device-read-bps', kind: 'list', usage: 'Limit read rate (bytes per second) from a device', default: '[]' },
  { name: 'device-read-iops', kind: 'list', usage: 'Limit read rate (IO per second) from a device', default: '[]' },
  { name: 'device-write-bps', kind: 'list', usage: 'Limit write rate (bytes per second) to a device', default: '[]' },
  { name: 'device-write-iops', kind: 'list', usage: 'Limit write rate (IO per second) to a device', default: '[]' },
  b('disable-content-trust', 'Skip image verification', undefined, true),
  l('dns', 'Set custom DNS servers'),
  l('dns-option', 'Set DNS options'),
  l('dns-search', 'Set custom DNS search domains'),
  s('domainname', 'Container NIS domain name'),
  s('entrypoint', 'Overwrite the default ENTRYPOINT of the image'),
  l('env', 'Set environment variables', 'e'),
  l('env-file', 'Read in a file of environment variables'),
  l('expose', 'Expose a port or a range of ports'),
  s('gpus', "GPU devices to add to the container ('all' to pass all GPUs)", undefined, 'gpu-request'),
  l('group-add', 'Add additional groups to join'),
  s('health-cmd', 'Command to run to check health'),
  s('health-interval', 'Time between running the check (ms|s|m|h) (default 0s)', undefined, 'duration'),
  i('health-retries', 'Consecutive failures needed to report unhealthy'),
  s('health-start-period', 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)', undefined, 'duration'),
  s('health-timeout', 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)', undefined, 'duration'),
  s('hostname', 'Container host name', 'h'),
  b('init', 'Run an init inside the container that forwards signals and reaps processes'),
  b('interactive', 'Keep STDIN open even if not attached', 'i'),
  s('ip', 'IPv4 address (e.g., 172.30.100.104)'),
  s('ip6', 'IPv6 address (e.g., 2001:db8::33)'),
  s('ipc', 'IPC mode to use'),
  s('isolation', 'Container isolation technology'),
  s('kernel-memory', 'Kernel memory limit', undefined, 'bytes'),
  l('label', 'Set meta data on a container', 'l'),
  l('label-file', 'Read in a line delimited file of labels'),
  l('link', 'Add link to another container'),
  l('link-local-ip', 'Container IPv4/IPv6 link-local addresses'),
  s('log-driver', 'Logging driver for the container'),
  l('log-opt', 'Log driver options'),
  s('mac-address', 'Container MAC address (e.g., 92:d0:c6:0a:29:33)'),
  s('memory', 'Memory limit', 'm', 'bytes'),
  s('memory-reservation', 'Memory soft limit', undefined, 'bytes'),
  { ...s('memory-swap', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", undefined, 'bytes'), validate: validSwap },
  i('memory-swappiness', 'Tune container memory swappiness (0 to 100)', undefined, -1),
  l('mount', 'Attach a filesystem mount to the container', undefined, 'mount'),
  s('name', 'Assign a name to the container'),
  l('network', 'Connect a container to a network', undefined, 'network'),
  l('network-alias', 'Add network-scoped alias for the container'),
  b('no-healthcheck', 'Disable any container-specified HEALTHCHECK'),
  b('oom-kill-disable', 'Disable OOM Killer'),
  i('oom-score-adj', "Tune host's OOM preferences (-1000 to 1000)"),
  s('pid', 'PID namespace to use'),
  i('pids-limit', 'Tune container pids limit (set -1 for unlimited)'),
  s('platform', 'Set platform if server is multi-platform capable'),
  b('privileged', 'Give extended privileges to this container'),
  l('publish', "Publish a container's port(s) to the host", 'p'),
  b('publish-all', 'Publish all exposed ports to random ports', 'P'),
  { name: 'pull', kind: 'string', usage: 'Pull image before running ("always", "missing", "never")', default: 'missing' },
  b('quiet', 'Suppress the pull output', 'q'),
  b('read-only', "Mount the container's root filesystem as read only"),
  { name: 'restart', kind: 'string', usage: 'Restart policy to apply when a container exits', default: 'no' },
  b('rm', 'Automatically remove the container and its associated anonymous volumes when it exits'),
  s('runtime', 'Runtime to use for this container'),
  l('security-opt', 'Security Options'),
  s('shm-size', 'Size of /dev/shm', undefined, 'bytes'),
  s('stop-signal', 'Signal to stop the container'),
  i('stop-timeout', 'Timeout (in seconds) to stop a container'),
  l('storage-opt', 'Storage driver options for the container'),
  { name: 'sysctl', kind: 'list', typeName: 'map', usage: 'Sysctl options', default: 'map[]' },
  l('tmpfs', 'Mount a tmpfs directory'),
  b('tty', 'Allocate a pseudo-TTY', 't'),
  { name: 'ulimit', kind: 'list', typeName: 'ulimit', usage: 'Ulimit options', default: '[]', validate: validators.ulimit },
  b('use-api-socket', 'Bind mount Docker API socket and required auth'),
  s('user', 'Username or UID (format: <name|uid>[:<group|gid>])', 'u'),
  s('userns', 'User namespace to use'),
  s('uts', 'UTS namespace to use'),
  l('volume', 'Bind mount a volume', 'v'),
  s('volume-driver', 'Optional volume driver for the container'),
  l('volumes-from', 'Mount volumes from the specified container(s)'),
  s('workdir', 'Working directory inside the container', 'w'),
  { name: 'help', kind: 'bool', usage: 'Print usage' },
];

export const runOnlyFlags: FlagSpec[] = [
  b('detach', 'Run container in background and print container ID', 'd'),
  s('detach-keys', 'Override the key sequence for detaching a container'),
  b('sig-proxy', 'Proxy received signals to the process', undefined, true),
];

/** `create` describes --pull differently (docker's wording, stray bar included). */
export const createFlags: FlagSpec[] = containerFlags.map((f) =>
  f.name === 'pull' ? { ...f, usage: 'Pull image before creating ("always", "|missing", "never")' } : f,
);
