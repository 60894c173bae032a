// Values of run/create flags that docker checks while it parses the flags (an error is a flag
// error, printed with the usage line): --mount, --ulimit and --add-host.
import { isIP } from 'node:net';
import { parseBytes } from '../format/units.js';

type Obj = Record<string, unknown>;

/** Go's strconv.ParseBool, as the CLI reads `key=bool` mount options (a bare key is true). */
function mountBool(key: string, val: string, bare: boolean): boolean {
  if (bare) return true;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(val)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(val)) return false;
  throw new Error(`invalid value for ${key}: ${val}`);
}

const BIND_RECURSIVE: Record<string, Obj> = {
  enabled: {}, disabled: { NonRecursive: true }, writable: { ReadOnlyNonRecursive: true }, readonly: { ReadOnlyForceRecursive: true },
};

/** One `--mount` value ("type=bind,src=/a,dst=/b,ro") → an API Mount. */
export function parseMount(spec: string): Obj {
  const m: Obj = { Type: 'volume' };
  const bind: Obj = {};
  const vol: Obj = {};
  const image: Obj = {};
  const tmpfs: Obj = {};
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? '' : field.slice(eq + 1);
    switch (key) {
      case 'type':
        m.Type = val;
        break;
      case 'source':
      case 'src':
        m.Source = val;
        break;
      case 'target':
      case 'destination':
      case 'dst':
        m.Target = val;
        break;
      case 'readonly':
      case 'ro':
        m.ReadOnly = mountBool(key, val, eq < 0);
        break;
      case 'consistency':
        m.Consistency = val;
        break;
      case 'bind-propagation':
        bind.Propagation = val;
        break;
      case 'bind-nonrecursive':
        bind.NonRecursive = mountBool(key, val, eq < 0);
        break;
      case 'bind-recursive':
        if (!(val in BIND_RECURSIVE)) throw new Error(`invalid value for bind-recursive: ${val} (must be "enabled", "disabled", "writable", or "readonly")`);
        Object.assign(bind, BIND_RECURSIVE[val]);
        break;
      case 'volume-nocopy':
        vol.NoCopy = mountBool(key, val, eq < 0);
        break;
      case 'volume-subpath':
        vol.Subpath = val;
        break;
      case 'image-subpath':
        image.Subpath = val;
        break;
      case 'volume-driver':
        vol.DriverConfig = { ...((vol.DriverConfig as Obj) ?? {}), Name: val };
        break;
      case 'volume-opt': {
        const [k, v = ''] = val.split(/=(.*)/s);
        const driver = (vol.DriverConfig as Obj) ?? {};
        vol.DriverConfig = { ...driver, Options: { ...((driver.Options as Obj) ?? {}), [k]: v } };
        break;
      }
      case 'volume-label': {
        const [k, v = ''] = val.split(/=(.*)/s);
        vol.Labels = { ...((vol.Labels as Obj) ?? {}), [k]: v };
        break;
      }
      case 'tmpfs-size':
        try {
          tmpfs.SizeBytes = parseBytes(val);
        } catch {
          throw new Error(`invalid value for tmpfs-size: ${val}`);
        }
        break;
      case 'tmpfs-mode':
        if (!/^[0-7]+$/.test(val)) throw new Error(`invalid value for tmpfs-mode: ${val}`);
        tmpfs.Mode = parseInt(val, 8);
        break;
      default:
        throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (!m.Target) throw new Error('target is required');
  if (Object.keys(bind).length) m.BindOptions = bind;
  if (Object.keys(vol).length) m.VolumeOptions = vol;
  if (Object.keys(image).length) m.ImageOptions = image;
  if (Object.keys(tmpfs).length) m.TmpfsOptions = tmpfs;
  return m;
}

const ULIMIT_NAMES = new Set(['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack']);

/** Go's strconv.ParseInt(s, 10, 64), with its error text. */
function parseInt64(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  return Number(n);
}

/** One `--ulimit` value ("nofile=1024:2048"), as go-units' ParseUlimit. */
export function parseUlimit(spec: string): { Name: string; Soft: number; Hard: number } {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new Error(`invalid ulimit argument: ${spec}`);
  const name = spec.slice(0, eq);
  const values = spec.slice(eq + 1);
  if (!ULIMIT_NAMES.has(name)) throw new Error(`invalid ulimit type: ${name}`);
  const parts = values.split(':');
  if (parts.length > 2) throw new Error(`too many limit value arguments - ${values}, can only have up to two, \`soft[:hard]\``);
  const hard = parts.length === 2 ? parseInt64(parts[1]) : undefined;
  const soft = parseInt64(parts[0]);
  const limit = hard ?? soft;
  if (limit !== -1 && soft > limit) throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${limit}`);
  return { Name: name, Soft: soft, Hard: limit };
}

/**
 * One `--add-host` value ("name:ip", "name=ip", "name:[::1]", "name:host-gateway") in the
 * "name:ip" form the API takes, as the docker CLI's ValidateExtraHost.
 */
export function extraHost(value: string): string {
  let sep = value.indexOf('=');
  if (sep < 0) sep = value.indexOf(':');
  const name = sep < 0 ? '' : value.slice(0, sep);
  let ip = value.slice(sep + 1);
  if (sep < 0 || name === '' || name.includes(':')) throw new Error(`bad format for add-host: ${JSON.stringify(value)}`);
  if (ip !== 'host-gateway') {
    if (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
    if (isIP(ip.trim()) === 0 || ip.includes('%')) throw new Error(`invalid IP address in add-host: ${JSON.stringify(ip)}`);
  }
  return `${name}:${ip}`;
}
