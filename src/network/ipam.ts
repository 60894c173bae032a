// Picks a container's address before the CNI ADD, so its MAC can be derived from it as Docker
// does. Docker hands out the lowest free address of the subnet; host-local (which records the
// allocation under the data root) would hand out the next one after the last, so berth chooses
// and passes it as the `ips` runtime argument. Addresses being added are held in memory.
import { readdir } from 'node:fs/promises';
import { intToIp, ipToInt, network, parseCidr, size } from './ipv4.js';

export class AddressPicker {
  private readonly pending = new Set<string>();

  /** `dir` is host-local's directory for the network: one file per allocated address. */
  constructor(private readonly dir: string, private readonly subnet: string, private readonly gateway: string) {}

  async allocated(): Promise<Set<string>> {
    try { return new Set((await readdir(this.dir)).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f))); } catch { return new Set(); }
  }

  /** Reserves the lowest free address; call release() once the plugin has recorded it (or failed). */
  async reserve(): Promise<string> {
    const used = await this.allocated();
    const net = network(parseCidr(this.subnet));
    const gw = ipToInt(this.gateway);
    for (let n = net.base + 1; n < net.base + size(net) - 1; n++) {
      if (n === gw) continue;
      const ip = intToIp(n);
      if (used.has(ip) || this.pending.has(ip)) continue;
      this.pending.add(ip);
      return ip;
    }
    throw new Error(`no available IPv4 addresses on this network's address pools: bridge (${this.subnet})`);
  }

  release(ip: string): void {
    this.pending.delete(ip);
  }
}
