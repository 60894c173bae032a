// A container's mounts, as Docker orders them: `--volumes-from` first, then `-v` (which
// replaces a mount of the same destination from another container), then `--mount` (a clash is
// an error), then the image's and `-v /path`'s anonymous volumes where nothing else is mounted.
// Planned and validated before anything is made; at create the volumes are found or made and
// filled from the image; at each start they become the OCI spec's mounts, let go at each exit.
import { mkdir, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { invalid, notFound } from '../../common/errors.js';
import { hostPath, resolveScoped } from '../../common/scoped-path.js';
import { mergeTmpfsOptions, type Mount as OciMount } from '../../runtime/oci-spec.js';
import type { Mount } from '../../runtime/snapshot-layers.js';
import { copyUp, mountTarget } from '../../volume/copy-up.js';
import { parseBind, parseMount, parseVolumesFrom, type MountPoint } from '../../volume/mount-spec.js';
import { checkVolumeName } from '../../volume/names.js';
import { mountPrivately } from './private-mount.js';
import type { ContainerRecord } from './record.js';
import type { ContainerService } from './service.js';
import { SNAPSHOTTER } from './task-runner.js';

const duplicate = (dst: string) => invalid(`Duplicate mount point: ${dst}`);

function checkVolumeMount(mp: MountPoint): void {
  if (mp.Driver && mp.Driver !== 'local') throw notFound(`error looking up volume plugin ${mp.Driver}: plugin "${mp.Driver}" not found`);
  if (mp.Name) checkVolumeName(mp.Name);
}

/** The mounts a create request asks for, validated; volumes named but not yet made. */
export async function planMounts(svc: ContainerService, hc: Record<string, any>, config: Record<string, any>): Promise<MountPoint[]> {
  const byDest = new Map<string, MountPoint>();
  for (const raw of hc.VolumesFrom ?? []) {
    const { container, rw } = parseVolumesFrom(String(raw));
    for (const mp of svc.get(container).rec.MountPoints ?? []) {
      byDest.set(mp.Destination, rw === undefined ? { ...mp } : { ...mp, RW: rw, Mode: rw ? 'rw' : 'ro' });
    }
  }
  const own = new Set<string>();
  for (const raw of hc.Binds ?? []) {
    const mp = parseBind(String(raw));
    if (own.has(mp.Destination)) throw duplicate(mp.Destination);
    if (mp.Type === 'volume') checkVolumeMount(mp);
    own.add(mp.Destination);
    byDest.set(mp.Destination, mp);
  }
  for (const raw of hc.Mounts ?? []) {
    const mp = parseMount(raw ?? {});
    if (own.has(mp.Destination)) throw duplicate(mp.Destination);
    if (mp.Type === 'volume') checkVolumeMount(mp);
    if (mp.Type === 'bind' && !mp.CreateSource && !(await stat(mp.Source).catch(() => undefined))) {
      throw invalid(`invalid mount config for type "bind": bind source path does not exist: ${mp.Source}`);
    }
    own.add(mp.Destination);
    byDest.set(mp.Destination, mp);
  }
  const tmpfs = new Set(Object.keys(hc.Tmpfs ?? {}).map((p) => posix.normalize(p)));
  for (const raw of Object.keys(config.Volumes ?? {})) {
    if (!posix.isAbsolute(raw)) throw invalid(`invalid mount config for type "volume": invalid mount path: '${raw}' mount path must be absolute`);
    const dst = posix.normalize(raw).replace(/(.)\/+$/, '$1');
    if (dst === '/') throw invalid("invalid mount config for type \"volume\": invalid specification: destination can't be '/'");
    if (byDest.has(dst) || tmpfs.has(dst)) continue;
    byDest.set(dst, { Type: 'volume', Source: '', Destination: dst, Name: '', Driver: 'local', Mode: '', RW: true, Propagation: '', CopyData: true });
  }
  for (const dst of tmpfs) if (own.has(dst)) throw duplicate(dst);
  return [...byDest.values()];
}

/**
 * Makes the planned volumes (a named one on first use, anonymous ones fresh), fills new empty
 * ones from the image and checks every destination inside the root. `made` collects the
 * anonymous volumes made here, for the caller to remove should the create fail.
 */
export async function materializeMounts(svc: ContainerService, points: MountPoint[], rootfs: Mount[], made: string[]): Promise<void> {
  const volumes = svc.d.volumes;
  for (const mp of points) {
    if (mp.Type === 'volume') {
      const meta = mp.Name ? await volumes.ensure(mp.Name, mp.VolumeLabels ?? null, mp.VolumeOptions ?? null) : await volumes.createAnonymous();
      if (!mp.Name) made.push(meta.Name);
      mp.Name = meta.Name;
      mp.Source = volumes.dataDir(meta.Name);
    } else if (mp.Type === 'image') {
      mp.ImageChain = (await svc.d.images.resolve(mp.Source)).chainIds.at(-1) ?? '';
    }
  }
  if (!points.length) return;
  const m = rootfs[0];
  const root = await mountPrivately(svc.d.runPath('mnt'), m.type, m.source, ['ro', ...m.options.filter((o) => o !== 'ro' && o !== 'rw')]);
  try {
    for (const mp of points) {
      if (mp.Type === 'volume' && mp.CopyData && !mp.Subpath) await copyUp(root.dir, mp.Destination, mp.Source);
      else await mountTarget(root.dir, mp.Destination);
    }
  } finally {
    await root.release();
  }
}

/** Key of the read-only snapshot an `image` mount shows. */
const imageViewKey = (id: string, i: number) => `${id}-image-${i}`;

/** A volume's directory or the sub-path inside it (which must exist and stay inside it). */
async function volumeSource(mp: MountPoint, dir: string): Promise<string> {
  if (!mp.Subpath) return dir;
  const resolved = await resolveScoped(dir, mp.Subpath, true);
  const p = hostPath(dir, resolved);
  if (!(await stat(p).catch(() => undefined))) throw invalid(`cannot access path ${p}: no such file or directory`);
  return p;
}

/** The OCI spec's mounts of a starting container; its volumes count it as a user. */
export async function specMounts(svc: ContainerService, rec: ContainerRecord): Promise<OciMount[]> {
  const out: OciMount[] = [];
  const points = rec.MountPoints ?? [];
  try {
    for (const [i, mp] of points.entries()) {
      const rw = mp.RW ? 'rw' : 'ro';
      switch (mp.Type) {
        case 'bind':
          if (mp.CreateSource && !(await stat(mp.Source).catch(() => undefined))) await mkdir(mp.Source, { recursive: true, mode: 0o755 });
          out.push({ destination: mp.Destination, type: 'bind', source: mp.Source, options: [mp.NonRecursive ? 'bind' : 'rbind', rw, mp.Propagation || 'rprivate'] });
          break;
        case 'volume': {
          const dir = await svc.d.volumes.mount(mp.Name!, rec.ID, { destination: mp.Destination, rw: mp.RW, propagation: mp.Propagation });
          out.push({ destination: mp.Destination, type: 'bind', source: await volumeSource(mp, dir), options: ['rbind', rw, 'rprivate'] });
          break;
        }
        case 'tmpfs':
          out.push({
            destination: mp.Destination, type: 'tmpfs', source: 'tmpfs',
            options: mergeTmpfsOptions(['noexec', 'nosuid', 'nodev', 'rprivate', rw, ...(mp.TmpfsSize ? [`size=${mp.TmpfsSize}`] : []),
              ...(mp.TmpfsMode !== undefined ? [`mode=${mp.TmpfsMode.toString(8)}`] : []), ...(mp.TmpfsFlags ?? [])]),
          });
          break;
        case 'image': {
          const view = await imageView(svc, imageViewKey(rec.ID, i), mp.ImageChain ?? '');
          out.push(view.type === 'overlay'
            ? { destination: mp.Destination, type: 'overlay', source: 'overlay', options: ['ro', ...view.options.filter((o) => o !== 'rw')] }
            : { destination: mp.Destination, type: 'bind', source: view.source, options: ['rbind', 'ro', 'rprivate'] });
          break;
        }
      }
    }
  } catch (err) {
    await releaseMounts(svc, rec);
    throw err;
  }
  return out;
}

/** The image's read-only snapshot for an `image` mount, made on the first start. */
async function imageView(svc: ContainerService, key: string, parent: string): Promise<Mount> {
  const snapshots = svc.d.containerd.snapshots;
  const r = await snapshots.Mounts({ snapshotter: SNAPSHOTTER, key })
    .catch(() => snapshots.View({ snapshotter: SNAPSHOTTER, key, parent, labels: { 'containerd.io/gc.root': new Date().toISOString() } }));
  return (r.mounts as Mount[])[0];
}

/** After an exit (or a failed start): the container no longer uses its volumes. */
export async function releaseMounts(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  for (const mp of rec.MountPoints ?? []) {
    if (mp.Type === 'volume' && mp.Name) await svc.d.volumes.unmount(mp.Name, rec.ID).catch(() => undefined);
  }
}

/** The read-only image snapshots of a removed container's `image` mounts. */
export async function removeImageViews(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  for (const [i, mp] of (rec.MountPoints ?? []).entries()) {
    if (mp.Type === 'image') await svc.d.containerd.snapshots.Remove({ snapshotter: SNAPSHOTTER, key: imageViewKey(rec.ID, i) }).catch(() => undefined);
  }
}

/** `rm -v` and `--rm`: the anonymous volumes of a removed container that no other container uses. */
export async function removeAnonymousVolumes(svc: ContainerService, rec: ContainerRecord): Promise<void> {
  for (const name of volumeNames(rec)) {
    if (svc.d.volumes.isAnonymous(name)) await svc.d.volumes.remove(name, true).catch(() => undefined);
  }
}

/** Names of the volumes a container's record mounts. */
export const volumeNames = (rec: ContainerRecord): string[] =>
  (rec.MountPoints ?? []).filter((mp) => mp.Type === 'volume' && mp.Name).map((mp) => mp.Name!);
