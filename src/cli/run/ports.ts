// Docker's client-side parsing of `-p/--publish` and `--expose` (go-connections' nat package plus
// the CLI's long `target=…,published=…` syntax), with its exact error messages: docker refuses
// a bad port before it asks the engine for anything.
import { isIP } from 'node:net';
import { OptionError } from './option-error.js';

export interface PortBinding {
  /** "<port>/<proto>" */
  port: string;
  hostIp: string;
  hostPort: string;
}

/** Go's strconv.ParseUint(s, 10, 16), with its error text. */
function parseUint16(s: string): number {
  if (!/^\d+$/.test(s)) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`);
  return n;
}

/** "80" or "8000-8010" → [start, end]; throws with nat.ParsePortRange's message. */
function parsePortRange(ports: string): [number, number] {
  if (ports === '') throw new Error('empty string specified for ports');
  if (!ports.includes('-')) {
    const n = parseUint16(ports);
    return [n, n];
  }
  const parts = ports.split('-');
  const start = parseUint16(parts[0]);
  const end = parseUint16(parts[1]);
  if (end < start) throw new Error(`invalid range specified for port: ${ports}`);
  return [start, end];
}

/** nat.SplitProtoPort: "80/udp" → ['udp', '80']; no protocol means tcp. */
function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  if (raw === '' || parts[0] === '') return ['', ''];
  if (parts.length === 1 || parts[1] === '') return ['tcp', parts[0]];
  return [parts[1], parts[0]];
}

/** "ip:host:container" with the IP possibly holding colons itself (IPv6). */
function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  const n = parts.length;
  const container = parts[n - 1];
  if (n === 1) return ['', '', container];
  if (n === 2) return ['', parts[0], container];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2], container];
}

/** Go's net.ParseIP accepts no IPv6 zone. */
function isIp(s: string): boolean {
  return isIP(s) !== 0 && !s.includes('%');
}

/** The long syntax `target=80,published=8080,protocol=udp` in the short form nat parses. */
function standardNotation(spec: string): string {
  if (!spec.includes('=')) return spec;
  const params: Record<string, string> = { protocol: 'tcp' };
  for (const param of spec.split(',')) {
    const eq = param.indexOf('=');
    if (eq <= 0) throw new OptionError(`invalid publish opts format (should be name=value but got '${param}')`);
    params[param.slice(0, eq)] = param.slice(eq + 1);
  }
  return `${params.published ?? ''}:${params.target ?? ''}/${params.protocol}`;
}

/** One `-p` value ("8080:80", "127.0.0.1::80/udp", "[::1]:8000-8001:80-81") → its bindings. */
export function parsePortSpec(spec: string): PortBinding[] {
  const raw = standardNotation(spec);
  const [rawIp, rawHostPort, rest] = splitParts(raw);
  const [proto, containerPort] = splitProtoPort(rest);
  let ip = rawIp;
  if (ip.startsWith('[')) {
    if (!ip.endsWith(']')) throw new OptionError(`invalid IP address ${ip}: address ${ip}:: missing ']' in address`);
    ip = ip.slice(1, -1);
  }
  if (ip !== '' && !isIp(ip)) throw new OptionError(`invalid IP address: ${ip}`);
  if (containerPort === '') throw new OptionError(`no port specified: ${raw}<empty>`);
  let cStart: number;
  let cEnd: number;
  try {
    [cStart, cEnd] = parsePortRange(containerPort);
  } catch {
    throw new OptionError(`invalid containerPort: ${containerPort}`);
  }
  let hStart = 0;
  let hEnd = 0;
  if (rawHostPort !== '') {
    try {
      [hStart, hEnd] = parsePortRange(rawHostPort);
    } catch {
      throw new OptionError(`invalid hostPort: ${rawHostPort}`);
    }
    if (cEnd - cStart !== hEnd - hStart && cEnd !== cStart) {
      throw new OptionError(`invalid ranges specified for container and host Ports: ${containerPort} and ${rawHostPort}`);
    }
  }
  if (!['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) throw new OptionError(`invalid proto: ${proto}`);
  const out: PortBinding[] = [];
  for (let i = 0; i <= cEnd - cStart; i++) {
    let hostPort = rawHostPort === '' ? '' : String(hStart + i);
    if (cStart === cEnd && hStart !== hEnd) hostPort = `${hostPort}-${hEnd}`;
    out.push({ port: `${cStart + i}/${proto.toLowerCase()}`, hostIp: ip, hostPort });
  }
  return out;
}

/** One `--expose` value ("80", "8000-8010/udp") → the "<port>/<proto>" keys it exposes. */
export function parseExpose(spec: string): string[] {
  if (spec.includes(':')) throw new OptionError(`invalid port format for --expose: ${spec}`);
  const [proto, port] = splitProtoPort(spec);
  let start: number;
  let end: number;
  try {
    [start, end] = parsePortRange(port);
  } catch (e) {
    throw new OptionError(`invalid range format for --expose: ${spec}, error: ${(e as Error).message}`);
  }
  const out: string[] = [];
  for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  return out;
}
