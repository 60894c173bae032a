// Published ports: turns HostConfig.PortBindings / PublishAllPorts into concrete host ports,
// picks random ports from the ephemeral range as Docker's allocator does (in order, skipping
// ports taken by other containers or by host processes), and keeps a registry of the ports
// every container holds (persisted under the data root so it survives restarts).
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { internal, invalid } from '../common/errors.js';
import { writeFileAtomic } from '../common/atomic-file.js';
import type { NetworkRequest, PublishedPort } from './types.js';

interface Wanted { hostIp: string; hostPorts: [number, number] | undefined; containerPort: number; protocol: 'tcp' | 'udp' }

function parsePortKey(key: string): { port: number; protocol: 'tcp' | 'udp' } {
  const [p, proto = 'tcp'] = key.split('/');
  const port = Number(p);
  if (!/^\d+$/.test(p) || port < 1 || port > 65535) throw invalid(`invalid port specification: "${key}"`);
  if (proto !== 'tcp' && proto !== 'udp') throw invalid(`invalid proto: ${proto}`);
  return { port, protocol: proto };
}

function parseHostPorts(spec: string | undefined): [number, number] | undefined {
  if (!spec) return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(spec);
  const lo = Number(m?.[1]);
  const hi = m?.[2] ? Number(m[2]) : lo;
  if (!m || lo < 1 || hi > 65535 || hi < lo) throw invalid(`invalid port specification: "${spec}"`);
  return [lo, hi];
}

/** The ports a request asks for, with publish-all applied to exposed ports that have no binding. */
export function wantedPorts(req: NetworkRequest): Wanted[] {
  const out: Wanted[] = [];
  const bindings = req.portBindings ?? {};
  const keys = new Set(Object.keys(bindings));
  if (req.publishAllPorts) for (const k of Object.keys(req.exposedPorts ?? {})) keys.add(k);
  for (const key of [...keys].sort()) {
    const { port, protocol } = parsePortKey(key);
    const list = bindings[key]?.length ? bindings[key] : req.publishAllPorts ? [{}] : [];
    for (const b of list) out.push({ hostIp: b.HostIp || '0.0.0.0', hostPorts: parseHostPorts(b.HostPort), containerPort: port, protocol });
  }
  return out;
}

/** Whether a host process could bind the port right now. */
function canBind(hostIp: string, port: number, protocol: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const s = createSocket('udp4');
      s.once('error', () => { s.close(); resolve(false); });
      s.bind(port, hostIp, () => s.close(() => resolve(true)));
      return;
    }
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: hostIp, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch { /* use Docker's defaults */ }
  return [49153, 65535];
}

export class PortRegistry {
  private readonly held = new Map<string, PublishedPort[]>();
  private readonly range = ephemeralRange();
  /** Where the next random search starts, per protocol and host IP, as in Docker's allocator. */
  private readonly next = new Map<string, number>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.json')) continue;
      try { this.held.set(f.slice(0, -5), JSON.parse(readFileSync(join(dir, f), 'utf8')) as PublishedPort[]); } catch { /* torn file: ignore */ }
    }
  }

  private taken(hostIp: string, port: number, protocol: string): boolean {
    const clash = (p: PublishedPort) => p.hostPort === port && p.protocol === protocol
      && (p.hostIp === hostIp || p.hostIp === '0.0.0.0' || hostIp === '0.0.0.0');
    for (const list of this.held.values()) if (list.some(clash)) return true;
    return false;
  }

  /**
   * Allocates the ports of one container; `endpoint` names it in Docker's error text
   * (`driver failed programming external connectivity on endpoint NAME (ID): …`).
   */
  async allocate(containerId: string, wanted: Wanted[], endpoint: string): Promise<PublishedPort[]> {
    const got: PublishedPort[] = [];
    // Held from the start so that concurrent allocations see the ports picked so far.
    this.held.set(containerId, got);
    try {
      await this.pick(wanted, got, endpoint);
    } catch (e) {
      this.held.delete(containerId);
      throw e;
    }
    if (got.length) await writeFileAtomic(join(this.dir, `${containerId}.json`), JSON.stringify(got));
    else this.held.delete(containerId);
    return got;
  }

  private async pick(wanted: Wanted[], got: PublishedPort[], endpoint: string): Promise<void> {
    const fail = (why: string) => internal(`driver failed programming external connectivity on endpoint ${endpoint}: ${why}`);
    for (const w of wanted) {
      let hostPort = 0;
      if (w.hostPorts && w.hostPorts[0] === w.hostPorts[1]) {
        const port = w.hostPorts[0];
        const allocated = () => fail(`Bind for ${w.hostIp}:${port} failed: port is already allocated`);
        if (this.taken(w.hostIp, port, w.protocol)) throw allocated();
        if (!(await canBind(w.hostIp, port, w.protocol))) {
          throw fail(`Error starting userland proxy: listen ${w.protocol}4 ${w.hostIp}:${port}: bind: address already in use`);
        }
        if (this.taken(w.hostIp, port, w.protocol)) throw allocated();
        hostPort = port;
      } else {
        const [lo, hi] = w.hostPorts ?? this.range;
        const span = hi - lo + 1;
        const cursor = `${w.protocol}/${w.hostIp}`;
        const start = w.hostPorts ? lo : this.next.get(cursor) ?? lo;
        for (let i = 0; i < span && !hostPort; i++) {
          const port = lo + ((start - lo + i) % span);
          if (this.taken(w.hostIp, port, w.protocol) || !(await canBind(w.hostIp, port, w.protocol)) || this.taken(w.hostIp, port, w.protocol)) continue;
          hostPort = port;
          if (!w.hostPorts) this.next.set(cursor, port + 1 > hi ? lo : port + 1);
        }
        if (!hostPort) throw fail(`Bind for ${w.hostIp}:${w.hostPorts ? `${lo}-${hi}` : '0'} failed: port is already allocated`);
      }
      got.push({ hostIp: w.hostIp, hostPort, containerPort: w.containerPort, protocol: w.protocol });
    }
  }

  /** Frees the container's ports at once; resolves when their file is gone. */
  async release(containerId: string): Promise<void> {
    if (!this.held.delete(containerId)) return;
    await rm(join(this.dir, `${containerId}.json`), { force: true });
  }
}
