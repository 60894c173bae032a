// What a container asks to have mounted, parsed and validated as Docker's Linux mount parser
// does (same messages): `-v` strings (HostConfig.Binds), HostConfig.Mounts (`--mount`) and the
// anonymous volumes of Config.Volumes. The result names volumes but resolves nothing: the
// daemon turns volume names into directories (see daemon/containers/mount-points.ts).
import { posix } from 'node:path';
import { invalid } from '../common/errors.js';

export type MountType = 'bind' | 'volume' | 'tmpfs' | 'image';

/** One mount of a container, as its record keeps it and `inspect` shows it (Docker's MountPoint). */
export interface MountPoint {
  Type: MountType;
  /** bind: the host path; volume: its `_data` (set when resolved); image: the image reference; tmpfs: ''. */
  Source: string;
  Destination: string;
  /** volume: its name ('' until an anonymous one is named). */
  Name?: string;
  Driver?: string;
  /** What a `-v` string gave after the paths ('z' for a volume without one), '' for `--mount`. */
  Mode: string;
  RW: boolean;
  /** bind: 'rprivate' unless asked; '' for the others. */
  Propagation: string;
  /** volume: fill a new, empty volume with what the image holds at the destination. */
  CopyData?: boolean;
  /** volume or image: a directory inside it to mount instead of its root. */
  Subpath?: string;
  /** bind: no `r` in `rbind` (--mount bind-recursive=disabled). */
  NonRecursive?: boolean;
  /** bind: create a missing source directory (`-v` does, `--mount` only with CreateMountpoint). */
  CreateSource?: boolean;
  /** volume: created with these when it does not exist yet (--mount volume-opt, volume-label). */
  VolumeLabels?: Record<string, string>;
  VolumeOptions?: Record<string, string>;
  /** tmpfs: size and mode (--mount tmpfs-size, tmpfs-mode) and further mount flags. */
  TmpfsSize?: number;
  TmpfsMode?: number;
  TmpfsFlags?: string[];
  /** image: the chain ID of the image's top layer (the parent of the view the mount shows). */
  ImageChain?: string;
}

const PROPAGATION = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];
const CONSISTENCY = ['consistent', 'cached', 'delegated'];

const mountConfigError = (type: string, msg: string) => invalid(`invalid mount config for type "${type}": ${msg}`);

/** Docker's linuxValidMountMode: comma-separated, at most one of each kind. */
function validMode(mode: string): boolean {
  if (mode === '') return true;
  const seen = new Set<string>();
  for (const o of mode.split(',')) {
    const kind = ['rw', 'ro'].includes(o) ? 'rw' : ['z', 'Z'].includes(o) ? 'label' : PROPAGATION.includes(o) ? 'propagation'
      : o === 'nocopy' ? 'copy' : CONSISTENCY.includes(o) ? 'consistency' : '';
    if (!kind || seen.has(kind)) return false;
    seen.add(kind);
  }
  return true;
}

const modeHas = (mode: string, opt: string) => mode.split(',').includes(opt);

/** A container path: absolute, cleaned, never `/`. */
function target(type: string, dst: string | undefined): string {
  if (!dst) throw mountConfigError(type, 'field Target must not be empty');
  if (!posix.isAbsolute(dst)) throw mountConfigError(type, `invalid mount path: '${dst}' mount path must be absolute`);
  const clean = posix.normalize(dst).replace(/(.)\/+$/, '$1');
  if (clean === '/') throw mountConfigError(type, "invalid specification: destination can't be '/'");
  return clean;
}

/** A sub-path inside a volume or an image: relative, and no `..` leads out of it. */
function subpath(type: string, p: string | undefined): string | undefined {
  if (!p) return undefined;
  const clean = posix.normalize(p);
  if (posix.isAbsolute(p) || clean === '..' || clean.startsWith('../')) {
    throw mountConfigError(type, `subpath must be a relative path within the ${type}: '${p}'`);
  }
  return clean === '.' ? undefined : clean.replace(/\/+$/, '');
}

