// A container's /etc/hosts, /etc/hostname and /etc/resolv.conf, written as Docker writes them.
// Files are rewritten in place (truncate + write, same inode) because they are bind-mounted.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalid } from '../common/errors.js';

const DEFAULT_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/** Docker's fallback resolvers when the host has none a container can reach. */
const FALLBACK_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];

export interface EtcInput {
  hostname: string;
  domainname: string;
  hostMode: boolean;
  extraHosts: string[];
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  /** The container's address, once attached. */
  ip?: string;
  /** What `host-gateway` stands for in --add-host. */
  hostGateway: string;
  /** Legacy --link entries, resolved: `ip\talias id12 name`. */
  linkLines: string[];
}

async function readOr(path: string, fallback: string): Promise<string> {
  try { return await readFile(path, 'utf8'); } catch { return fallback; }
}

/** `name:ip` (the API form; `name=ip` is accepted too) → `ip\tname`. */
function extraHostLine(entry: string, hostGateway: string): string {
  const sep = entry.search(/[:=]/);
  if (sep <= 0) throw invalid(`invalid argument "${entry}" for "--add-host" flag: bad format for add-host: "${entry}"`);
  const name = entry.slice(0, sep);
  let ip = entry.slice(sep + 1).replace(/^\[(.*)\]$/, '$1');
  if (ip === 'host-gateway') ip = hostGateway;
  return `${ip}\t${name}`;
}

export function hostsContent(base: string[], input: EtcInput): string {
  const lines = [...base, ...input.extraHosts.map((e) => extraHostLine(e, input.hostGateway)), ...input.linkLines];
  if (input.ip) {
    const names = input.domainname ? `${input.hostname}.${input.domainname} ${input.hostname}` : input.hostname;
    lines.push(`${input.ip}\t${names}`);
  }
  return lines.join('\n') + '\n';
}

/** The host's resolv.conf with loopback nameservers dropped and --dns/--dns-search/--dns-option applied. */
export function resolvConfContent(host: string, input: EtcInput): string {
  const overridden = input.dns.length > 0 || input.dnsSearch.length > 0 || input.dnsOptions.length > 0;
  if (input.hostMode && !overridden) return host;
  const lines = host.split('\n');
  const field = (name: string) => lines.filter((l) => l.trim().split(/\s+/)[0] === name).map((l) => l.trim().split(/\s+/).slice(1));
  let nameservers = field('nameserver').map((f) => f[0]).filter(Boolean);
  if (!input.hostMode) nameservers = nameservers.filter((ns) => !/^127\./.test(ns) && ns !== '::1');
  if (!overridden) {
    const kept = lines.filter((l) => {
      const [key, value] = l.trim().split(/\s+/);
      return key !== 'nameserver' || nameservers.includes(value);
    });
    let text = kept.join('\n').replace(/\n*$/, '\n');
    if (nameservers.length === 0) text += FALLBACK_NAMESERVERS.map((ns) => `nameserver ${ns}\n`).join('');
    return text;
  }
  const search = input.dnsSearch.length ? input.dnsSearch : field('search').flat().concat(field('domain').flat());
  const options = input.dnsOptions.length ? input.dnsOptions : field('options').flat();
  const servers = input.dns.length ? input.dns : nameservers.length ? nameservers : FALLBACK_NAMESERVERS;
  const out: string[] = [];
  if (search.length && !(search.length === 1 && search[0] === '.')) out.push(`search ${search.join(' ')}`);
  for (const s of servers) out.push(`nameserver ${s}`);
  if (options.length) out.push(`options ${options.join(' ')}`);
  return out.join('\n') + '\n';
}

/** Writes the three files into `dir`; returns their paths. */
export async function writeEtc(dir: string, input: EtcInput): Promise<{ hostsPath: string; hostnamePath: string; resolvConfPath: string }> {
  const hostsPath = join(dir, 'hosts');
  const hostnamePath = join(dir, 'hostname');
  const resolvConfPath = join(dir, 'resolv.conf');
  const base = input.hostMode
    ? (await readOr('/etc/hosts', DEFAULT_HOSTS.join('\n') + '\n')).replace(/\n*$/, '').split('\n')
    : DEFAULT_HOSTS;
  const hostResolv = await readOr('/etc/resolv.conf', '');
  await Promise.all([
    writeFile(hostsPath, hostsContent(base, { ...input, ip: input.hostMode ? undefined : input.ip }), { mode: 0o644 }),
    writeFile(hostnamePath, `${input.hostname}\n`, { mode: 0o644 }),
    writeFile(resolvConfPath, resolvConfContent(hostResolv, input), { mode: 0o644 }),
  ]);
  return { hostsPath, hostnamePath, resolvConfPath };
}
