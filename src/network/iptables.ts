// Host firewall rules of a berth bridge: NAT to the outside and forwarding to/from the bridge.
// Each rule carries the comment `berth:<bridge>` so that teardown finds exactly its own rules.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export async function iptables(args: string[]): Promise<string> {
  const { stdout } = await exec('iptables', ['-w', '5', ...args]);
  return stdout;
}

async function has(table: string, chain: string, rule: string[]): Promise<boolean> {
  try { await iptables(['-t', table, '-C', chain, ...rule]); return true; } catch { return false; }
}

/** Matches `iptables -S` lines of rules tagged for this bridge. */
const taggedRe = (bridge: string) => new RegExp(`^-A .*--comment "?berth:${bridge.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?( |$)`);

/** The rules a bridge needs, as [table, chain, rule, insert-at-top]. */
function bridgeRules(bridge: string, subnet: string): [string, string, string[], boolean][] {
  const tag = ['-m', 'comment', '--comment', `berth:${bridge}`];
  return [
    ['nat', 'POSTROUTING', ['-s', subnet, '!', '-o', bridge, ...tag, '-j', 'MASQUERADE'], false],
    ['filter', 'FORWARD', ['-i', bridge, ...tag, '-j', 'ACCEPT'], true],
    ['filter', 'FORWARD', ['-o', bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED,DNAT', ...tag, '-j', 'ACCEPT'], true],
  ];
}

/** Adds whichever of the bridge's rules are missing (idempotent); drops a NAT rule left for an older subnet. */
export async function ensureBridgeRules(bridge: string, subnet: string): Promise<void> {
  const tagged = taggedRe(bridge);
  for (const line of (await iptables(['-t', 'nat', '-S', 'POSTROUTING'])).split('\n')) {
    if (tagged.test(line) && !line.includes(`-s ${subnet} `)) await iptables(['-t', 'nat', '-D', ...splitRule(line.slice(3))]);
  }
  for (const [table, chain, rule, top] of bridgeRules(bridge, subnet)) {
    if (await has(table, chain, rule)) continue;
    await iptables(['-t', table, top ? '-I' : '-A', chain, ...(top ? ['1'] : []), ...rule]);
  }
}

/** Deletes every rule tagged for this bridge, in any chain of the nat and filter tables. */
export async function removeBridgeRules(bridge: string): Promise<void> {
  const tagged = taggedRe(bridge);
  for (const table of ['nat', 'filter']) {
    const lines = (await iptables(['-t', table, '-S'])).split('\n');
    for (const line of lines) {
      if (!tagged.test(line)) continue;
      const args = splitRule(line.slice(3));
      await iptables(['-t', table, '-D', ...args]).catch(() => undefined);
    }
  }
}

/** Removes the portmap plugin's shared chains once no container's port mapping remains in them. */
export async function removeIdleHostportChains(): Promise<void> {
  const nat = await iptables(['-t', 'nat', '-S']).catch(() => '');
  if (!nat.includes('-N CNI-HOSTPORT-DNAT') || nat.includes('-A CNI-HOSTPORT-DNAT ')) return;
  for (const line of nat.split('\n')) {
    if (line.startsWith('-A ') && /-j CNI-HOSTPORT-(DNAT|MASQ)$/.test(line)) {
      await iptables(['-t', 'nat', '-D', ...splitRule(line.slice(3))]).catch(() => undefined);
    }
  }
  for (const chain of ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK']) {
    await iptables(['-t', 'nat', '-F', chain]).catch(() => undefined);
    await iptables(['-t', 'nat', '-X', chain]).catch(() => undefined);
  }
}

/** Splits an `iptables -S` line into arguments, honouring double quotes. */
function splitRule(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]);
  return out;
}