/** One `-v` string: `dst`, `name:dst[:mode]` or `/host:dst[:mode]`. */
export function parseBind(raw: string): MountPoint {
  const spec = () => invalid(`invalid volume specification: '${raw}'`);
  const parts = raw.split(':');
  if (parts.some((p) => p === '')) throw spec();
  let source = '';
  let dst: string;
  let mode = '';
  if (parts.length === 1) dst = parts[0];
  else if (parts.length === 2) {
    if (validMode(parts[1])) throw spec();
    [source, dst] = parts;
  } else if (parts.length === 3) [source, dst, mode] = parts;
  else throw spec();
  if (!validMode(mode)) throw invalid(`invalid mode: ${mode}`);
  const type: MountType = posix.isAbsolute(source) ? 'bind' : 'volume';
  let destination: string;
  try {
    destination = target(type, dst);
  } catch (err) {
    throw invalid(`invalid volume specification: '${raw}': ${(err as Error).message}`);
  }
  const rw = !modeHas(mode, 'ro');
  if (type === 'bind') {
    const propagation = mode.split(',').find((o) => PROPAGATION.includes(o)) ?? 'rprivate';
    return { Type: 'bind', Source: posix.normalize(source), Destination: destination, Mode: mode, RW: rw, Propagation: propagation, CreateSource: true };
  }
  if (mode.split(',').some((o) => PROPAGATION.includes(o))) {
    throw invalid(`invalid volume specification: '${raw}': invalid mount config for type "volume": field BindOptions must not be specified`);
  }
  return {
    Type: 'volume', Source: '', Destination: destination, Name: source, Driver: 'local', Mode: mode || 'z', RW: rw,
    Propagation: '', CopyData: !modeHas(mode, 'nocopy')
  };
}

type Obj = Record<string, any>;

function refuseExtra(type: string, m: Obj, fields: string[]): void {
  for (const f of fields) if (m[f] != null) throw mountConfigError(type, `field ${f} must not be specified`);
}

/** Tmpfs mount flags from TmpfsOptions.Options: 1-item arrays are flags, 2-item ones `key=value`. */
function tmpfsFlags(options: unknown): string[] {
  if (options == null) return [];
  if (!Array.isArray(options)) throw mountConfigError('tmpfs', 'TmpfsOptions.Options must be an array of arrays');
  return options.map((o) => {
    if (!Array.isArray(o) || o.length < 1 || o.length > 2 || o.some((x) => typeof x !== 'string')) {
      throw mountConfigError('tmpfs', `invalid tmpfs option ${JSON.stringify(o)}`);
    }
    return o.join('=');
  });
}

// The fields of a Mount and of its option structs: anything else is refused, never dropped.
const MOUNT_FIELDS: Record<string, string[]> = {
  '': ['Type', 'Source', 'Target', 'ReadOnly', 'Consistency', 'BindOptions', 'VolumeOptions', 'ImageOptions', 'TmpfsOptions'],
  BindOptions: ['Propagation', 'NonRecursive', 'CreateMountpoint', 'ReadOnlyNonRecursive', 'ReadOnlyForceRecursive'],
  VolumeOptions: ['NoCopy', 'Labels', 'DriverConfig', 'Subpath'],
  ImageOptions: ['Subpath'],
  TmpfsOptions: ['SizeBytes', 'Mode', 'Options'],
};

function checkFields(m: Obj): void {
  for (const [part, allowed] of Object.entries(MOUNT_FIELDS)) {
    const v = part ? m[part] : m;
    if (v == null) continue;
    if (typeof v !== 'object' || Array.isArray(v)) throw invalid(`invalid mount config: ${part || 'a mount'} must be an object`);
    const bad = Object.keys(v).find((k) => !allowed.includes(k));
    if (bad) throw invalid(`invalid mount config: unknown field "${part ? `${part}.` : ''}${bad}"`);
  }
  if (m.Consistency != null && !['', 'default', ...CONSISTENCY].includes(m.Consistency)) {
    throw invalid(`invalid mount config: unknown consistency "${m.Consistency}"`);
  }
}

