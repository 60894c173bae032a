// The default `bridge` network of one data root: its device name, subnet and gateway (chosen
// once and persisted), the bridge device itself, IP forwarding and its firewall rules.
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { formatCidr, intToIp, network, overlaps, parseCidr, size, type Cidr } from './ipv4.js';
import { ensureBridgeRules } from './iptables.js';

const exec = promisify(execFile);

const DEFAULT_DATA_ROOT = '/var/lib/berth';

export interface PredefinedRecord { id: string; created: string }
export interface BridgeRecord extends PredefinedRecord { device: string; subnet: string; gateway: string }
export interface NetworksFile { bridge: BridgeRecord; host: PredefinedRecord; none: PredefinedRecord }

export interface BridgeOptions { dataRoot: string; bridge: string; bip: string; pools: { base: string; size: number }[] }

function deviceName(dataRoot: string, configured: string): string {
  if (configured) return configured;
  if (dataRoot.replace(/\/+$/, '') === DEFAULT_DATA_ROOT) return 'berth0';
  return `berth${createHash('sha256').update(dataRoot).digest('hex').slice(0, 6)}`;
}

const newRecord = (): PredefinedRecord => ({ id: randomBytes(32).toString('hex'), created: new Date().toISOString() });

export function readJson<T>(path: string): T | undefined {
  try { return JSON.parse(readFileSync(path, 'utf8')) as T; } catch { return undefined; }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, path);
}

/** IPv4 networks already in use on the host: interface addresses and routes (except our own bridge). */
async function hostNetworks(ownDevice: string): Promise<Cidr[]> {
  const out: Cidr[] = [];
  const addrs = JSON.parse((await exec('ip', ['-j', '-4', 'addr', 'show'])).stdout) as { ifname: string; addr_info?: { local: string; prefixlen: number }[] }[];
  for (const link of addrs) {
    if (link.ifname === ownDevice) continue;
    for (const a of link.addr_info ?? []) out.push(network({ base: parseCidr(`${a.local}/${a.prefixlen}`).base, prefix: a.prefixlen }));
  }
  const routes = JSON.parse((await exec('ip', ['-j', '-4', 'route', 'show', 'table', 'all'])).stdout) as { dst: string; dev?: string; type?: string }[];
  for (const r of routes) {
    if (r.dev === ownDevice || r.dst === 'default' || (r.type && r.type !== 'unicast')) continue;
    try { out.push(network(parseCidr(r.dst.includes('/') ? r.dst : `${r.dst}/32`))); } catch { /* not an IPv4 route */ }
  }
  return out;
}

/** Candidate subnets in Docker's order: the configured pools, else 172.17-31/16 then 192.168.x/20. */
function* candidates(pools: { base: string; size: number }[]): Generator<Cidr> {
  if (pools.length) {
    for (const pool of pools) {
      const base = network(parseCidr(pool.base));
      const step = 2 ** (32 - pool.size);
      for (let n = 0; n < size(base) / step; n++) yield { base: base.base + n * step, prefix: pool.size };
    }
    return;
  }
  for (let b = 17; b <= 31; b++) yield parseCidr(`172.${b}.0.0/16`);
  for (let c = 0; c < 256; c += 16) yield parseCidr(`192.168.${c}.0/20`);
}

async function chooseSubnet(device: string, pools: BridgeOptions['pools']): Promise<Cidr> {
  const used = await hostNetworks(device);
  for (const c of candidates(pools)) if (!used.some((u) => overlaps(u, c))) return c;
  throw new Error('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}

/** Loads or creates the persisted records of the predefined networks, settling the bridge's subnet. */
export async function loadNetworks(opts: BridgeOptions, file: string): Promise<NetworksFile> {
  const saved = readJson<NetworksFile>(file);
  const device = deviceName(opts.dataRoot, opts.bridge);
  let subnet: string;
  let gateway: string;
  if (opts.bip) {
    const bip = parseCidr(opts.bip);
    subnet = formatCidr(network(bip));
    gateway = intToIp(bip.base);
  } else if (saved?.bridge?.subnet) {
    ({ subnet, gateway } = saved.bridge);
  } else {
    const c = await chooseSubnet(device, opts.pools);
    subnet = formatCidr(c);
    gateway = intToIp(c.base + 1);
  }
  const rec: NetworksFile = {
    bridge: { ...(saved?.bridge ?? newRecord()), device, subnet, gateway },
    host: saved?.host ?? newRecord(),
    none: saved?.none ?? newRecord(),
  };
  if (JSON.stringify(rec) !== JSON.stringify(saved)) writeJsonAtomic(file, rec);
  return rec;
}

function sysctl(key: string, value: string): void {
  const path = join('/proc/sys', ...key.split('.'));
  if (readFileSync(path, 'utf8').trim() !== value) writeFileSync(path, value);
}

/** Creates the bridge device with its gateway address if missing, turns forwarding on, adds the NAT rules. */
export async function ensureBridge(rec: BridgeRecord, iptablesOn: boolean): Promise<void> {
  const prefix = rec.subnet.split('/')[1];
  if (!existsSync(`/sys/class/net/${rec.device}`)) {
    await exec('ip', ['link', 'add', 'name', rec.device, 'type', 'bridge']).catch((e: Error) => {
      if (!existsSync(`/sys/class/net/${rec.device}`)) throw e;
    });
  }
  const shown = JSON.parse((await exec('ip', ['-j', '-4', 'addr', 'show', 'dev', rec.device])).stdout) as { addr_info?: { local: string; prefixlen: number }[] }[];
  const addrs = shown[0]?.addr_info ?? [];
  if (!addrs.some((a) => a.local === rec.gateway && String(a.prefixlen) === prefix)) {
    for (const a of addrs) await exec('ip', ['addr', 'del', `${a.local}/${a.prefixlen}`, 'dev', rec.device]);
    await exec('ip', ['addr', 'add', `${rec.gateway}/${prefix}`, 'dev', rec.device]);
  }
  await exec('ip', ['link', 'set', rec.device, 'up']);
  sysctl('net.ipv4.ip_forward', '1');
  if (iptablesOn) await ensureBridgeRules(rec.device, rec.subnet);
}
