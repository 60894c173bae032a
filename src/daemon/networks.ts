// The Engine's networks as a daemon service: the predefined `bridge` (CNI bridge + host-local +
// portmap), `host` and `none` networks with their filters and state under the data-root, the
// endpoints of containers, their published ports and /etc files. The drivers live in src/network.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../common/atomic-file.js';
import { join } from 'node:path';
import type { Daemon } from './daemon.js';
import { conflict, invalid, notFound } from '../common/errors.js';
import { checkFilterNames, matchLabels, type Filters } from '../common/filters.js';
import { addChain, delChain, invokePlugin } from '../network/cni.js';
import { ensureBridge, loadNetworks, readJson, type NetworksFile } from '../network/default-bridge.js';
import { teardownBridge } from '../network/teardown.js';
import { writeEtc } from '../network/etc-files.js';
import { AddressPicker } from '../network/ipam.js';
import { macFromIp } from '../network/ipv4.js';
import { PortRegistry, wantedPorts } from '../network/ports.js';
import { networkResource, networkSettings, PREDEFINED, type Endpoint, type PredefinedName } from '../network/resources.js';
import type { NetworkRequest, NetworkResource, NetworkSettings, NetworkState, PreparedNetwork, PublishedPort } from '../network/types.js';
import { compileUserRegexp } from '../common/regexp.js';

const IFNAME = 'eth0';
const hex64 = () => randomBytes(32).toString('hex');

type Plugin = Record<string, unknown> & { type: string };

/** Identity of a network namespace file, to tell it apart from a reused pid's namespace. */
async function nsIdentity(path: string): Promise<string> {
  try { const s = await stat(path); return `${s.dev}:${s.ino}`; } catch { return ''; }
}

export class NetworkService {
  private nets!: NetworksFile;
  private ports!: PortRegistry;
  private picker!: AddressPicker;
  private readonly endpoints = new Map<string, Endpoint>();
  /** CNI DELs still running (callers need not wait for them), with the host ports they unpublish. */
  private readonly releasing = new Map<string, { ports: PublishedPort[]; done: Promise<void> }>();

  constructor(readonly d: Daemon) {}

  private dir(...parts: string[]): string { return this.d.path('network', ...parts); }

  /** Makes the default bridge ready (device, address, forwarding, NAT); safe to call on every start. */
  async init(): Promise<void> {
    mkdirSync(this.dir('endpoints'), { recursive: true });
    const c = this.d.config;
    this.nets = await loadNetworks({ dataRoot: c.dataRoot, bridge: c.bridge, bip: c.bip, pools: c.defaultAddressPools }, this.dir('networks.json'));
    await ensureBridge(this.nets.bridge, c.iptables);
    this.ports = new PortRegistry(this.dir('ports'));
    this.picker = new AddressPicker(this.dir('ipam', 'bridge'), this.nets.bridge.subnet, this.nets.bridge.gateway);
    for (const f of readdirSync(this.dir('endpoints'))) {
      const ep = readJson<Endpoint>(this.dir('endpoints', f));
      if (ep && f.endsWith('.json')) this.endpoints.set(f.slice(0, -5), ep);
    }
  }

  /** The bridge device of the default network (e.g. `berth0`). */
  get bridgeDevice(): string { return this.nets.bridge.device; }

  list(filters: Filters = new Map()): NetworkResource[] {
    checkFilterNames(filters, ['name', 'id', 'driver', 'type', 'label', 'scope', 'dangling']);
    for (const t of filters.get('type') ?? []) if (t !== 'builtin' && t !== 'custom') throw invalid(`invalid filter: 'type'='${t}'`);
    const match = (wanted: string[] | undefined, value: string) => !wanted || wanted.some((w) => {
      try { return compileUserRegexp(w).test(value); } catch { return value.includes(w); }
    });
    return PREDEFINED.map((n) => networkResource(n, this.nets)).filter((n) =>
      match(filters.get('name'), n.Name)
      && match(filters.get('id'), n.Id)
      && (!filters.get('driver') || filters.get('driver')!.includes(n.Driver))
      && (!filters.get('type') || filters.get('type')!.includes('builtin'))
      && (!filters.get('scope') || filters.get('scope')!.includes('local'))
      && (!filters.get('dangling') || filters.get('dangling')!.includes('false'))
      && matchLabels(filters.get('label'), n.Labels));
  }

  /** By name, full id or unique id prefix; 404 `network X not found`. */
  inspect(ref: string): NetworkResource {
    return networkResource(this.resolve(ref), this.nets, this.endpoints);
  }

  resolve(ref: string): PredefinedName {
    const byName = PREDEFINED.find((n) => n === ref);
    if (byName) return byName;
    const byId = PREDEFINED.filter((n) => ref.length > 0 && this.nets[n].id.startsWith(ref));
    if (byId.length === 1) return byId[0];
    throw notFound(`network ${ref} not found`);
  }

