// The directories behind a container's rootfs, read from the snapshotter's mounts: for
// overlayfs [upperdir, ...lowerdirs] (topmost first); for a bind mount (an image without
// layers) its source. Used to read files of the rootfs without mounting it.
export interface Mount { type: string; source: string; target?: string; options: string[] }

export interface RootfsDirs { upper: string; lowers: string[] }

export function rootfsDirs(mounts: Mount[]): RootfsDirs {
  const m = mounts[0];
  if (!m) throw new Error('snapshot has no mounts');
  if (m.type !== 'overlay') return { upper: m.source, lowers: [] };
  const opt = (name: string) => m.options.find((o) => o.startsWith(`${name}=`))?.slice(name.length + 1);
  return { upper: opt('upperdir') ?? '', lowers: (opt('lowerdir') ?? '').split(':').filter(Boolean) };
}

/** Topmost first: the layers as resolveUser and file lookups read them. */
export function layerDirs(mounts: Mount[]): string[] {
  const d = rootfsDirs(mounts);
  return [d.upper, ...d.lowers].filter(Boolean);
}
