// IPv4 arithmetic for subnets, addresses and Docker's IP-derived MAC addresses.

export interface Cidr { base: number; prefix: number }

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new Error(`invalid IPv4 address: ${ip}`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

/** Parses `a.b.c.d/n`; `base` keeps the address as written (use network() for the masked one). */
export function parseCidr(s: string): Cidr {
  const [ip, len] = s.split('/');
  const prefix = Number(len);
  if (len === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new Error(`invalid CIDR address: ${s}`);
  return { base: ipToInt(ip), prefix };
}

export function network(c: Cidr): Cidr {
  return { base: (c.base & maskOf(c.prefix)) >>> 0, prefix: c.prefix };
}

export function formatCidr(c: Cidr): string {
  return `${intToIp(c.base)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const na = network(a);
  const nb = network(b);
  const p = Math.min(a.prefix, b.prefix);
  return ((na.base & maskOf(p)) >>> 0) === ((nb.base & maskOf(p)) >>> 0);
}

/** Docker's container MAC: 02:42 followed by the four bytes of the IPv4 address. */
export function macFromIp(ip: string): string {
  const n = ipToInt(ip);
  return ['02', '42', ...[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
