// Linux capabilities of a container, computed the way Docker does: its default set, then
// HostConfig.CapDrop / CapAdd ("ALL", with or without the CAP_ prefix, any case).
// "ALL" (and --privileged) means every capability in THIS host's bounding set: runc cannot
// grant a capability the engine itself lacks (this sandbox has no CAP_SYS_RESOURCE).
import { readFileSync } from 'node:fs';
import { invalid } from '../common/errors.js';

// Indexed by capability number (linux/capability.h).
const KNOWN = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
].map((c) => `CAP_${c}`);

export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

let hostCaps: string[] | undefined;

/** The capabilities in this process's bounding set (CapBnd of /proc/self/status), in number order. */
export function hostCapabilities(): string[] {
  if (!hostCaps) {
    const line = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    const mask = BigInt(`0x${line ? line[1] : '0'}`);
    hostCaps = KNOWN.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
  }
  return hostCaps;
}

function normalize(list: string[] | null | undefined, field: 'CapAdd' | 'CapDrop'): string[] {
  return (list ?? []).map((raw) => {
    const upper = raw.toUpperCase();
    if (upper === 'ALL') return upper;
    const name = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
    if (!KNOWN.includes(name)) throw invalid(`invalid ${field}: unknown capability: "${name}"`);
    return name;
  });
}

/** The capability list a container gets (Docker's TweakCapabilities, privileged → all host caps). */
export function containerCapabilities(capAdd: string[] | null | undefined, capDrop: string[] | null | undefined,
  privileged: boolean): string[] {
  const adds = normalize(capAdd, 'CapAdd');
  const drops = normalize(capDrop, 'CapDrop');
  if (privileged) return [...hostCapabilities()];
  let caps: string[];
  if (adds.includes('ALL')) caps = hostCapabilities().filter((c) => !drops.includes(c));
  else if (drops.includes('ALL')) caps = adds;
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds];
  return [...new Set(caps)];
}