/** One HostConfig.Mounts entry (what `--mount` sends). */
export function parseMount(m: Obj): MountPoint {
  checkFields(m);
  const type = String(m?.Type ?? '');
  const rw = !m.ReadOnly;
  switch (type) {
    case 'bind': {
      refuseExtra(type, m, ['VolumeOptions', 'TmpfsOptions', 'ImageOptions']);
      const destination = target(type, m.Target);
      const source = String(m.Source ?? '');
      if (!source) throw mountConfigError(type, 'field Source must not be empty');
      if (!posix.isAbsolute(source)) throw mountConfigError(type, `invalid mount path: '${source}' mount path must be absolute`);
      const b: Obj = m.BindOptions ?? {};
      for (const f of ['ReadOnlyNonRecursive', 'ReadOnlyForceRecursive']) {
        if (b[f]) throw invalid(`BindOptions.${f} is not supported by berth`);
      }
      const propagation = b.Propagation || 'rprivate';
      if (!PROPAGATION.includes(propagation)) throw mountConfigError(type, `invalid propagation mode: ${propagation}`);
      return {
        Type: 'bind', Source: posix.normalize(source), Destination: destination, Mode: '', RW: rw, Propagation: propagation,
        NonRecursive: !!b.NonRecursive, CreateSource: !!b.CreateMountpoint,
      };
    }
    case 'volume': {
      refuseExtra(type, m, ['BindOptions', 'TmpfsOptions', 'ImageOptions']);
      const destination = target(type, m.Target);
      const v: Obj = m.VolumeOptions ?? {};
      const driver = v.DriverConfig?.Name || 'local';
      const name = String(m.Source ?? '');
      return {
        Type: 'volume', Source: '', Destination: destination, Name: name, Driver: driver, Mode: '', RW: rw, Propagation: '',
        CopyData: !v.NoCopy, Subpath: subpath('volume', v.Subpath),
        VolumeLabels: v.Labels ?? undefined, VolumeOptions: v.DriverConfig?.Options ?? undefined,
      };
    }
    case 'tmpfs': {
      refuseExtra(type, m, ['BindOptions', 'VolumeOptions', 'ImageOptions']);
      if (m.Source) throw mountConfigError(type, 'field Source must not be specified');
      const destination = target(type, m.Target);
      const t: Obj = m.TmpfsOptions ?? {};
      if (t.SizeBytes != null && (!Number.isInteger(t.SizeBytes) || t.SizeBytes < 0)) throw mountConfigError(type, `invalid tmpfs size: ${t.SizeBytes}`);
      if (t.Mode != null && (!Number.isInteger(t.Mode) || t.Mode < 0 || t.Mode > 0o7777)) throw mountConfigError(type, `invalid tmpfs mode: ${t.Mode}`);
      return {
        Type: 'tmpfs', Source: '', Destination: destination, Mode: '', RW: rw, Propagation: '',
        TmpfsSize: t.SizeBytes || undefined, TmpfsMode: t.Mode ?? undefined, TmpfsFlags: tmpfsFlags(t.Options),
      };
    }
    case 'image': {
      refuseExtra(type, m, ['BindOptions', 'VolumeOptions', 'TmpfsOptions']);
      const destination = target(type, m.Target);
      if (!m.Source) throw mountConfigError(type, 'field Source must not be empty');
      if (m.ImageOptions?.Subpath) throw invalid('ImageOptions.Subpath (--mount image-subpath) is not supported by berth');
      return { Type: 'image', Source: String(m.Source), Destination: destination, Mode: '', RW: false, Propagation: '' };
    }
    default:
      throw mountConfigError(type, 'mount type unknown');
  }
}

/** `--volumes-from name[:ro|:rw]`: the container reference and the mode that overrides its mounts'. */
export function parseVolumesFrom(raw: string): { container: string; rw?: boolean } {
  const parts = raw.split(':');
  if (parts.length > 2 || !parts[0]) throw invalid(`invalid volumes-from specification: '${raw}'`);
  const mode = parts[1];
  if (mode === undefined) return { container: parts[0] };
  if (mode !== 'ro' && mode !== 'rw') throw invalid(`invalid mode: ${mode}`);
  return { container: parts[0], rw: mode === 'rw' };
}
