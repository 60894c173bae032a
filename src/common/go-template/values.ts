// How template values model Go values: plain objects are structs (fields in API order), GoMap
// wraps Go maps (printed sorted as map[k:v]), undefined is Go's "no value", null a nil pointer.

export class GoMap {
  constructor(
    readonly entries: Record<string, unknown>,
    /** Methods of the Go type (looked up before keys, as Go templates do). */
    readonly methods: Record<string, (...args: unknown[]) => unknown> = {},
    /** A nil map: prints map[] but marshals to null. */
    readonly nil = false,
  ) {}
  keys(): string[] {
    return Object.keys(this.entries).sort();
  }
}

/** An integer too large for a JS number (nanosecond timestamps), kept as its digits. */
export class GoInt {
  constructor(readonly digits: string) {}
}

const INT_MARK = '\u0000int:';

/** JSON.parse that keeps integers beyond 2^53 exact (as GoInt after fromJSON). */
export function parseJSONExact(text: string): unknown {
  return JSON.parse(text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"\\u0000int:$2"'));
}

/** Go type name of a formatter context, for "can't evaluate field" errors. */
export const TYPE_NAME = Symbol('typeName');

/** Objects with this method marshal themselves for {{json .}} (docker's formatter contexts). */
export const MARSHAL = Symbol('marshal');

/** Keys whose JSON objects are Go maps in the Engine API types (not structs). */
const MAP_KEYS = new Set([
  'Labels', 'Options', 'Networks', 'Ports', 'ExposedPorts', 'Volumes', 'Annotations', 'DriverOpts',
  'Sysctls', 'StorageOpt', 'Tmpfs', 'Data', 'Containers', 'Status', 'Config:LogConfig', 'Aux',
  'Plugins:Status', 'RegistryConfig:IndexConfigs', 'Runtimes', 'Details', 'ClientInfo', 'Attributes',
]);
/** Keys whose nil value Go prints as an empty slice. */
const SLICE_KEYS = new Set([
  'Binds', 'Cmd', 'Entrypoint', 'Env', 'Mounts', 'Args', 'CapAdd', 'CapDrop', 'Dns', 'DnsOptions',
  'DnsSearch', 'ExtraHosts', 'Links', 'Devices', 'Ulimits', 'SecurityOpt', 'RepoTags', 'RepoDigests',
  'Layers', 'Aliases', 'Shell', 'OnBuild', 'GroupAdd', 'ConsoleSize',
]);

/** Marks an empty slice that stands for a nil one (prints [] but marshals to null). */
const NIL_SLICE = Symbol('nilSlice');

/** Go struct fields whose JSON names differ: templates reach them by the Go name too. */
const GO_NAMES: Record<string, string> = { Id: 'ID', ApiVersion: 'APIVersion', MinAPIVersion: 'MinAPIVersion' };

/** Converts decoded JSON into template values, marking Go maps by their field name. */
export function fromJSON(value: unknown, key = '', parent = ''): unknown {
  if (typeof value === 'string' && value.startsWith(INT_MARK)) return new GoInt(value.slice(INT_MARK.length));
  if (value === null) {
    if (MAP_KEYS.has(key) || MAP_KEYS.has(`${parent}:${key}`)) return new GoMap({}, {}, true);
    if (SLICE_KEYS.has(key)) return Object.defineProperty([], NIL_SLICE, { value: true });
    return null;
  }
  if (Array.isArray(value)) return value.map((v) => fromJSON(v, '', key));
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const isMap = MAP_KEYS.has(key) || MAP_KEYS.has(`${parent}:${key}`);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = isMap ? fromJSON(v, '', key) : fromJSON(v, k, key);
    if (isMap) return new GoMap(out);
    for (const [json, go] of Object.entries(GO_NAMES)) {
      if (json in out && !(go in out)) Object.defineProperty(out, go, { get: () => out[json], enumerable: false });
    }
    return out;
  }
  return value;
}

/** Go's truth rule for if/with/and/or/not. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoMap) return Object.keys(v.entries).length > 0;
  return true;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
  return m ? `${m[1]}e${m[2]}${m[3].padStart(2, '0')}` : s;
}

/** fmt's %v. */
export function goFormat(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (v instanceof GoMap) return `map[${v.keys().map((k) => `${k}:${goFormat(v.entries[k])}`).join(' ')}]`;
  if (typeof v === 'function') return '<func>';
  if (v instanceof GoInt) return v.digits;
  return `{${Object.values(v as Record<string, unknown>).filter((x) => typeof x !== 'function').map(goFormat).join(' ')}}`;
}

function plain(v: unknown): unknown {
  if (v instanceof GoInt) return `${INT_MARK}${v.digits}`;
  if (v instanceof GoMap && v.nil) return null;
  if (Array.isArray(v) && (v as { [NIL_SLICE]?: boolean })[NIL_SLICE]) return null;
  if (v instanceof GoMap) {
    const out: Record<string, unknown> = {};
    for (const k of v.keys()) out[k] = plain(v.entries[k]);
    return out;
  }
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const m = (v as { [MARSHAL]?: () => unknown })[MARSHAL];
    if (m) return m.call(v);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (typeof x !== 'function') out[k] = plain(x);
    return out;
  }
  return v;
}

/** Go's json.Marshal escaping of <, >, & and line separators. */
export function escapeHTML(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** docker's `json` template function (an encoder with HTML escaping off). */
export function toJSON(v: unknown): string {
  if (v === undefined) return 'null';
  const own = v && typeof v === 'object' ? (v as { [MARSHAL]?: () => unknown })[MARSHAL] : undefined;
  if (own) return escapeHTML(JSON.stringify(own.call(v)));
  const s = JSON.stringify(plain(v));
  if (s === undefined) return 'null';
  return s
    .replace(/"\\u0000int:(-?\d+)"/g, '$1')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