  /** 'bridge' | 'host' | 'none' | 'container' for a request's NetworkMode. */
  private modeOf(req: NetworkRequest): NetworkState['mode'] {
    const m = req.networkMode || 'default';
    if (m === 'default' || m === 'bridge') return 'bridge';
    if (m === 'host' || m === 'none') return m;
    if (m.startsWith('container:')) return 'container';
    return this.resolve(m);
  }

  /** The running container a `container:<ref>` mode joins, by id, unique id prefix or name. */
  private joinedEndpoint(req: NetworkRequest): [string, Endpoint] {
    const ref = req.networkMode.slice('container:'.length);
    const all = [...this.endpoints];
    const hit = all.find(([id]) => id === ref)
      ?? all.find(([, ep]) => ep.name.replace(/^\//, '') === ref.replace(/^\//, ''))
      ?? (all.filter(([id]) => id.startsWith(ref)).length === 1 ? all.find(([id]) => id.startsWith(ref)) : undefined);
    if (!hit) throw conflict(`cannot join network of a non running container: ${ref}`);
    return hit;
  }

  async prepare(req: NetworkRequest): Promise<PreparedNetwork> {
    const mode = this.modeOf(req);
    if (mode === 'host') return { netns: 'host' };
    if (mode === 'container') {
      const [, ep] = this.joinedEndpoint(req);
      if (ep.state.mode === 'host') return { netns: 'host' };
      return { netns: ep.state.netnsPath };
    }
    return { netns: 'new' };
  }

  private bridgePlugin(ip?: string, mac?: string): Plugin {
    const b = this.nets.bridge;
    return {
      type: 'bridge',
      bridge: b.device,
      isGateway: true,
      ipMasq: false,
      hairpinMode: true,
      mtu: 1500,
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet: b.subnet, gateway: b.gateway }]],
        routes: [{ dst: '0.0.0.0/0' }],
        dataDir: this.dir('ipam'),
      },
      ...(ip ? { runtimeConfig: { ips: [`${ip}/${b.subnet.split('/')[1]}`], mac } } : {}),
    };
  }

  private portmapPlugin(ports: PublishedPort[]): Plugin {
    return {
      type: 'portmap',
      snat: true,
      capabilities: { portMappings: true },
      runtimeConfig: {
        portMappings: ports.map((p) => ({
          hostPort: p.hostPort,
          containerPort: p.containerPort,
          protocol: p.protocol,
          hostIP: p.hostIp === '0.0.0.0' ? '' : p.hostIp,
        })),
      },
    };
  }

  private chain(state: Pick<NetworkState, 'ipAddress' | 'macAddress' | 'ports'>): Plugin[] {
    const plugins = [this.bridgePlugin(state.ipAddress, state.macAddress)];
    if (state.ports.length) plugins.push(this.portmapPlugin(state.ports));
    return plugins;
  }

  private async remember(containerId: string, name: string, state: NetworkState): Promise<void> {
    const ep = { name, state };
    this.endpoints.set(containerId, ep);
    await writeFileAtomic(this.dir('endpoints', `${containerId}.json`), JSON.stringify(ep));
  }

  /** CNI ADD into the new process's netns (bridge), loopback up (bridge, none), ports published. */
  async attach(req: NetworkRequest, pid: number): Promise<NetworkState> {
    const mode = this.modeOf(req);
    const netnsPath = mode === 'host' ? '' : `/proc/${pid}/ns/net`;
    const state: NetworkState = {
      mode,
      network: mode === 'container' ? this.joinedEndpoint(req)[0] : mode,
      pid,
      netnsPath,
      netnsId: netnsPath ? await nsIdentity(netnsPath) : '',
      sandboxId: hex64(),
      endpointId: mode === 'container' ? '' : hex64(),
      ipAddress: '',
      prefixLen: 0,
      gateway: '',
      macAddress: '',
      ports: [],
    };
    const call = { containerId: req.containerId, netns: netnsPath };
    const loopback = mode === 'bridge' || mode === 'none'
      ? invokePlugin({ type: 'loopback', name: 'loopback' }, { ...call, command: 'ADD', ifName: 'lo' })
      : Promise.resolve();
    if (mode !== 'bridge') {
      await loopback;
      await this.remember(req.containerId, req.name, state);
      return state;
    }
    const endpointName = `${req.name.replace(/^\//, '')} (${state.endpointId})`;
    const [ip, ports] = await Promise.all([
      this.picker.reserve(),
      this.ports.allocate(req.containerId, wantedPorts(req), endpointName),
    ]).catch(async (e) => { await this.ports.release(req.containerId); throw e; });
    Object.assign(state, {
      ipAddress: ip,
      prefixLen: Number(this.nets.bridge.subnet.split('/')[1]),
      gateway: this.nets.bridge.gateway,
      macAddress: req.macAddress || macFromIp(ip),
      ports,
    });
    try {
      await this.cleared(req.containerId, ports);
      const [result] = await Promise.all([addChain('bridge', this.chain(state), { ...call, ifName: IFNAME }), loopback]);
      state.cniResult = result;
    } catch (e) {
      await delChain('bridge', this.chain(state), undefined, { ...call, ifName: IFNAME }).catch(() => undefined);
      await this.ports.release(req.containerId);
      throw e;
    } finally {
      this.picker.release(ip);
    }
    await this.remember(req.containerId, req.name, state);
    return state;
  }

  /**
   * CNI DEL and port release; idempotent, fine after a restart or once the process is gone.
   * The ports and the endpoint are released at once, so a caller may leave the (slow: portmap's
   * iptables work) DEL to finish in the background: an attach that could clash with it waits.
   */
  async detach(containerId: string, state: NetworkState): Promise<void> {
    this.endpoints.delete(containerId);
    await Promise.all([this.ports.release(containerId), rm(this.dir('endpoints', `${containerId}.json`), { force: true })]);
    if (state.mode !== 'bridge') return;
    // A reused pid would name another process's namespace: only pass it when it is still ours.
    const netns = state.netnsPath && state.netnsId && await nsIdentity(state.netnsPath) === state.netnsId ? state.netnsPath : '';
    const done = delChain('bridge', this.chain(state), state.cniResult, { containerId, netns, ifName: IFNAME });
    const entry = { ports: state.ports, done: done.catch(() => undefined) };
    this.releasing.set(containerId, entry);
    try {
      await done;
    } finally {
      if (this.releasing.get(containerId) === entry) this.releasing.delete(containerId);
    }
  }

  /** Waits for the DELs of the same container (CNI keys its IPs by id) or of the same host ports. */
  private async cleared(containerId: string, ports: PublishedPort[]): Promise<void> {
    const clash = (held: PublishedPort[]) => held.some((h) => ports.some((p) => p.hostPort === h.hostPort && p.protocol === h.protocol));
    await Promise.all([...this.releasing].filter(([id, r]) => id === containerId || clash(r.ports)).map(([, r]) => r.done));
  }

  /** Resolves once every DEL still running in the background finished. */
  async settle(): Promise<void> {
    while (this.releasing.size) await Promise.all([...this.releasing.values()].map((r) => r.done));
  }

  settings(state: NetworkState | undefined, req: NetworkRequest): NetworkSettings {
    const m = req.networkMode || 'default';
    const mode = m === 'default' ? 'bridge' : m;
    return networkSettings(state, req, mode, this.nets);
  }

  async writeEtcFiles(dir: string, req: NetworkRequest, state?: NetworkState): Promise<{ hostsPath: string; hostnamePath: string; resolvConfPath: string }> {
    // Called at create too, where Docker does not check the network yet: never throws for an unknown one.
    const m = req.networkMode || 'default';
    const mode = m === 'default' ? 'bridge' : m.startsWith('container:') ? 'container' : m;
    return writeEtc(dir, {
      hostname: req.hostname,
      domainname: req.domainname,
      hostMode: mode === 'host' || (mode === 'container' && state?.network !== undefined && this.endpoints.get(state.network)?.state.mode === 'host'),
      extraHosts: req.extraHosts ?? [],
      dns: req.dns ?? [],
      dnsSearch: req.dnsSearch ?? [],
      dnsOptions: req.dnsOptions ?? [],
      ip: state?.mode === 'bridge' ? state.ipAddress : undefined,
      hostGateway: this.nets.bridge.gateway,
      linkLines: mode === 'bridge' ? this.linkLines(req.links ?? []) : [],
    });
  }

  /** `--link name:alias` as Docker writes it into hosts: `ip\talias id12 name`, for running targets. */
  private linkLines(links: string[]): string[] {
    const out: string[] = [];
    for (const link of links) {
      const [target, alias] = link.split(':').map((p) => p.replace(/^\//, '').split('/').pop() ?? '');
      const hit = [...this.endpoints].find(([, ep]) => ep.name.replace(/^\//, '') === target && ep.state.mode === 'bridge');
      if (!hit) continue;
      const names = [alias || target, hit[0].slice(0, 12), target].filter((n, i, all) => all.indexOf(n) === i);
      out.push(`${hit[1].state.ipAddress}\t${names.join(' ')}`);
    }
    return out;
  }

  /**
   * Tears down what init() and attach() put on the host for this data root: every remembered
   * endpoint, the bridge device, berth's iptables rules for it, and portmap's chains when idle.
   */
  async removeAll(): Promise<void> {
    for (const [id, ep] of [...this.endpoints]) await this.detach(id, ep.state).catch(() => undefined);
    await this.settle();
    await teardownBridge(this.nets.bridge.device);
  }
}
