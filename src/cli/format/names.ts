// Short forms docker shows: truncated IDs, familiar image names, quoted commands with ellipsis,
// port lists and timestamps in Go's time.Time String() layout.

export function truncateId(id: string): string {
  const i = id.indexOf(':');
  return (i >= 0 ? id.slice(i + 1) : id).slice(0, 12);
}

/** Splits "repo:tag" / "repo@digest" references (the colon of a registry port is not a tag). */
export function splitReference(ref: string): { repo: string; tag?: string; digest?: string } {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repo: rest, tag, digest };
}

/** Cuts to `max` display columns, ending with an ellipsis (docker's formatter.Ellipsis). */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  if (max <= 0) return '';
  return `${chars.slice(0, max - 1).join('')}…`;
}

/** Go's strconv.Quote for the printable strings commands are made of. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\u007f/g, '\\x7f');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** time.Time.String() in local time: "2006-01-02 15:04:05 -0700 MST". */
export function goTimeString(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const zone = off === 0 ? 'UTC' : (new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '');
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${sign}${pad2(Math.trunc(abs / 60))}${pad2(abs % 60)} ${zone}`;
}

export interface PortLike {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function formGroup(key: string, first: number, last: number): string {
  const parts = key.split('/');
  let type = parts[0];
  let ip = '';
  if (parts.length > 1) {
    ip = parts[0];
    type = parts[1];
  }
  let group = String(first);
  if (first !== last) group += `-${last}`;
  if (ip) group = `${ip}:${group}->${group}`;
  return `${group}/${type}`;
}

/** docker's DisplayablePorts: consecutive ports grouped into ranges, mappings listed last. */
export function displayablePorts(input: PortLike[]): string {
  const ports = [...input].sort(
    (a, b) =>
      a.PrivatePort - b.PrivatePort ||
      ((a.IP ?? '') < (b.IP ?? '') ? -1 : (a.IP ?? '') > (b.IP ?? '') ? 1 : 0) ||
      (a.PublicPort ?? 0) - (b.PublicPort ?? 0) ||
      (a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0),
  );
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const mappings: string[] = [];
  for (const p of ports) {
    const current = p.PrivatePort;
    let key = p.Type;
    if (p.IP) {
      if ((p.PublicPort ?? 0) !== current) {
        mappings.push(`${joinHostPort(p.IP, p.PublicPort ?? 0)}->${p.PrivatePort}/${p.Type}`);
        continue;
      }
      key = `${p.IP}/${p.Type}`;
    }
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: current, last: current });
      continue;
    }
    if (current === g.last + 1) {
      g.last = current;
      continue;
    }
    result.push(formGroup(key, g.first, g.last));
    groups.set(key, { first: current, last: current });
  }
  for (const [key, g] of groups) result.push(formGroup(key, g.first, g.last));
  return [...result, ...mappings].join(', ');
}

/** `--filter a=b --filter c=d` as the Engine API's filters JSON. */
export function filtersJSON(list: string[]): string | undefined {
  if (!list.length) return undefined;
  const out: Record<string, Record<string, boolean>> = {};
  for (const f of list) {
    const eq = f.indexOf('=');
    if (eq < 0) throw new Error(`bad format of filter (expected name=value)`);
    const k = f.slice(0, eq).trim().toLowerCase();
    (out[k] ??= {})[f.slice(eq + 1)] = true;
  }
  return JSON.stringify(out);
}

/** "k=v" options (labels, driver options) as a map; a bare "k" maps to "". */
export function keyValues(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq < 0) out[kv] = '';
    else out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}
